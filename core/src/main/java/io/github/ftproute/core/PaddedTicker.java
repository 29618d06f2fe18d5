package io.github.ftproute.core;

import com.google.common.base.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * 128 bytes of padding in front of {@link PaddedTicker#nanos}: the JVM lays a superclass's fields
 * before its subclass's, so no field of an object allocated just before the ticker shares (or
 * prefetches with) the cache line of the value that every reader reads.
 */
@SuppressWarnings("unused")
abstract class PaddedTickerLeft extends Ticker {
  private long p00, p01, p02, p03, p04, p05, p06, p07;
  private long p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The cached time of a {@link CoarseTicker}, between two runs of padding (the one after it is in
 * {@link CoarseTicker}). Written only by {@link #advanceTo}, read by a plain volatile read.
 */
abstract class PaddedTicker extends PaddedTickerLeft {
  private static final VarHandle NANOS;

  static {
    try {
      NANOS = MethodHandles.lookup().findVarHandle(PaddedTicker.class, "nanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The published time, in the source's nanoseconds. */
  volatile long nanos;

  PaddedTicker(long nanos) {
    this.nanos = nanos;
  }

  /**
   * Publishes {@code next} if it is later than the published time (compared by difference, as
   * {@link System#nanoTime()} values are), and returns the published time after the call: never
   * earlier than before it. Lock-free; safe from any number of threads.
   */
  final long advanceTo(long next) {
    long current = nanos;
    while (next - current > 0) {
      if (NANOS.compareAndSet(this, current, next)) {
        return next;
      }
      current = nanos;
    }
    return current;
  }
}
