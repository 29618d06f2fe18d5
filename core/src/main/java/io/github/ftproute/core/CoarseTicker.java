package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;

/**
 * A {@link Ticker} that hands out a cached time, refreshed from a source ticker each time the
 * embedder calls {@link #tick()}: {@link #read()} is a single volatile read of a field, with no
 * clock read and no allocation.
 *
 * <h2>Why</h2>
 *
 * <p>{@link Ticker#systemTicker()} is {@link System#nanoTime()}, which on Linux x86 is an
 * <i>ordered</i> time-stamp-counter read: it waits for earlier loads to complete, so a loop of
 * lookups that each read it cannot overlap their cache misses. Given to an {@code AffinityTable}
 * whose idle entries are looked up at high rates, this ticker removes that cost (see BENCHMARKS.md,
 * "Affinity lookup"); anything else that reads a {@code Ticker} per operation gains the same way.
 *
 * <h2>Refreshing it</h2>
 *
 * <p>The ticker has no thread or timer of its own. The embedder calls {@link #tick()} periodically,
 * typically every millisecond, from a scheduler it already has, for example:
 *
 * <pre>{@code
 * CoarseTicker ticker = CoarseTicker.create();
 * scheduler.scheduleAtFixedRate(ticker::tick, 1, 1, TimeUnit.MILLISECONDS); // or an event loop's timer
 * AffinityTable table = AffinityTable.builder().backends(pool).ticker(ticker).build();
 * }</pre>
 *
 * <p>Any number of threads may call {@code tick()}, and calling it more often only makes the time
 * more precise. Neither the refresh interval nor the scheduler is known to this class.
 *
 * <h2>Error bound</h2>
 *
 * <p>Let <i>R</i> be the refresh interval and <i>D</i> the largest delay of a refresh behind its
 * schedule (a busy event loop, a GC pause). Then, for a source that never goes backwards:
 *
 * <ul>
 *   <li><b>lag:</b> at every instant, {@code source.read() - R - D <= read() <= source.read()}:
 *       {@code read()} returns the source's time at the start of the latest refresh, so it lags the
 *       source by at most <i>R</i> + <i>D</i> and is never ahead of it;
 *   <li><b>durations</b> measured as the difference of two {@code read()}s differ from the true
 *       elapsed time by less than <i>R</i> + <i>D</i>, in either direction: a timeout (an affinity
 *       entry's persistence, a port lease's deadline) may end up to <i>R</i> + <i>D</i> early or
 *       late. With <i>R</i> = 1 ms that is below the tables' millisecond resolution plus the
 *       scheduler's jitter, and negligible against timeouts of seconds;
 *   <li><b>monotonic:</b> {@code read()} never returns a time earlier than an earlier {@code read()}
 *       returned, on any thread, even if the source goes backwards or two threads tick at once (a
 *       tick publishes the source's time only if it is later than the published one; times are
 *       compared by difference, as {@code System.nanoTime()} values are).
 * </ul>
 *
 * <h2>If nobody calls {@code tick()}</h2>
 *
 * <p>Time stands still at the last refresh (at first, the time of {@link #create()}): {@code read()}
 * returns the same value forever. Everything timed by this ticker then stops: <b>idle affinity
 * entries never expire</b> (a full table still evicts the least recently used), <b>port leases never
 * time out and quarantined ports never come back</b>, so a proxy would slowly run out of data ports.
 * Schedule the refresh before handing the ticker out, on a scheduler that outlives every user of the
 * ticker, and do not stop it while they run; if the refresh may stall for long, use {@link
 * Ticker#systemTicker()} instead, which costs more per read but cannot stand still.
 *
 * <h2>Thread safety</h2>
 *
 * <p>Thread-safe and lock-free: {@code read()} is a volatile read, {@code tick()} one read of the
 * source and at most a few compare-and-sets. A {@code read()} that happens after a {@code tick()}
 * (in the Java memory model) sees its time or a later one. The value sits on a cache line of its
 * own, so that frequent writes to neighbouring objects do not slow its readers; the instance takes
 * about 300 bytes.
 */
public final class CoarseTicker extends PaddedTicker {
  // 128 bytes of padding after the value (the padding before it is in PaddedTickerLeft).
  @SuppressWarnings("unused")
  private long q00, q01, q02, q03, q04, q05, q06, q07;
  @SuppressWarnings("unused")
  private long q08, q09, q10, q11, q12, q13, q14, q15;

  private final Ticker source;

  private CoarseTicker(Ticker source) {
    super(source.read());
    this.source = source;
  }

  /**
   * Returns a coarse ticker over {@link Ticker#systemTicker()}, set to the current time: call {@link
   * #tick()} periodically from then on.
   */
  public static CoarseTicker create() {
    return new CoarseTicker(Ticker.systemTicker());
  }

  /**
   * Returns a coarse ticker over {@code source}, set to {@code source.read()}: call {@link #tick()}
   * periodically from then on. The source is read only by the constructor and by {@code tick()}.
   */
  public static CoarseTicker of(Ticker source) {
    return new CoarseTicker(requireNonNull(source, "source"));
  }

  /**
   * Returns the time of the latest refresh, in nanoseconds of the source's time scale (an arbitrary
   * origin, as {@link System#nanoTime()}). No clock read, no allocation, no lock; monotonic.
   */
  @Override
  public long read() {
    return nanos;
  }

  /**
   * Refreshes the time from the source: reads it once and publishes it if it is later than the
   * published time. Call it periodically (typically every millisecond) from the embedder's
   * scheduler; the refresh interval bounds the error of {@link #read()} (see the class
   * documentation). Safe to call from any number of threads at once.
   *
   * @return the time {@link #read()} returns after this call, in nanoseconds: the source's reading,
   *     or the published time if the source read earlier than it
   */
  public long tick() {
    return advanceTo(source.read());
  }

  /** Returns the ticker this one refreshes from. */
  public Ticker source() {
    return source;
  }

  /** Returns {@code CoarseTicker[source=..., nanos=...]}, for debugging. */
  @Override
  public String toString() {
    return "CoarseTicker[source=" + source + ", nanos=" + nanos + "]";
  }
}
