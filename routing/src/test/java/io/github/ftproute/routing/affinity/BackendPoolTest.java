package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.common.testing.NullPointerTester;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.BackendSet;
import java.util.List;
import org.junit.jupiter.api.Test;

final class BackendPoolTest {
  private static final Backend A = Backend.of("a", "10.0.0.1", 21);
  private static final Backend B = Backend.of("b", "10.0.0.2", 21);

  @Test
  void changes_publishNewSnapshots_oldOnesUnchanged() {
    BackendPool pool = BackendPool.create();
    BackendSet empty = pool.snapshot();

    pool.add(A);
    pool.add(B.withState(Backend.State.DOWN));
    BackendSet two = pool.snapshot();
    Backend reweighted = pool.setWeight("a", 5);
    Backend up = pool.setState("b", Backend.State.UP);

    assertThat(empty.backends()).isEmpty();
    assertThat(empty.version()).isZero();
    assertThat(two.version()).isEqualTo(2);
    assertThat(two.backends()).containsExactly(A, B.withState(Backend.State.DOWN));
    assertThat(two.available()).containsExactly(A);
    assertThat(reweighted).isEqualTo(A.withWeight(5));
    assertThat(up).isEqualTo(B);
    assertThat(pool.snapshot().backends()).containsExactly(A.withWeight(5), B);
    assertThat(pool.snapshot().version()).isEqualTo(4);
    assertThat(pool.snapshot().get("b")).contains(B);
    assertThat(pool.snapshot().get("c")).isEmpty();
    assertThat(pool.snapshot().size()).isEqualTo(2);
    assertThat(pool.snapshot().toString()).isEqualTo("BackendSet[v4: a=UP/5, b=UP/1]");
  }

  @Test
  void setState_unchanged_publishesNothing() {
    BackendPool pool = BackendPool.of(A);
    BackendSet before = pool.snapshot();

    assertThat(pool.setState("a", Backend.State.UP)).isEqualTo(A);
    assertThat(pool.snapshot()).isSameAs(before);
  }

  @Test
  void incarnation_endsOnDownAndRemove_keptOnDrainAndReweight() {
    BackendPool pool = BackendPool.of(A, B);
    int first = pool.snapshot().entry("a").incarnation();

    pool.setWeight("a", 3);
    pool.setState("a", Backend.State.DRAINING);
    pool.setState("a", Backend.State.UP);
    assertThat(pool.snapshot().entry("a").incarnation()).isEqualTo(first);

    pool.setState("a", Backend.State.DOWN);
    assertThat(pool.snapshot().entry("a").incarnation()).isZero();
    assertThat(pool.snapshot().live(first)).isNull();
    pool.setState("a", Backend.State.DRAINING);
    int second = pool.snapshot().entry("a").incarnation();
    assertThat(second).isNotIn(0, first);

    pool.remove("a");
    pool.add(A);
    assertThat(pool.snapshot().entry("a").incarnation()).isNotIn(0, first, second);
    assertThat(pool.snapshot().live(second)).isNull();
  }

  @Test
  void liveConnections_survivesStateChanges_resetsOnReAdd() {
    BackendPool pool = BackendPool.of(A);
    pool.snapshot().entry("a").connections().add(3);

    pool.setState("a", Backend.State.DOWN);
    pool.setState("a", Backend.State.UP);
    assertThat(pool.liveConnections("a")).isEqualTo(3);

    pool.remove("a");
    assertThat(pool.liveConnections("a")).isZero();
    pool.add(A);
    assertThat(pool.liveConnections("a")).isZero();
  }

  @Test
  void badChanges_throw() {
    BackendPool pool = BackendPool.of(A);

    assertThatIllegalArgumentException().isThrownBy(() -> pool.add(A.withWeight(2)))
        .withMessage("backend: 'a' (expected: an id not already in the pool)");
    assertThatIllegalArgumentException().isThrownBy(() -> pool.setWeight("x", 1))
        .withMessage("id: 'x' (expected: a backend in the pool)");
    assertThatIllegalArgumentException().isThrownBy(() -> pool.setState("x", Backend.State.UP));
    assertThatIllegalArgumentException().isThrownBy(() -> pool.setWeight("a", 70_000));
    assertThatIllegalArgumentException().isThrownBy(() -> BackendPool.of(List.of(A, A)));
    assertThat(pool.remove("x")).isFalse();
  }

  @Test
  void nulls_rejected() {
    NullPointerTester tester = new NullPointerTester().setDefault(Backend.class, B)
        .setDefault(Routed.class, (Routed) BackendPool.of(A).snapshot().route(A.id(), Routed.Outcome.EXISTING));
    tester.testAllPublicStaticMethods(BackendPool.class);
    tester.testAllPublicInstanceMethods(BackendPool.of(A));
    tester.testAllPublicInstanceMethods(BackendPool.of(A).snapshot());
  }
}
