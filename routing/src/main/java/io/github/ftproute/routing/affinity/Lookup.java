package io.github.ftproute.routing.affinity;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.Segment;
import org.jspecify.annotations.Nullable;

/**
 * Reading a {@link LocalAffinityTable} without changing it: which backend a client's live entry
 * names ({@link #liveEntry}, lock-free and allocation-free) and a snapshot of the entry ({@link
 * #lockedEntry}, under the stripe's lock).
 *
 * <p>A lookup of an idle entry reads the clock once, to check expiry; an entry with live
 * connections needs no clock. A slot that a rehash froze or a delete marked is read again under the
 * lock. Expired entries found here are left for the next open or sweep to remove. Thread-safe.
 */
final class Lookup {
  private final Stripes stripes;

  Lookup(Stripes stripes) {
    this.stripes = stripes;
  }

  /** Returns the backend of the key's live entry, or null; without locking or changing anything. */
  @Nullable BackendEntry liveEntry(Segment[] family, long keyBits, long high, long low) {
    Stripes s = stripes;
    long hash = s.hash(keyBits, high, low);
    Segment seg = s.segment(family, hash);
    long[] t = seg.slots;
    int slot = seg.find(t, hash, keyBits, high, low);
    if (slot < 0) {
      return null;
    }
    long state = seg.stateAt(t, slot);
    int count = Segment.count(state);
    if (count == Segment.SPECIAL_COUNT) {
      // Frozen by a rehash, or deleted (and perhaps re-inserted elsewhere): ask under the lock.
      AffinityEntry entry = lockedEntry(seg, hash, keyBits, high, low, null);
      return entry == null ? null : s.pool.snapshot().entry(entry.backend().id());
    }
    return liveOrNull(s.pool.snapshot(), seg, t, slot, state);
  }

  /** Returns the entry of a key, given as {@code key} or by its bits, reading it under the lock. */
  @Nullable AffinityEntry entry(Segment[] family, long keyBits, long high, long low, ClientKey key) {
    long hash = stripes.hash(keyBits, high, low);
    return lockedEntry(stripes.segment(family, hash), hash, keyBits, high, low, key);
  }

  /** Reads the key's live entry under the segment lock, so no rehash or delete is in progress. */
  private @Nullable AffinityEntry lockedEntry(
      Segment seg, long hash, long keyBits, long high, long low, @Nullable ClientKey key) {
    BackendSet set = stripes.pool.snapshot();
    seg.lock.lock();
    try {
      long[] t = seg.slots;
      int slot = seg.find(t, hash, keyBits, high, low);
      if (slot < 0) {
        return null;
      }
      long state = seg.stateAt(t, slot);
      BackendEntry entry = liveOrNull(set, seg, t, slot, state);
      if (entry == null) {
        return null;
      }
      return new AffinityEntry(
          key == null ? Stripes.keyOf(seg, keyBits, high, low) : key, entry.backend(), Segment.count(state));
    } finally {
      seg.lock.unlock();
    }
  }

  /** Returns the backend of the entry at {@code slot} with {@code state}, or null if it left or expired. */
  private @Nullable BackendEntry liveOrNull(BackendSet set, Segment seg, long[] t, int slot, long state) {
    BackendEntry entry = set.live(Segment.incarnation(seg.metaAt(t, slot)));
    if (entry == null || (Segment.count(state) == 0 && stripes.hasExpired(state, stripes.now()))) {
      return null;
    }
    return entry;
  }
}
