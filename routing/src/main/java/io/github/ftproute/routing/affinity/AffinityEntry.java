package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.core.ClientKey;

/**
 * A client's live affinity entry, as {@link AffinityTable#entry} reports it for inspection.
 *
 * @param key the client key
 * @param backend the backend the client's connections go to, as in the current backend snapshot
 * @param liveConnections the client's open connections counted in the entry, 0 or more; at 0 the
 *     persistence timeout runs
 */
public record AffinityEntry(ClientKey key, Backend backend, int liveConnections) {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code liveConnections} is negative
   */
  public AffinityEntry {
    requireNonNull(key, "key");
    requireNonNull(backend, "backend");
    if (liveConnections < 0) {
      throw new IllegalArgumentException("liveConnections: " + liveConnections + " (expected: >= 0)");
    }
  }
}
