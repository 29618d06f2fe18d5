package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.NoopListener;
import io.github.ftproute.routing.internal.Segment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process {@link AffinityTable}: lock-striped open-addressing hash tables of primitive slots,
 * one set of stripes for IPv4 keys and one for IPv6 keys. See {@link Segment} for the layout and
 * the concurrency scheme, and {@link AffinityTable} for the contract.
 */
final class LocalAffinityTable implements AffinityTable {
  private static final Logger logger = LoggerFactory.getLogger(LocalAffinityTable.class);

  /** How many entries an eviction compares before it settles for the least recently used idle one. */
  static final int EVICTION_SAMPLE = 16;
  private static final int MAX_SEGMENTS = 64;
  private static final int EVICTION_ATTEMPTS = 8;

  private final BackendPool pool;
  private final SelectionPolicy policy;
  private final Ticker ticker;
  private final long originNanos;
  private final long timeoutMillis;
  private final Duration persistenceTimeout;
  private final long maximumSize;
  private final AffinityListener listener;
  private final boolean notify;
  private final long seed;
  private final Segment[] ipv4;
  private final Segment[] ipv6;
  private final int segmentMask;

  private final AtomicLong size = new AtomicLong();
  private final LongAdder created = new LongAdder();
  private final LongAdder hits = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder rebalanced = new LongAdder();
  private final LongAdder unrecorded = new LongAdder();

  private volatile SelectorCache selectorCache;

  /** The selector built for one backend snapshot. */
  private static final class SelectorCache {
    final BackendSet set;
    final SelectionPolicy.Selector selector;

    SelectorCache(BackendSet set, SelectionPolicy.Selector selector) {
      this.set = set;
      this.selector = selector;
    }
  }

  LocalAffinityTable(
      BackendPool pool,
      SelectionPolicy policy,
      Ticker ticker,
      Duration persistenceTimeout,
      long maximumSize,
      int initialCapacity,
      AffinityListener listener) {
    this.pool = pool;
    this.policy = policy;
    this.ticker = ticker;
    this.originNanos = ticker.read();
    this.persistenceTimeout = persistenceTimeout;
    long millis = persistenceTimeout.toMillis();
    this.timeoutMillis = persistenceTimeout.minusMillis(millis).isZero() ? millis : millis + 1;
    this.maximumSize = maximumSize;
    this.listener = listener;
    this.notify = listener != NoopListener.INSTANCE;
    this.seed = ThreadLocalRandom.current().nextLong();
    int segments = segmentsFor(maximumSize);
    this.segmentMask = segments - 1;
    this.ipv4 = new Segment[segments];
    this.ipv6 = new Segment[segments];
    int perSegment = (int) ((long) initialCapacity * 100 / Segment.TARGET_LOAD_PERCENT / segments);
    for (int i = 0; i < segments; i++) {
      ipv4[i] = new Segment(false, seed, perSegment);
      ipv6[i] = new Segment(true, seed, 0);
    }
    BackendSet set = pool.snapshot();
    this.selectorCache = new SelectorCache(set, policy.newSelector(set.candidates()));
  }

  /** One stripe per 2048 entries of maximum size, as a power of two from 1 to 64. */
  static int segmentsFor(long maximumSize) {
    long perStripe = maximumSize >>> 11;
    return perStripe == 0 ? 1 : (int) Math.min(MAX_SEGMENTS, Long.highestOneBit(perStripe));
  }

  // ---- routing ----

  @Override
  public Route open(ClientKey key) {
    requireNonNull(key, "key");
    return key.isIpv4()
        ? open(key, ipv4, Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength()), 0, 0)
        : open(key, ipv6, Segment.ipv6Bits(key.prefixLength()), key.high(), key.low());
  }

  @Override
  public Route openIpv4(int address, int prefixLength) {
    return open(null, ipv4, ipv4Bits(address, prefixLength), 0, 0);
  }

  /**
   * Routes a connection of the key given as {@code key} or, when that is null, as its bits. The key
   * object is only made when a policy or listener needs it.
   */
  private Route open(@Nullable ClientKey key, Segment[] family, long keyBits, long high, long low) {
    long hash = Segment.hash(seed, keyBits, high, low);
    Segment seg = family[(int) (hash >>> 40) & segmentMask];
    BackendSet set = pool.snapshot();
    long[] t = seg.slots;
    int slot = seg.find(t, hash, keyBits, high, low);
    if (slot >= 0) {
      BackendEntry entry = set.live(Segment.incarnation(seg.metaAt(t, slot)));
      if (entry != null) {
        long now = -1;
        while (true) {
          long state = seg.stateAt(t, slot);
          int count = Segment.count(state);
          long next;
          if (count == 0) {
            // Idle: the one case on this path that needs the clock.
            now = now < 0 ? now() : now;
            if (Segment.age(state, now) >= timeoutMillis) {
              break; // expired: replace it under the lock
            }
            next = Segment.state(1, now);
          } else if (count < Segment.MAX_COUNT) {
            next = state + Segment.ONE_CONNECTION;
          } else if (count == Segment.MAX_COUNT) {
            return hit(key, seg, keyBits, high, low, entry, entry.existingUncounted);
          } else {
            break; // deleted or frozen: take the lock
          }
          if (seg.casState(t, slot, state, next)) {
            return hit(key, seg, keyBits, high, low, entry, entry.existing);
          }
        }
      }
    }
    return openLocked(key == null ? keyOf(seg, keyBits, high, low) : key, seg, hash, keyBits, high, low, set);
  }

  /** Counts a hit found without the lock. */
  private Routed hit(
      @Nullable ClientKey key, Segment seg, long keyBits, long high, long low, BackendEntry entry, Routed routed) {
    entry.connections().increment();
    hits.increment();
    if (notify) {
      ClientKey k = key == null ? keyOf(seg, keyBits, high, low) : key;
      call(() -> listener.onHit(k, entry.backend()));
    }
    return routed;
  }

  private Route openLocked(
      ClientKey key, Segment seg, long hash, long keyBits, long high, long low, BackendSet set) {
    long now = now();
    List<Runnable> events = notify ? new ArrayList<>(3) : List.of();
    SelectionPolicy.Selector selector = selector(set);
    Route route;
    seg.lock.lock();
    try {
      route = openUnderLock(key, seg, hash, keyBits, high, low, set, now, selector, events);
    } finally {
      seg.lock.unlock();
    }
    for (Runnable event : events) {
      call(event);
    }
    return route;
  }

  private Route openUnderLock(
      ClientKey key,
      Segment seg,
      long hash,
      long keyBits,
      long high,
      long low,
      BackendSet set,
      long now,
      SelectionPolicy.Selector selector,
      List<Runnable> events) {
    Routed.Outcome outcome = Routed.Outcome.CREATED;
    long[] t = seg.slots;
    int slot = seg.find(t, hash, keyBits, high, low);
    if (slot >= 0) {
      BackendEntry entry = set.live(Segment.incarnation(seg.metaAt(t, slot)));
      if (entry == null) {
        seg.deleteAnyway(t, slot);
        size.decrementAndGet();
        rebalanced.increment();
        outcome = Routed.Outcome.REBALANCED;
        addEvent(events, () -> listener.onRebalanced(key));
      } else {
        while (true) {
          long state = seg.stateAt(t, slot);
          int count = Segment.count(state);
          if (count == 0 && Segment.age(state, now) >= timeoutMillis) {
            if (seg.delete(t, slot, state)) {
              size.decrementAndGet();
              expired.increment();
              addEvent(events, () -> listener.onExpired(key, entry.backend()));
              break;
            }
          } else if (count >= Segment.MAX_COUNT
              || seg.casState(t, slot, state, count == 0 ? Segment.state(1, now) : state + Segment.ONE_CONNECTION)) {
            entry.connections().increment();
            hits.increment();
            addEvent(events, () -> listener.onHit(key, entry.backend()));
            return count >= Segment.MAX_COUNT ? entry.existingUncounted : entry.existing;
          }
        }
      }
    }
    if (!(selector.select(key) instanceof Selected selected)) {
      return NoBackend.INSTANCE;
    }
    BackendEntry chosen = chosen(set, selected);
    chosen.connections().increment();
    if (!reserve() && !evict(seg, Segment.home(hash, seg.capacity()), set, now, events)) {
      unrecorded.increment();
      addEvent(events, () -> listener.onUnrecorded(key, chosen.backend()));
      return chosen.unrecorded;
    }
    seg.insert(hash, keyBits, high, low, chosen.incarnation(), Segment.state(1, now));
    created.increment();
    addEvent(events, () -> listener.onCreated(key, chosen.backend()));
    return chosen.routed(outcome);
  }

  private static BackendEntry chosen(BackendSet set, Selected selected) {
    Candidates candidates = set.candidates();
    if (selected.index() >= candidates.size()
        || candidates.get(selected.index()) != selected.backend()) {
      throw new IllegalStateException(
          "selection: " + selected + " (expected: Candidates.select(i) of the candidates given to the policy)");
    }
    return candidates.entry(selected.index());
  }

  private SelectionPolicy.Selector selector(BackendSet set) {
    SelectorCache cache = selectorCache;
    if (cache.set != set) {
      cache = new SelectorCache(set, policy.newSelector(set.candidates()));
      selectorCache = cache;
    }
    return cache.selector;
  }

  /** Takes one unit of size if the table is not full. */
  private boolean reserve() {
    long n;
    do {
      n = size.get();
      if (n >= maximumSize) {
        return false;
      }
    } while (!size.compareAndSet(n, n + 1));
    return true;
  }

  /**
   * Removes one entry that may go (dead, else idle), taking over its unit of size: first from a
   * sample of the new key's own segment (locked by the caller), then, if that segment has none, from
   * the first of the other segments that has one and is not locked at the moment.
   */
  private boolean evict(Segment own, int start, BackendSet set, long now, List<Runnable> events) {
    for (int attempt = 0; attempt < EVICTION_ATTEMPTS; attempt++) {
      int result = evictFrom(own, start, EVICTION_SAMPLE, set, now, events);
      if (result == EVICTED) {
        return true;
      }
      boolean raced = result == RACED;
      for (Segment[] family : List.of(ipv4, ipv6)) {
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

  private static final int EVICTED = 0;
  private static final int NONE = 1;
  private static final int RACED = 2;

  /** Drops an entry whose backend has left (any live connections notwithstanding). Under the lock. */
  private void dropDead(Segment seg, long[] t, int slot, @Nullable ClientKey key, List<Runnable> events) {
    seg.deleteAnyway(t, slot);
    rebalanced.increment();
    if (key != null) {
      events.add(() -> listener.onRebalanced(key));
    }
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
    long state = seg.victimState;
    long meta = seg.metaAt(t, slot);
    BackendEntry entry = set.live(Segment.incarnation(meta));
    ClientKey victim = notify ? keyAt(seg, t, slot, meta) : null;
    if (entry == null) {
      dropDead(seg, t, slot, victim, events);
      return EVICTED;
    }
    if (!seg.delete(t, slot, state)) {
      return RACED;
    }
    boolean isExpired = Segment.age(state, now) >= timeoutMillis;
    (isExpired ? expired : evicted).increment();
    if (victim != null) {
      Backend backend = entry.backend();
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

  @Override
  public void close(ClientKey key, Routed routed) {
    requireNonNull(key, "key");
    requireNonNull(routed, "routed");
    if (key.isIpv4()) {
      close(ipv4, Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength()), 0, 0, routed);
    } else {
      close(ipv6, Segment.ipv6Bits(key.prefixLength()), key.high(), key.low(), routed);
    }
  }

  @Override
  public void closeIpv4(int address, int prefixLength, Routed routed) {
    long keyBits = ipv4Bits(address, prefixLength);
    close(ipv4, keyBits, 0, 0, requireNonNull(routed, "routed"));
  }

  private void close(Segment[] family, long keyBits, long high, long low, Routed routed) {
    routed.entry().connections().decrement();
    if (!routed.countsEntry()) {
      return;
    }
    long hash = Segment.hash(seed, keyBits, high, low);
    Segment seg = family[(int) (hash >>> 40) & segmentMask];
    while (true) {
      long[] t = seg.slots;
      int slot = seg.find(t, hash, keyBits, high, low);
      if (slot < 0) {
        return;
      }
      long meta = seg.metaAt(t, slot);
      if (meta == Segment.TOMBSTONE || Segment.incarnation(meta) != routed.incarnation()) {
        return;
      }
      long state = seg.stateAt(t, slot);
      int count = Segment.count(state);
      if (state == Segment.FROZEN) {
        awaitRehash(seg);
      } else if (count == 0 || count == Segment.SPECIAL_COUNT) {
        return;
      } else if (count > 1) {
        if (seg.casState(t, slot, state, state - Segment.ONE_CONNECTION)) {
          return;
        }
      } else if (seg.casState(t, slot, state, Segment.state(0, now()))) {
        // The last connection: the persistence timeout starts now.
        seg.markIdle();
        return;
      }
    }
  }

  // ---- reading ----

  @Override
  public Optional<Backend> lookup(ClientKey key) {
    requireNonNull(key, "key");
    BackendEntry entry = key.isIpv4()
        ? liveEntry(ipv4, Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength()), 0, 0)
        : liveEntry(ipv6, Segment.ipv6Bits(key.prefixLength()), key.high(), key.low());
    return entry == null ? Optional.empty() : entry.optional();
  }

  @Override
  public Optional<Backend> lookupIpv4(int address, int prefixLength) {
    BackendEntry entry = liveEntry(ipv4, ipv4Bits(address, prefixLength), 0, 0);
    return entry == null ? Optional.empty() : entry.optional();
  }

  /** Returns the backend of the key's live entry, without locking or changing anything. */
  private @Nullable BackendEntry liveEntry(Segment[] family, long keyBits, long high, long low) {
    long hash = Segment.hash(seed, keyBits, high, low);
    Segment seg = family[(int) (hash >>> 40) & segmentMask];
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
      return entry == null ? null : pool.snapshot().entry(entry.backend().id());
    }
    return liveOrNull(pool.snapshot(), seg, t, slot, state);
  }

  /** Returns the backend of the entry at {@code slot} with {@code state}, or null if it left or expired. */
  private @Nullable BackendEntry liveOrNull(BackendSet set, Segment seg, long[] t, int slot, long state) {
    BackendEntry entry = set.live(Segment.incarnation(seg.metaAt(t, slot)));
    if (entry == null || (Segment.count(state) == 0 && Segment.age(state, now()) >= timeoutMillis)) {
      return null;
    }
    return entry;
  }

  @Override
  public Optional<AffinityEntry> entry(ClientKey key) {
    requireNonNull(key, "key");
    Segment[] family = key.isIpv4() ? ipv4 : ipv6;
    long keyBits = key.isIpv4()
        ? Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength())
        : Segment.ipv6Bits(key.prefixLength());
    long high = key.isIpv4() ? 0 : key.high();
    long low = key.isIpv4() ? 0 : key.low();
    long hash = Segment.hash(seed, keyBits, high, low);
    Segment seg = family[(int) (hash >>> 40) & segmentMask];
    return Optional.ofNullable(lockedEntry(seg, hash, keyBits, high, low, key));
  }

  /** Reads the key's live entry under the segment lock, so no rehash or delete is in progress. */
  private @Nullable AffinityEntry lockedEntry(
      Segment seg, long hash, long keyBits, long high, long low, @Nullable ClientKey key) {
    BackendSet set = pool.snapshot();
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
          key == null ? keyOf(seg, keyBits, high, low) : key, entry.backend(), Segment.count(state));
    } finally {
      seg.lock.unlock();
    }
  }

  private static void awaitRehash(Segment seg) {
    seg.lock.lock();
    seg.lock.unlock();
  }

  // ---- maintenance ----

  @Override
  public long sweep() {
    BackendSet set = pool.snapshot();
    long now = now();
    long removed = 0;
    for (Segment[] family : List.of(ipv4, ipv6)) {
      for (Segment seg : family) {
        List<Runnable> events = notify ? new ArrayList<>() : List.of();
        seg.lock.lock();
        try {
          removed += sweep(seg, set, now, events);
          seg.compact();
        } finally {
          seg.lock.unlock();
        }
        for (Runnable event : events) {
          call(event);
        }
      }
    }
    return removed;
  }

  private long sweep(Segment seg, BackendSet set, long now, List<Runnable> events) {
    long removed = 0;
    long[] t = seg.slots;
    int capacity = t.length >> seg.shift;
    for (int slot = 0; slot < capacity; slot++) {
      long meta = seg.metaAt(t, slot);
      if (meta == Segment.EMPTY || meta == Segment.TOMBSTONE) {
        continue;
      }
      BackendEntry entry = set.live(Segment.incarnation(meta));
      ClientKey key = notify ? keyAt(seg, t, slot, meta) : null;
      if (entry == null) {
        dropDead(seg, t, slot, key, events);
      } else {
        long state = seg.stateAt(t, slot);
        if (Segment.count(state) != 0
            || Segment.age(state, now) < timeoutMillis
            || !seg.delete(t, slot, state)) {
          continue;
        }
        expired.increment();
        if (key != null) {
          Backend backend = entry.backend();
          events.add(() -> listener.onExpired(key, backend));
        }
      }
      size.decrementAndGet();
      removed++;
    }
    return removed;
  }

  @Override
  public long size() {
    return size.get();
  }

  @Override
  public AffinityStats stats() {
    return new AffinityStats(
        created.sum(), hits.sum(), expired.sum(), evicted.sum(), rebalanced.sum(), unrecorded.sum());
  }

  @Override
  public BackendPool backends() {
    return pool;
  }

  @Override
  public Duration persistenceTimeout() {
    return persistenceTimeout;
  }

  @Override
  public long maximumSize() {
    return maximumSize;
  }

  @Override
  public String toString() {
    return "AffinityTable[size=" + size.get() + "/" + maximumSize + ", timeout=" + persistenceTimeout
        + ", policy=" + policy + "]";
  }

  /** Returns the bytes held by the slot arrays, for the memory-per-entry budget. */
  long slotBytes() {
    long bytes = 0;
    for (Segment[] family : List.of(ipv4, ipv6)) {
      for (Segment seg : family) {
        bytes += 16 + 8L * seg.slots.length;
      }
    }
    return bytes;
  }

  // ---- helpers ----

  /** Returns the key bits of an IPv4 address under a prefix, as {@link ClientKey#ofIpv4} masks it. */
  private static long ipv4Bits(int address, int prefixLength) {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0..32)");
    }
    int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    return Segment.ipv4Bits(address & mask, prefixLength);
  }

  /** Returns the key whose bits a segment of this kind stores as {@code keyBits, high, low}. */
  private static ClientKey keyOf(Segment seg, long keyBits, long high, long low) {
    int prefixBits = (int) (keyBits >>> Segment.INCARNATION_BITS);
    if (seg.shift == 1) {
      return ClientKey.ofIpv4((int) (keyBits >>> 32), prefixBits & 0x3F);
    }
    return ClientKey.ofIpv6(high, low, prefixBits & 0xFF);
  }

  private static ClientKey keyAt(Segment seg, long[] t, int slot, long meta) {
    return keyOf(seg, meta & Segment.KEY_MASK, seg.highAt(t, slot), seg.lowAt(t, slot));
  }

  /** Milliseconds since the table was built, as the 40-bit stamp of a state word. */
  private long now() {
    return ((ticker.read() - originNanos) / 1_000_000L) & Segment.STAMP_MASK;
  }

  private void addEvent(List<Runnable> events, Runnable event) {
    if (notify) {
      events.add(event);
    }
  }

  private void call(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      logger.warn("affinity listener {} failed", listener, e);
    }
  }
}
