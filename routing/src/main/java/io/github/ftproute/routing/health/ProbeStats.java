package io.github.ftproute.routing.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link BackendHealth} knows of one backend's probes: cumulative counts by status, their total
 * latency, the current run of good or failed probes, and the last result.
 *
 * @param backendId the backend
 * @param up probes that were UP
 * @param degraded probes that were DEGRADED
 * @param down probes that were DOWN
 * @param totalLatency the latencies of all those probes added up
 * @param consecutiveGood good probes in a row, under the policy, up to now (0 after a failed one)
 * @param consecutiveFailed failed probes in a row up to now (0 after a good one)
 * @param last the last result, or null before the first probe
 */
public record ProbeStats(String backendId, long up, long degraded, long down, Duration totalLatency,
    int consecutiveGood, int consecutiveFailed, @Nullable ProbeResult last) {

  /** Checks the id and latency. */
  public ProbeStats {
    requireNonNull(backendId, "backendId");
    requireNonNull(totalLatency, "totalLatency");
  }

  /** Returns the number of probes: {@code up + degraded + down}. */
  public long probes() {
    return up + degraded + down;
  }

  /** Returns the last result, if there was a probe. */
  public Optional<ProbeResult> lastResult() {
    return Optional.ofNullable(last);
  }

  /** Returns the number of probes that ended with {@code status}. */
  public long count(ProbeResult.Status status) {
    return switch (status) {
      case UP -> up;
      case DEGRADED -> degraded;
      case DOWN -> down;
    };
  }
}
