package io.github.ftproute.routing.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * One lock stripe of the affinity table: an open-addressing hash table with linear probing, stored
 * in a single {@code long[]}, with no object per entry.
 *
 * <h2>Layout</h2>
 *
 * <p>A slot is {@code stride} longs: 2 for IPv4 keys, 4 for IPv6 keys.
 *
 * <pre>
 * IPv4 slot:  [ meta ][ state ]                 16 bytes
 * IPv6 slot:  [ high ][ low ][ meta ][ state ]  32 bytes
 *
 * meta  (immutable while the entry lives)
 *   IPv4:  address:32 | prefixLength:6 | incarnation:26
 *   IPv6:  0:30       | prefixLength:8 | incarnation:26     (address in high, low)
 *   EMPTY = 0 (never used: incarnations start at 1), TOMBSTONE = -1 (prefix field impossible)
 *
 * state (changed by compare-and-set, without the lock)
 *   liveConnections:24 | lastActivity:40 (milliseconds since the table's origin)
 *   DELETED = -1 and FROZEN = -2: connection field all ones, which no live entry has
 * </pre>
 *
 * <h2>Concurrency</h2>
 *
 * <p>Inserting, deleting and rehashing take {@link #lock}. Everything else reads without locking and
 * changes only a live slot's state word, by compare-and-set:
 *
 * <ul>
 *   <li>an insert writes the key words and the state word before publishing meta with release
 *       semantics, so a reader that sees the meta sees the rest;
 *   <li>a delete sets the state word to DELETED by compare-and-set (so it fails if a connection
 *       opened meanwhile), then meta to TOMBSTONE; a tombstone is never reused until the next rehash,
 *       so a slot that a reader found holds the same key for as long as its state is not special;
 *   <li>a rehash freezes every live state word (compare-and-set to FROZEN, copying the value it
 *       replaced) before it publishes the new array, so no update made on the old array is lost:
 *       a reader that sees FROZEN waits for the lock and retries on the new array.
 * </ul>
 */
public final class Segment {
  public static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

  public static final int INCARNATION_BITS = 26;
  public static final long INCARNATION_MASK = (1L << INCARNATION_BITS) - 1;
  public static final long KEY_MASK = ~INCARNATION_MASK;
  public static final long EMPTY = 0;
  public static final long TOMBSTONE = -1;

  public static final int COUNT_SHIFT = 40;
  public static final long STAMP_MASK = (1L << COUNT_SHIFT) - 1;
  public static final int SPECIAL_COUNT = (1 << 24) - 1;
  public static final int MAX_COUNT = SPECIAL_COUNT - 1;
  /** Added to a state word, counts one more live connection and keeps the last activity. */
  public static final long ONE_CONNECTION = 1L << COUNT_SHIFT;
  public static final long DELETED = -1;
  public static final long FROZEN = -2;

  public static final int MIN_CAPACITY = 8;
  /** Rehash when live entries plus tombstones would exceed 3/4 of the slots. */
  public static final int MAX_LOAD_PERCENT = 75;
  /** After a rehash, live entries fill 55% of the slots. */
  public static final int TARGET_LOAD_PERCENT = 55;

  public final int shift;
  public final int stride;
  public final int metaOffset;
  public final int stateOffset;
  private final long seed;
  public final ReentrantLock lock = new ReentrantLock();
  public volatile long[] slots;
  /** Live entries, guarded by {@link #lock}. */
  public int live;
  /** Tombstones, guarded by {@link #lock}. */
  public int tombstones;
  /**
   * False only if a search for an evictable entry found none and no connection has closed since;
   * together with {@link #searchedAt} it spares a full table from scanning again and again.
   */
  public volatile boolean maybeIdle = true;
  /** The backend snapshot of the last search that found nothing; written under {@link #lock}. */
  public volatile @Nullable Object searchedAt;

  public Segment(boolean ipv6, long seed, int capacity) {
    this.shift = ipv6 ? 2 : 1;
    this.stride = 1 << shift;
    this.metaOffset = stride - 2;
    this.stateOffset = stride - 1;
    this.seed = seed;
    this.slots = new long[Math.max(MIN_CAPACITY, capacity) << shift];
  }

  // ---- hashing and probing (static, allocation-free) ----

  public static long ipv4Bits(int address, int prefixLength) {
    return (address & 0xFFFF_FFFFL) << 32 | (long) prefixLength << INCARNATION_BITS;
  }

  public static long ipv6Bits(int prefixLength) {
    return (long) prefixLength << INCARNATION_BITS;
  }

  public static long hash(long seed, long keyBits, long high, long low) {
    long h = KeyHash.mix(keyBits ^ seed);
    return high == 0 && low == 0 ? h : KeyHash.mix(KeyHash.mix(h ^ high) ^ low);
  }

  /** Maps the low 32 bits of {@code hash} onto {@code 0..capacity-1} by multiply-shift. */
  public static int home(long hash, int capacity) {
    return (int) (((hash & 0xFFFF_FFFFL) * capacity) >>> 32);
  }

  /**
   * Returns the slot holding the key, or {@code ~i} where {@code i} is the empty slot that ended the
   * probe. Terminates because the load limit keeps at least one slot empty.
   */
  public static int find(long[] t, int shift, int home, long keyBits, long high, long low) {
    int capacity = t.length >> shift;
    int metaOffset = (1 << shift) - 2;
    for (int i = home; ; ) {
      int base = i << shift;
      long meta = (long) SLOTS.getAcquire(t, base + metaOffset);
      if (meta == EMPTY) {
        return ~i;
      }
      if ((meta & KEY_MASK) == keyBits && (shift == 1 || (t[base] == high && t[base + 1] == low))) {
        return i;
      }
      if (++i == capacity) {
        i = 0;
      }
    }
  }

  /** Probes this segment's array {@code t} for a key of hash {@code hash}; see {@link #find(long[], int, int, long, long, long)}. */
  public int find(long[] t, long hash, long keyBits, long high, long low) {
    return find(t, shift, home(hash, t.length >> shift), keyBits, high, low);
  }

  public static long state(int count, long stamp) {
    return (long) count << COUNT_SHIFT | (stamp & STAMP_MASK);
  }

  public static int count(long state) {
    return (int) (state >>> COUNT_SHIFT);
  }

  /** Returns the milliseconds from the state's last activity to {@code now}, negative if later. */
  public static long age(long state, long now) {
    return ((now - state) << (64 - COUNT_SHIFT)) >> (64 - COUNT_SHIFT);
  }

  public static int incarnation(long meta) {
    return (int) (meta & INCARNATION_MASK);
  }

  // ---- slot accessors ----

  public int capacity() {
    return slots.length >> shift;
  }

  public long hashOf(long[] t, int slot) {
    int base = slot << shift;
    long keyBits = t[base + metaOffset] & KEY_MASK;
    return shift == 1 ? hash(seed, keyBits, 0, 0) : hash(seed, keyBits, t[base], t[base + 1]);
  }

  public long metaAt(long[] t, int slot) {
    return (long) SLOTS.getAcquire(t, (slot << shift) + metaOffset);
  }

  public long stateAt(long[] t, int slot) {
    return (long) SLOTS.getVolatile(t, (slot << shift) + stateOffset);
  }

  public boolean casState(long[] t, int slot, long expected, long value) {
    return SLOTS.compareAndSet(t, (slot << shift) + stateOffset, expected, value);
  }

  public long highAt(long[] t, int slot) {
    return shift == 1 ? 0 : t[slot << shift];
  }

  public long lowAt(long[] t, int slot) {
    return shift == 1 ? 0 : t[(slot << shift) + 1];
  }

  /**
   * Returns whether a search for an evictable entry would surely find none: the last one found none
   * under the same backend snapshot, and no connection has closed since.
   */
  public boolean surelyFull(Object set) {
    return !maybeIdle && searchedAt == set;
  }

  /** Marks that an entry may have become idle; written only on a change, to spare the cache line. */
  public void markIdle() {
    if (!maybeIdle) {
      maybeIdle = true;
    }
  }

  // ---- changes, under the lock ----

  /**
   * Deletes the live entry at {@code slot} if its state is still {@code expected}. Under the lock.
   *
   * @return whether it was deleted
   */
  public boolean delete(long[] t, int slot, long expected) {
    if (!casState(t, slot, expected, DELETED)) {
      return false;
    }
    SLOTS.setRelease(t, (slot << shift) + metaOffset, TOMBSTONE);
    live--;
    tombstones++;
    return true;
  }

  /** Deletes the live entry at {@code slot} whatever its state. Under the lock. */
  public void deleteAnyway(long[] t, int slot) {
    while (!delete(t, slot, stateAt(t, slot))) {
      Thread.onSpinWait();
    }
  }

  /**
   * Inserts a key known to be absent, rehashing first if the slots are too full. Under the lock.
   *
   * @throws IllegalStateException if the segment cannot grow (over 2^28 slots)
   */
  public void insert(long hash, long keyBits, long high, long low, int incarnation, long state) {
    if ((long) (live + tombstones + 1) * 100 > (long) capacity() * MAX_LOAD_PERCENT) {
      rehash(live + 1);
    }
    long[] t = slots;
    int capacity = t.length >> shift;
    int i = home(hash, capacity);
    while (metaAt(t, i) != EMPTY) {
      if (++i == capacity) {
        i = 0;
      }
    }
    int base = i << shift;
    if (shift == 2) {
      t[base] = high;
      t[base + 1] = low;
    }
    t[base + stateOffset] = state;
    SLOTS.setRelease(t, base + metaOffset, keyBits | incarnation);
    live++;
  }

  /** Rehashes if live entries fill under 1/8 of the slots or tombstones over 1/4. Under the lock. */
  public void compact() {
    int capacity = capacity();
    if ((capacity > MIN_CAPACITY && live * 8 < capacity) || tombstones * 4 > capacity) {
      rehash(live);
    }
  }

  /**
   * Moves the live entries to a new array sized for {@code entries} at the target load, freezing
   * each state word of the old array. Under the lock.
   */
  private void rehash(int entries) {
    long target = Math.max(MIN_CAPACITY, ((long) entries * 100 + TARGET_LOAD_PERCENT - 1) / TARGET_LOAD_PERCENT);
    if (target > (1 << 28)) {
      throw new IllegalStateException("segment capacity: " + target + " (expected: <= 2^28 slots)");
    }
    long[] old = slots;
    int oldCapacity = old.length >> shift;
    int capacity = (int) target;
    long[] t = new long[capacity << shift];
    for (int i = 0; i < oldCapacity; i++) {
      int base = i << shift;
      long meta = old[base + metaOffset];
      if (meta == EMPTY || meta == TOMBSTONE) {
        continue;
      }
      long state;
      do {
        state = stateAt(old, i);
      } while (!casState(old, i, state, FROZEN));
      int j = home(hashOf(old, i), capacity);
      while (t[(j << shift) + metaOffset] != EMPTY) {
        if (++j == capacity) {
          j = 0;
        }
      }
      int to = j << shift;
      System.arraycopy(old, base, t, to, metaOffset + 1);
      t[to + stateOffset] = state;
    }
    tombstones = 0;
    slots = t;
  }

  /**
   * Returns the slot to evict for a new entry, or -1 if no entry may go. Under the lock.
   *
   * <p>Walks the live entries from {@code start} (wrapping around) and returns the first dead one it
   * meets (backend gone) or else, among the first {@code sample} entries, the idle one (no live
   * connection) with the oldest last activity; if those hold no idle entry, the first idle entry
   * after them. The state the choice was made on is left in {@link #victimState}.
   */
  public int findVictim(int start, int sample, IntPredicate liveIncarnation) {
    long[] t = slots;
    int capacity = t.length >> shift;
    int best = -1;
    long bestState = 0;
    int seen = 0;
    for (int n = 0, i = start; n < capacity; n++) {
      long meta = t[(i << shift) + metaOffset];
      if (meta != EMPTY && meta != TOMBSTONE) {
        long state = stateAt(t, i);
        if (!liveIncarnation.test(incarnation(meta))) {
          victimState = state;
          return i;
        }
        if (count(state) == 0 && (best < 0 || age(state, bestState) > 0)) {
          best = i;
          bestState = state;
        }
        if (++seen >= sample && best >= 0) {
          break;
        }
      }
      if (++i == capacity) {
        i = 0;
      }
    }
    victimState = bestState;
    return best;
  }

  /** The state read by the last {@link #findVictim}, guarded by {@link #lock}. */
  public long victimState;
}
