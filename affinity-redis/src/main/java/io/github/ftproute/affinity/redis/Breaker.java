package io.github.ftproute.affinity.redis;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The circuit breaker in front of the store. Closed: every call goes through, and {@code threshold}
 * failures in a row open it. Open: no call goes through until a back-off has passed; then it is
 * half-open and lets exactly one call through (the probe). The probe's success closes the breaker;
 * its failure opens it again with the back-off doubled, up to {@code maxBackoff}. Each back-off is
 * drawn at random from its upper half, so instances that lost the store together do not probe it
 * together. Times are ticker nanoseconds, passed in. Thread-safe, lock-free.
 */
final class Breaker {
  private final int threshold;
  private final long minBackoff;
  private final long maxBackoff;

  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile boolean open;
  private volatile long openUntil;
  private volatile long backoff;

  Breaker(int threshold, long minBackoffNanos, long maxBackoffNanos) {
    this.threshold = threshold;
    this.minBackoff = minBackoffNanos;
    this.maxBackoff = maxBackoffNanos;
    this.backoff = minBackoffNanos;
  }

  /** Returns whether a call may go to the store now; when it returns true, report the call's result. */
  boolean allow(long now) {
    if (!open) {
      return true;
    }
    return now - openUntil >= 0 && probing.compareAndSet(false, true);
  }

  /** Returns whether the breaker is open or half-open. */
  boolean isOpen() {
    return open;
  }

  void success() {
    failures.set(0);
    backoff = minBackoff;
    open = false;
    probing.set(false);
  }

  void failure(long now) {
    if (open) {
      // the probe failed: wait longer before the next one
      long next = Math.min(maxBackoff, backoff * 2);
      backoff = next;
      openUntil = now + jitter(next);
      probing.set(false);
    } else if (failures.incrementAndGet() >= threshold) {
      openUntil = now + jitter(backoff);
      open = true;
    }
  }

  private static long jitter(long backoff) {
    return backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
  }
}
