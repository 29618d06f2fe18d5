package io.github.ftproute.routing.affinity;

import com.google.common.base.Ticker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.NoopListener;
import io.github.ftproute.routing.internal.Segment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every operation of a {@link LocalAffinityTable} shares: the lock stripes ({@link Segment}s)
 * of both key families, the hash seed that places a key in its stripe, the clock and the timeout
 * that decide expiry, the size and the counters, and the listener.
 *
 * <p>All fields are final; the mutable parts (the segments, the size, the counters) are thread-safe
 * objects of their own, so the operations ({@link Connections}, {@link Eviction}, {@link Lookup},
 * {@link Sweep}) may share one instance from any number of threads.
 */
final class Stripes {
  private static final Logger logger = LoggerFactory.getLogger(LocalAffinityTable.class);
  private static final int MAX_SEGMENTS = 64;

  final BackendPool pool;
  final long seed;
  final Segment[] ipv4;
  final Segment[] ipv6;
  final int segmentMask;
  /** Both families of stripes, IPv4 first. */
  final List<Segment[]> families;
  private final Ticker ticker;
  private final long originNanos;
  /** The persistence timeout, rounded up to whole milliseconds. */
  final long timeoutMillis;
  final AffinityListener listener;
  /** Whether the listener is a real one: events are only built for it. */
  final boolean notify;

  /** Entries, live or not yet removed; never above the maximum size. */
  final AtomicLong size = new AtomicLong();
  final LongAdder created = new LongAdder();
  final LongAdder hits = new LongAdder();
  final LongAdder expired = new LongAdder();
  final LongAdder evicted = new LongAdder();
  final LongAdder rebalanced = new LongAdder();
  final LongAdder unrecorded = new LongAdder();

  Stripes(
      BackendPool pool,
      Ticker ticker,
      Duration persistenceTimeout,
      long maximumSize,
      int initialCapacity,
      AffinityListener listener) {
    this.pool = pool;
    this.ticker = ticker;
    this.originNanos = ticker.read();
    long millis = persistenceTimeout.toMillis();
    this.timeoutMillis = persistenceTimeout.minusMillis(millis).isZero() ? millis : millis + 1;
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
    this.families = List.of(ipv4, ipv6);
  }

  /** One stripe per 2048 entries of maximum size, as a power of two from 1 to 64. */
  static int segmentsFor(long maximumSize) {
    long perStripe = maximumSize >>> 11;
    return perStripe == 0 ? 1 : (int) Math.min(MAX_SEGMENTS, Long.highestOneBit(perStripe));
  }

  /** Returns the key's hash: it picks the stripe (bits 40 and up) and the home slot (low 32 bits). */
  long hash(long keyBits, long high, long low) {
    return Segment.hash(seed, keyBits, high, low);
  }

  /** Returns the stripe of {@code family} that holds keys of {@code hash}. */
  Segment segment(Segment[] family, long hash) {
    return family[(int) (hash >>> 40) & segmentMask];
  }

  /** Milliseconds since the table was built, as the 40-bit stamp of a state word. */
  long now() {
    return ((ticker.read() - originNanos) / 1_000_000L) & Segment.STAMP_MASK;
  }

  /** Returns whether an idle entry whose state word is {@code state} has expired at {@code now}. */
  boolean hasExpired(long state, long now) {
    return Segment.age(state, now) >= timeoutMillis;
  }

  /** Takes one unit of size if the table holds fewer than {@code maximumSize} entries. */
  boolean reserve(long maximumSize) {
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
   * Drops an entry whose backend has left (any live connections notwithstanding), under the lock,
   * and counts it rebalanced; the caller accounts for its unit of size.
   */
  void dropDead(Segment seg, long[] t, int slot, @Nullable ClientKey key, List<Runnable> events) {
    seg.deleteAnyway(t, slot);
    rebalanced.increment();
    if (key != null) {
      events.add(() -> listener.onRebalanced(key));
    }
  }

  /** Returns the key bits of an IPv4 address under a prefix, as {@link ClientKey#ofIpv4} masks it. */
  static long ipv4Bits(int address, int prefixLength) {
    if (prefixLength < 0 || prefixLength > 32) {
      throw new IllegalArgumentException("prefixLength: " + prefixLength + " (expected: 0..32)");
    }
    int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    return Segment.ipv4Bits(address & mask, prefixLength);
  }

  /** Returns the key whose bits a segment of this kind stores as {@code keyBits, high, low}. */
  static ClientKey keyOf(Segment seg, long keyBits, long high, long low) {
    int prefixBits = (int) (keyBits >>> Segment.INCARNATION_BITS);
    if (seg.shift == 1) {
      return ClientKey.ofIpv4((int) (keyBits >>> 32), prefixBits & 0x3F);
    }
    return ClientKey.ofIpv6(high, low, prefixBits & 0xFF);
  }

  /** Returns the key of the entry at {@code slot}, whose meta word is {@code meta}. */
  static ClientKey keyAt(Segment seg, long[] t, int slot, long meta) {
    return keyOf(seg, meta & Segment.KEY_MASK, seg.highAt(t, slot), seg.lowAt(t, slot));
  }

  /** Adds a listener event, if there is a listener to hear it. */
  void addEvent(List<Runnable> events, Runnable event) {
    if (notify) {
      events.add(event);
    }
  }

  /** Runs listener events, outside any lock; a listener that throws is logged and ignored. */
  void fire(List<Runnable> events) {
    for (Runnable event : events) {
      call(event);
    }
  }

  /** Runs one listener event; a listener that throws is logged and ignored. */
  void call(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      logger.warn("affinity listener {} failed", listener, e);
    }
  }
}
