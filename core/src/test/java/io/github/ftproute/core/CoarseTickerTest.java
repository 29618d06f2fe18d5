package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.common.base.Ticker;
import com.google.common.testing.FakeTicker;
import com.google.common.testing.NullPointerTester;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class CoarseTickerTest {
  private final FakeTicker source = new FakeTicker().advance(1_000_000_000L);

  /** A source that the test sets to any value, wrapping or going backwards. */
  private static final class SettableTicker extends Ticker {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long read() {
      return nanos.get();
    }
  }

  @Test
  void of_readsSourceOnce_startsAtItsTime() {
    CoarseTicker ticker = CoarseTicker.of(source);

    assertThat(ticker.read()).isEqualTo(1_000_000_000L);
    assertThat(ticker.source()).isSameAs(source);
  }

  @Test
  void create_usesSystemTicker() {
    long before = System.nanoTime();
    CoarseTicker ticker = CoarseTicker.create();

    assertThat(ticker.source()).isSameAs(Ticker.systemTicker());
    assertThat(ticker.read() - before).isNotNegative();
    assertThat(ticker.tick() - ticker.read()).isZero();
  }

  @Test
  void read_withoutTick_standsStill() {
    CoarseTicker ticker = CoarseTicker.of(source);

    source.advance(Duration.ofHours(1));

    assertThat(ticker.read()).isEqualTo(1_000_000_000L);
    assertThat(ticker.read()).isEqualTo(1_000_000_000L);
  }

  @Test
  void tick_sourceAdvanced_publishesSourceTime() {
    CoarseTicker ticker = CoarseTicker.of(source);
    source.advance(Duration.ofMillis(3));

    long ticked = ticker.tick();

    assertThat(ticked).isEqualTo(1_003_000_000L);
    assertThat(ticker.read()).isEqualTo(1_003_000_000L);
  }

  @Test
  void tick_sourceGoesBackwards_keepsLaterTime() {
    CoarseTicker ticker = CoarseTicker.of(source);
    source.advance(Duration.ofMillis(5));
    ticker.tick();

    source.advance(-Duration.ofMillis(2).toNanos());
    long ticked = ticker.tick();

    assertThat(ticked).isEqualTo(1_005_000_000L);
    assertThat(ticker.read()).isEqualTo(1_005_000_000L);
    source.advance(Duration.ofMillis(3));
    assertThat(ticker.tick()).isEqualTo(1_006_000_000L);
  }

  @Test
  void tick_acrossLongOverflow_staysMonotonic() {
    SettableTicker wrapping = new SettableTicker();
    wrapping.nanos.set(Long.MAX_VALUE - 10);
    CoarseTicker ticker = CoarseTicker.of(wrapping);

    wrapping.nanos.addAndGet(20); // wraps to Long.MIN_VALUE + 9, which is 20 ns later
    ticker.tick();
    wrapping.nanos.set(Long.MAX_VALUE); // 10 ns before the published time
    ticker.tick();

    assertThat(ticker.read()).isEqualTo(Long.MIN_VALUE + 9);
    assertThat(ticker.read() - (Long.MAX_VALUE - 10)).isEqualTo(20);
  }

  @Test
  void read_refreshedEveryInterval_lagsSourceByAtMostIntervalPlusDelay() {
    long interval = 1_000_000; // 1 ms
    long maxDelay = 300_000; // each refresh up to 0.3 ms late
    CoarseTicker ticker = CoarseTicker.of(source);
    SplittableRandom random = new SplittableRandom(14);
    long nextDue = source.read() + interval;
    long worst = 0;
    for (int step = 0; step < 200_000; step++) {
      source.advance(random.nextLong(1, 20_000)); // readers read every 1-20 µs
      long now = source.read();
      if (now - nextDue >= random.nextLong(maxDelay)) { // the scheduler runs the refresh, late
        ticker.tick();
        nextDue += interval;
      }
      long lag = now - ticker.read();
      assertThat(lag).isBetween(0L, interval + maxDelay + 20_000);
      worst = Math.max(worst, lag);
    }
    assertThat(worst).isGreaterThan(interval); // the bound is reached, not vacuous
  }

  @Test
  void read_durationBetweenTwoReads_offByLessThanOneLag() {
    long interval = 1_000_000;
    CoarseTicker ticker = CoarseTicker.of(source);
    SplittableRandom random = new SplittableRandom(7);
    long worst = 0;
    for (int i = 0; i < 10_000; i++) {
      long sinceTick = random.nextLong(interval); // the start falls somewhere between two refreshes
      source.advance(sinceTick);
      long trueStart = source.read();
      long start = ticker.read();
      int refreshes = random.nextInt(1, 6); // a few refreshes later, the end falls between two more
      source.advance(interval - sinceTick);
      for (int r = 1; r < refreshes; r++) {
        ticker.tick();
        source.advance(interval);
      }
      ticker.tick();
      source.advance(random.nextLong(interval));
      long trueEnd = source.read();
      long end = ticker.read();
      long error = (end - start) - (trueEnd - trueStart); // lag at start - lag at end
      assertThat(Math.abs(error)).isLessThan(interval);
      worst = Math.max(worst, Math.abs(error));
      source.advance(interval - (source.read() - ticker.read()));
      ticker.tick();
    }
    assertThat(worst).isGreaterThan(interval / 2);
  }

  @Test
  void concurrentReadersAndTickers_readsNeverGoBackwardsNorAhead() throws Exception {
    AtomicLong clock = new AtomicLong();
    Ticker advancing = new Ticker() {
      @Override
      public long read() {
        return clock.addAndGet(1 + (clock.get() & 7)); // every read is later than the last
      }
    };
    CoarseTicker ticker = CoarseTicker.of(advancing);
    int readers = 3;
    int tickers = 2;
    CyclicBarrier start = new CyclicBarrier(readers + tickers);
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(readers + tickers);
    try {
      List<Future<Long>> readerResults = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        readerResults.add(threads.submit(() -> {
          start.await();
          long last = ticker.read();
          long changes = 0;
          while (!done.get()) {
            long read = ticker.read();
            long sourceAfter = clock.get();
            if (read - last < 0 || sourceAfter - read < 0) {
              return -1L; // went backwards, or ahead of the source
            }
            changes += read != last ? 1 : 0;
            last = read;
          }
          return changes;
        }));
      }
      List<Future<?>> tickerResults = new ArrayList<>();
      for (int t = 0; t < tickers; t++) {
        tickerResults.add(threads.submit(() -> {
          start.await();
          long last = Long.MIN_VALUE;
          for (int i = 0; i < 200_000; i++) {
            long ticked = ticker.tick();
            if (last != Long.MIN_VALUE && ticked - last < 0) {
              throw new AssertionError("tick went backwards: " + last + " then " + ticked);
            }
            last = ticked;
          }
          return null;
        }));
      }
      for (Future<?> f : tickerResults) {
        f.get(30, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<Long> f : readerResults) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isNotNegative();
      }
      assertThat(ticker.read()).isPositive().isLessThanOrEqualTo(clock.get());
    } finally {
      done.set(true);
      threads.shutdownNow();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void classJavadocSnippet_scheduledTick_advancesTime() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      CoarseTicker ticker = CoarseTicker.create();
      scheduler.scheduleAtFixedRate(ticker::tick, 1, 1, TimeUnit.MILLISECONDS);

      long first = ticker.read();
      assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
        while (ticker.read() == first) {
          Thread.onSpinWait(); // waits for the scheduler's refresh, no sleep
        }
      });
      assertThat(ticker.read() - first).isPositive();
    } finally {
      scheduler.shutdownNow();
      assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void nulls_rejected() {
    new NullPointerTester().testAllPublicStaticMethods(CoarseTicker.class);
  }

  @Test
  void toString_namesSourceAndTime() {
    assertThat(CoarseTicker.of(source).toString()).contains("CoarseTicker[").contains("nanos=1000000000");
  }
}
