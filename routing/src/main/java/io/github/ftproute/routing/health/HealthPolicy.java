package io.github.ftproute.routing.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How probe results become backend states, and how often probes run.
 *
 * <table class="striped">
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #rise}: consecutive good probes that bring a DOWN backend UP</td><td>2</td></tr>
 *   <tr><td>{@link #fall}: consecutive failed probes that take an UP backend DOWN</td><td>3</td></tr>
 *   <tr><td>{@link #interval}: time between probes of one backend</td><td>2 s</td></tr>
 *   <tr><td>{@link #jitter}: the interval varies by up to this fraction either way, so probes of
 *       many backends (and of many proxies) do not march in step</td><td>0.1 (±10%)</td></tr>
 *   <tr><td>{@link #slowStart}: after coming back UP, the backend's weight ramps from a small
 *       share to its full weight over this time</td><td>10 s; zero turns it off</td></tr>
 *   <tr><td>{@link #degradedIsDown}: whether a DEGRADED result counts as failed (otherwise as
 *       good)</td><td>false</td></tr>
 * </table>
 *
 * <p>Immutable.
 *
 * @param rise 1..100
 * @param fall 1..100
 * @param interval 1 ms..1 day
 * @param jitter 0..0.5
 * @param slowStart 0..1 day
 * @param degradedIsDown whether DEGRADED counts toward {@code fall}
 */
public record HealthPolicy(int rise, int fall, Duration interval, double jitter, Duration slowStart,
    boolean degradedIsDown) {
  private static final HealthPolicy DEFAULTS =
      new HealthPolicy(2, 3, Duration.ofSeconds(2), 0.1, Duration.ofSeconds(10), false);

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if one is out of its range
   */
  public HealthPolicy {
    requireNonNull(interval, "interval");
    requireNonNull(slowStart, "slowStart");
    count("rise", rise);
    count("fall", fall);
    if (interval.compareTo(Duration.ofMillis(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: 1 ms..1 day)");
    }
    if (!(jitter >= 0 && jitter <= 0.5)) {
      throw new IllegalArgumentException("jitter: " + jitter + " (expected: 0..0.5)");
    }
    if (slowStart.isNegative() || slowStart.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("slowStart: " + slowStart + " (expected: 0..1 day)");
    }
  }

  /** Returns the defaults: rise 2, fall 3, every 2 s ±10%, 10 s slow start, DEGRADED counts as good. */
  public static HealthPolicy defaults() {
    return DEFAULTS;
  }

  /** Returns this policy with {@code rise} and {@code fall}. */
  public HealthPolicy withRiseFall(int rise, int fall) {
    return new HealthPolicy(rise, fall, interval, jitter, slowStart, degradedIsDown);
  }

  /** Returns this policy probing every {@code interval}. */
  public HealthPolicy withInterval(Duration interval) {
    return new HealthPolicy(rise, fall, interval, jitter, slowStart, degradedIsDown);
  }

  /** Returns this policy with {@code jitter} (a fraction, 0..0.5). */
  public HealthPolicy withJitter(double jitter) {
    return new HealthPolicy(rise, fall, interval, jitter, slowStart, degradedIsDown);
  }

  /** Returns this policy with a slow start of {@code ramp}; zero turns it off. */
  public HealthPolicy withSlowStart(Duration ramp) {
    return new HealthPolicy(rise, fall, interval, jitter, ramp, degradedIsDown);
  }

  /** Returns this policy counting DEGRADED results as failed, or as good. */
  public HealthPolicy withDegradedIsDown(boolean down) {
    return new HealthPolicy(rise, fall, interval, jitter, slowStart, down);
  }

  /**
   * Returns the delay before the next probe of a backend: the interval scaled by {@code 1 + jitter *
   * (2u - 1)}, at least 1 ms.
   *
   * @param u a uniform random number in [0, 1), such as {@code ThreadLocalRandom.current().nextDouble()}
   * @throws IllegalArgumentException if {@code u} is outside [0, 1)
   */
  public Duration nextDelay(double u) {
    if (!(u >= 0 && u < 1)) {
      throw new IllegalArgumentException("u: " + u + " (expected: 0 <= u < 1)");
    }
    double factor = 1 + jitter * (2 * u - 1);
    return Duration.ofNanos(Math.max(1_000_000L, Math.round(interval.toNanos() * factor)));
  }

  /** Returns whether {@code result} counts as a good probe under this policy. */
  public boolean isGood(ProbeResult result) {
    return switch (result.status()) {
      case UP -> true;
      case DEGRADED -> !degradedIsDown;
      case DOWN -> false;
    };
  }

  /**
   * Returns the weight a backend of full weight {@code weight} has {@code elapsed} into its slow
   * start. The ramp has ten steps: in the k-th tenth of the slow start (k = 1..10) the weight is
   * {@code ceil(weight * k / 10)}, at least 1; the full weight when slow start is off or over, or
   * the weight is 1 or less.
   */
  public int rampedWeight(int weight, Duration elapsed) {
    if (weight <= 1 || slowStart.isZero() || elapsed.compareTo(slowStart) >= 0) {
      return weight;
    }
    long tenth = Math.max(0, elapsed.toNanos()) * 10 / slowStart.toNanos(); // 0..9
    return (int) Math.max(1, Math.min(weight, (weight * (tenth + 1) + 9) / 10));
  }

  private static void count(String name, int n) {
    if (n < 1 || n > 100) {
      throw new IllegalArgumentException(name + ": " + n + " (expected: 1..100)");
    }
  }
}
