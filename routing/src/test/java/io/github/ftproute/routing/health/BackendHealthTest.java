package io.github.ftproute.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.health.ProbeResult.Reason;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class BackendHealthTest {
  private static final ProbeResult GOOD = ProbeResult.of(Reason.OK, Duration.ofMillis(3), "greeting");
  private static final ProbeResult TIMEOUT = ProbeResult.of(Reason.TIMEOUT, Duration.ofSeconds(2), "no greeting");
  private static final ProbeResult LOGIN = ProbeResult.of(Reason.LOGIN_FAILED, Duration.ofMillis(5), "530");

  private final FakeTicker ticker = new FakeTicker();
  private final BackendPool pool = BackendPool.of(
      new Backend("a", new InetSocketAddress("127.0.0.1", 2101), 100, Backend.State.UP),
      new Backend("b", new InetSocketAddress("127.0.0.1", 2102), 100, Backend.State.UP));
  private final HealthPolicy policy = HealthPolicy.defaults().withRiseFall(2, 3)
      .withInterval(Duration.ofSeconds(1)).withSlowStart(Duration.ofSeconds(10));
  private final BackendHealth health = BackendHealth.create(pool, policy, ticker);

  private Backend a() {
    return pool.snapshot().get("a").orElseThrow();
  }

  @Test
  void fallFailures_down_riseSuccesses_up_withSlowStart() {
    health.record("a", TIMEOUT);
    health.record("a", TIMEOUT);
    assertThat(a().state()).isEqualTo(Backend.State.UP);
    health.record("a", TIMEOUT);
    assertThat(a().state()).isEqualTo(Backend.State.DOWN);

    health.record("a", GOOD);
    assertThat(a().state()).isEqualTo(Backend.State.DOWN);
    health.record("a", TIMEOUT); // breaks the run
    health.record("a", GOOD);
    assertThat(a().state()).isEqualTo(Backend.State.DOWN);
    health.record("a", GOOD);
    assertThat(a().state()).isEqualTo(Backend.State.UP);
    assertThat(a().weight()).isEqualTo(10);

    ticker.advance(Duration.ofMillis(4500));
    health.advance();
    assertThat(a().weight()).isEqualTo(50);
    ticker.advance(Duration.ofSeconds(6));
    health.advance();
    assertThat(a().weight()).isEqualTo(100);
    assertThat(health.stats("a").orElseThrow().down()).isEqualTo(4);
    assertThat(health.stats("a").orElseThrow().up()).isEqualTo(3);
  }

  @Test
  void downDuringTheRamp_comesBackAtFullWeight() {
    health.markDown("a", "connection failed");
    health.record("a", GOOD);
    health.record("a", GOOD);
    assertThat(a().weight()).isEqualTo(10);
    health.markDown("a", "connection failed");
    assertThat(a().state()).isEqualTo(Backend.State.DOWN);
    assertThat(a().weight()).isEqualTo(100);
  }

  @Test
  void operatorReweightsDuringTheRamp_rampEnds() {
    health.markDown("a", "x");
    health.record("a", GOOD);
    health.record("a", GOOD);
    pool.setWeight("a", 7);
    ticker.advance(Duration.ofSeconds(20));
    health.advance();
    assertThat(a().weight()).isEqualTo(7);
  }

  @Test
  void draining_isProbedButNeverChanged() {
    pool.setState("a", Backend.State.DRAINING);
    for (int i = 0; i < 5; i++) {
      health.record("a", TIMEOUT);
    }
    assertThat(a().state()).isEqualTo(Backend.State.DRAINING);
    assertThat(health.stats("a").orElseThrow().consecutiveFailed()).isEqualTo(5);
    health.markDown("a", "x");
    assertThat(a().state()).isEqualTo(Backend.State.DRAINING);
  }

  @Test
  void degraded_goodByDefault_failedWhenThePolicySays() {
    for (int i = 0; i < 3; i++) {
      health.record("a", LOGIN);
    }
    assertThat(a().state()).isEqualTo(Backend.State.UP);
    BackendHealth strict = BackendHealth.create(pool, policy.withDegradedIsDown(true), ticker);
    for (int i = 0; i < 3; i++) {
      strict.record("a", LOGIN);
    }
    assertThat(a().state()).isEqualTo(Backend.State.DOWN);
    assertThat(strict.stats("a").orElseThrow().degraded()).isEqualTo(3);
  }

  @Test
  void due_oncePerBackend_untilRecorded_thenAfterTheJitteredInterval() {
    assertThat(health.due()).isEmpty(); // the first probe is spread over one interval
    ticker.advance(Duration.ofSeconds(1));
    assertThat(health.due()).extracting(Backend::id).containsExactly("a", "b");
    assertThat(health.due()).isEmpty(); // in flight
    health.record("a", GOOD);
    ticker.advance(Duration.ofMillis(899));
    assertThat(health.due()).isEmpty();
    ticker.advance(Duration.ofMillis(201)); // 1.1 s: past the interval's +10%
    assertThat(health.due()).extracting(Backend::id).containsExactly("a");
  }

  @Test
  void removedBackend_forgotten() {
    assertThat(health.due()).isEmpty(); // both seen: first probes within one interval
    health.record("b", GOOD);
    pool.remove("b");
    health.record("b", GOOD);
    ticker.advance(Duration.ofSeconds(5));
    assertThat(health.due()).extracting(Backend::id).containsExactly("a");
    assertThat(health.stats("b")).isEmpty();
  }
}
