package io.github.ftproute.routing.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class HealthPolicyTest {

  @Test
  void readmeHealthExample() {
    // --- README health example begins
    HealthPolicy policy = HealthPolicy.defaults()
        .withRiseFall(2, 3)                      // 3 failed probes in a row: DOWN; then 2 good ones: UP
        .withInterval(Duration.ofSeconds(5))     // each backend every 5 s, ±10% jitter
        .withSlowStart(Duration.ofSeconds(30));  // back UP: weight ramps from a tenth to full in 30 s
    ProbeSpec probe = ProbeSpec.defaults()       // greeting (120 waited past), NOOP, QUIT; 2 s per step
        .withLogin("healthcheck", "secret")      // optional: USER/PASS of a check user, before NOOP
        .withSlowThreshold(Duration.ofMillis(500)); // slower: DEGRADED (SLOW)
    // MinaTransport.builder() ... .healthChecks(policy, probe).start();
    // --- README health example ends
    assertThat(policy.fall()).isEqualTo(3);
    assertThat(policy.rampedWeight(100, Duration.ZERO)).isEqualTo(10);
    assertThat(probe.checkUser()).map(ProbeSpec.Login::user).contains("healthcheck");
    assertThat(probe.noop()).isTrue();
  }

  @Test
  void nextDelay_staysWithinTheJitter() {
    HealthPolicy policy = HealthPolicy.defaults().withInterval(Duration.ofSeconds(10)).withJitter(0.2);
    assertThat(policy.nextDelay(0)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.nextDelay(0.5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.nextDelay(0.999999)).isBetween(Duration.ofMillis(11_999), Duration.ofSeconds(12));
    assertThat(policy.withJitter(0).nextDelay(0.9)).isEqualTo(Duration.ofSeconds(10));
    assertThatIllegalArgumentException().isThrownBy(() -> policy.nextDelay(1));
  }

  @Test
  void rampedWeight_tenSteps_fromATenthToFull() {
    HealthPolicy policy = HealthPolicy.defaults().withSlowStart(Duration.ofSeconds(10));
    assertThat(policy.rampedWeight(100, Duration.ZERO)).isEqualTo(10);
    assertThat(policy.rampedWeight(100, Duration.ofMillis(999))).isEqualTo(10);
    assertThat(policy.rampedWeight(100, Duration.ofSeconds(1))).isEqualTo(20);
    assertThat(policy.rampedWeight(100, Duration.ofMillis(9999))).isEqualTo(100);
    assertThat(policy.rampedWeight(100, Duration.ofSeconds(30))).isEqualTo(100);
    assertThat(policy.rampedWeight(3, Duration.ZERO)).isEqualTo(1);
    assertThat(policy.rampedWeight(1, Duration.ZERO)).isEqualTo(1);
    assertThat(policy.withSlowStart(Duration.ZERO).rampedWeight(100, Duration.ZERO)).isEqualTo(100);
  }

  @Test
  void isGood_degradedDependsOnThePolicy() {
    ProbeResult slow = ProbeResult.of(ProbeResult.Reason.SLOW, Duration.ofSeconds(1), "slow");
    assertThat(HealthPolicy.defaults().isGood(slow)).isTrue();
    assertThat(HealthPolicy.defaults().withDegradedIsDown(true).isGood(slow)).isFalse();
    assertThat(HealthPolicy.defaults().isGood(ProbeResult.of(ProbeResult.Reason.TIMEOUT, Duration.ZERO, ""))).isFalse();
  }

  @Test
  void outOfRange_refused() {
    assertThatIllegalArgumentException().isThrownBy(() -> HealthPolicy.defaults().withRiseFall(0, 1));
    assertThatIllegalArgumentException().isThrownBy(() -> HealthPolicy.defaults().withJitter(0.6));
    assertThatIllegalArgumentException().isThrownBy(() -> HealthPolicy.defaults().withInterval(Duration.ZERO));
    assertThatIllegalArgumentException().isThrownBy(() -> ProbeSpec.defaults().withLogin("a\r\nDELE x", "p"));
    assertThatIllegalArgumentException().isThrownBy(() -> ProbeSpec.defaults().withStepTimeout(Duration.ZERO));
    assertThatIllegalArgumentException().isThrownBy(
        () -> new ProbeResult(ProbeResult.Status.UP, ProbeResult.Reason.TIMEOUT, Duration.ZERO, ""));
    assertThat(ProbeSpec.defaults().withLogin("check", "secret").toString()).doesNotContain("secret");
  }
}
