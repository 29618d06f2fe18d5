package io.github.ftproute.routing.affinity;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.Segment;
import java.util.List;

/**
 * Making room in a full {@link LocalAffinityTable} for a new client: removes one entry that may go
 * (an entry of a departed backend, else the least recently used idle entry of a sample) and hands
 * its unit of size to the new entry.
 *
 * <p>The new key's own stripe (whose lock the caller holds) is sampled first, {@value
 * #EVICTION_SAMPLE} entries from the new key's home slot; if it has nothing to give, the first other
 * stripe that has and whose lock is free at the moment gives its first evictable entry. A stripe
 * found full of live connections is skipped until a connection closes in it or the backends change.
 * Never blocks on a second lock (so two stripes evicting into each other cannot deadlock). Thread-safe.
 */
final class Eviction {
  /** How many entries an eviction compares before it settles for the least recently used idle one. */
  static final int EVICTION_SAMPLE = 16;
  /** How many rounds over all stripes an eviction makes while connections race it. */
  private static final int EVICTION_ATTEMPTS = 8;

  private static final int EVICTED = 0;
  private static final int NONE = 1;
  private static final int RACED = 2;

  private final Stripes stripes;

  Eviction(Stripes stripes) {
    this.stripes = stripes;
  }

  /**
   * Removes one entry that may go (dead, else idle), taking over its unit of size: first from a
   * sample of the new key's own segment (locked by the caller), then, if that segment has none, from
   * the first of the other segments that has one and is not locked at the moment.
   *
   * @param own the new key's segment, locked by the caller
   * @param start the new key's home slot in {@code own}
   * @param now the clock, in the milliseconds of {@link Stripes#now()}
   * @param events where listener events go, to be run after the lock is released
   * @return whether an entry was removed
   */
  boolean evict(Segment own, int start, BackendSet set, long now, List<Runnable> events) {
    for (int attempt = 0; attempt < EVICTION_ATTEMPTS; attempt++) {
      int result = evictFrom(own, start, EVICTION_SAMPLE, set, now, events);
      if (result == EVICTED) {
        return true;
      }
      boolean raced = result == RACED;
      for (Segment[] family : stripes.families) {
        for (Segment other : family) {
          if (other == own || other.surelyFull(set) || !other.lock.tryLock()) {
            continue;
          }
          try {
            result = evictFrom(other, 0, 1, set, now, events);
          } finally {
            other.lock.unlock();
          }
          if (result == EVICTED) {
            return true;
          }
          raced |= result == RACED;
        }
      }
      if (!raced) {
        return false;
      }
    }
    return false;
  }

  /** Evicts from a segment whose lock the caller holds: EVICTED, NONE, or RACED with a connection. */
  private int evictFrom(Segment seg, int start, int sample, BackendSet set, long now, List<Runnable> events) {
    if (seg.surelyFull(set)) {
      return NONE;
    }
    seg.maybeIdle = false;
    long[] t = seg.slots;
    int slot = seg.findVictim(start, sample, inc -> set.live(inc) != null);
    if (slot < 0) {
      seg.searchedAt = set;
      return NONE;
    }
    seg.maybeIdle = true;
    Stripes s = stripes;
    long state = seg.victimState;
    long meta = seg.metaAt(t, slot);
    BackendEntry entry = set.live(Segment.incarnation(meta));
    ClientKey victim = s.notify ? Stripes.keyAt(seg, t, slot, meta) : null;
    if (entry == null) {
      s.dropDead(seg, t, slot, victim, events);
      return EVICTED;
    }
    if (!seg.delete(t, slot, state)) {
      return RACED;
    }
    boolean isExpired = s.hasExpired(state, now);
    (isExpired ? s.expired : s.evicted).increment();
    if (victim != null) {
      Backend backend = entry.backend();
      AffinityListener listener = s.listener;
      events.add(() -> {
        if (isExpired) {
          listener.onExpired(victim, backend);
        } else {
          listener.onEvicted(victim, backend);
        }
      });
    }
    return EVICTED;
  }
}
