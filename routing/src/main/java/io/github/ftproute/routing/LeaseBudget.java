package io.github.ftproute.routing;

/**
 * A token bucket over data setups of one session: {@code capacity} leases, refilled evenly over
 * {@code windowNanos}. It keeps one client that sends PASV in a loop from churning the port pool and
 * the proxy's CPU; a session over its budget gets {@code 425} for that transfer and goes on. Not
 * thread-safe: {@link FtpSession} calls it under its lock.
 */
final class LeaseBudget {
  private final int capacity;
  private final long nanosPerToken;
  private double tokens;
  private long last;

  LeaseBudget(int capacity, long windowNanos, long now) {
    this.capacity = capacity;
    this.nanosPerToken = Math.max(1, windowNanos / capacity);
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes one lease from the budget if it has one. */
  boolean tryTake(long now) {
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + (double) elapsed / nanosPerToken);
      last = now;
    }
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
