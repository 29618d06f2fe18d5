package io.github.ftproute.affinity.redis;

import io.github.ftproute.routing.affinity.BackendSet;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One client's entry in an instance's near cache: the backend (as a {@code Routed} of the snapshot it
 * was last validated against), this instance's live connections on it and the time of their last
 * change, and when the store last confirmed it.
 *
 * <p>The state word packs the live count (high 20 bits) and the last activity (low 44 bits,
 * milliseconds of the table's clock); {@link #DEAD} marks an entry taken out of the cache. Opening
 * and closing change it by one compare-and-set. Thread-safe.
 */
final class NearEntry {
  static final long DEAD = -1L;
  private static final int TIME_BITS = 44;
  private static final long TIME_MASK = (1L << TIME_BITS) - 1;
  static final long ONE = 1L << TIME_BITS;
  static final long MAX_COUNT = (1L << (63 - TIME_BITS)) - 1;
  /** {@link #confirmedMillis} of an entry the store never confirmed (made while it was away). */
  static final long UNCONFIRMED = Long.MIN_VALUE / 2;

  private record Snapshot(BackendSet set, Routed existing) {}

  final String backendId;
  final AtomicLong state;
  private volatile Snapshot snapshot;
  volatile long confirmedMillis;

  NearEntry(BackendSet set, Routed existing, long nowMillis, long confirmedMillis) {
    this.backendId = existing.backend().id();
    this.snapshot = new Snapshot(set, existing);
    this.state = new AtomicLong(ONE | nowMillis);
    this.confirmedMillis = confirmedMillis;
  }

  static long count(long state) {
    return state >>> TIME_BITS;
  }

  static long lastActivity(long state) {
    return state & TIME_MASK;
  }

  /**
   * Returns this entry's {@code EXISTING} result in {@code set}, or null when its backend incarnation
   * has left {@code set}. Allocation-free unless the snapshot changed since the last call.
   */
  @Nullable Routed existing(BackendSet set) {
    Snapshot s = snapshot;
    if (s.set == set) {
      return s.existing;
    }
    Route route = set.route(s.existing, Routed.Outcome.EXISTING);
    if (!(route instanceof Routed routed)) {
      return null;
    }
    snapshot = new Snapshot(set, routed);
    return routed;
  }

  /** Returns the result this entry was last validated with, whatever the snapshot. */
  Routed existing() {
    return snapshot.existing;
  }

  /**
   * Counts one more connection if the entry has live connections, or is idle but {@code fresh} says
   * so of its last activity; returns false (counting nothing) otherwise or when it is dead.
   */
  boolean tryOpen(Freshness fresh) {
    long now = -1;
    while (true) {
      long s = state.get();
      if (s == DEAD) {
        return false;
      }
      long count = count(s);
      long next;
      if (count == 0) {
        now = now < 0 ? fresh.nowMillis() : now;
        if (!fresh.isFresh(this, lastActivity(s), now)) {
          return false;
        }
        next = ONE | now;
      } else if (count < MAX_COUNT) {
        next = s + ONE;
      } else {
        return false;
      }
      if (state.compareAndSet(s, next)) {
        return true;
      }
    }
  }

  /** Counts one more connection unless the entry is dead; returns whether it counted. */
  boolean open(long nowMillis) {
    while (true) {
      long s = state.get();
      if (s == DEAD || count(s) >= MAX_COUNT) {
        return false;
      }
      long next = count(s) == 0 ? ONE | nowMillis : s + ONE;
      if (state.compareAndSet(s, next)) {
        return true;
      }
    }
  }

  /** Counts one connection fewer, if there is one; at the last, the entry's idle time starts. */
  void close(Freshness clock) {
    long now = -1;
    while (true) {
      long s = state.get();
      long count = count(s);
      if (s == DEAD || count == 0) {
        return;
      }
      long next;
      if (count > 1) {
        next = s - ONE;
      } else {
        now = now < 0 ? clock.nowMillis() : now;
        next = now;
      }
      if (state.compareAndSet(s, next)) {
        return;
      }
    }
  }

  /** Marks the entry dead if it has no live connection; returns whether it did. */
  boolean killIfIdle() {
    long s = state.get();
    return s != DEAD && count(s) == 0 && state.compareAndSet(s, DEAD);
  }

  /** Marks the entry dead, whatever its connections (their closes are then ignored). */
  void kill() {
    state.set(DEAD);
  }

  /** The table's clock and freshness rule, as the entry needs them. */
  interface Freshness {
    long nowMillis();

    boolean isFresh(NearEntry entry, long lastActivityMillis, long nowMillis);
  }
}
