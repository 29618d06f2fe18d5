package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Arbitrary source movements, forwards and backwards, with ticks in between. */
final class CoarseTickerProperties {

  /**
   * Each step moves the source by {@code step} nanoseconds (negative: backwards) and, when the step
   * is odd, ticks. Reads never go backwards, and equal the latest source time seen by a tick.
   */
  @Property
  void read_anySourceMovesAndTicks_isMonotonicAndTheLatestTicked(
      @ForAll @Size(max = 200) List<@LongRange(min = -5_000_000, max = 5_000_000) Long> steps) {
    FakeTicker source = new FakeTicker();
    CoarseTicker ticker = CoarseTicker.of(source);
    long latest = source.read();
    long last = ticker.read();
    for (long step : steps) {
      source.advance(step);
      if ((step & 1) != 0) {
        ticker.tick();
        latest = Math.max(latest, source.read());
      }
      long read = ticker.read();
      assertThat(read).isGreaterThanOrEqualTo(last).isEqualTo(latest);
      last = read;
    }
  }
}
