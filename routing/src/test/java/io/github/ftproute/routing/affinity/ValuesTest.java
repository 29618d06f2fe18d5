package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import io.github.ftproute.core.ClientKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Value hygiene of the small result and statistics types. */
final class ValuesTest {
  private static final Backend A = Backend.of("a", "10.0.0.1", 21);
  private static final Backend B = Backend.of("b", "10.0.0.2", 21);
  private static final ClientKey KEY = ClientKey.ofIpv4(0x0A00_0001, 32);

  @Test
  void affinityStats_equalsAndValidation() {
    new EqualsTester()
        .addEqualityGroup(AffinityStats.empty(), new AffinityStats(0, 0, 0, 0, 0, 0))
        .addEqualityGroup(new AffinityStats(1, 0, 0, 0, 0, 0))
        .addEqualityGroup(new AffinityStats(0, 1, 0, 0, 0, 0))
        .addEqualityGroup(new AffinityStats(0, 0, 1, 0, 0, 0))
        .addEqualityGroup(new AffinityStats(0, 0, 0, 1, 0, 0))
        .addEqualityGroup(new AffinityStats(0, 0, 0, 0, 1, 0))
        .addEqualityGroup(new AffinityStats(0, 0, 0, 0, 0, 1))
        .testEquals();
    assertThatIllegalArgumentException().isThrownBy(() -> new AffinityStats(0, -1, 0, 0, 0, 0))
        .withMessage("hitCount: -1 (expected: >= 0)");
    assertThat(new AffinityStats(1, 1, 1, 1, 1, 1).minus(new AffinityStats(2, 0, 0, 0, 0, 0)))
        .isEqualTo(new AffinityStats(0, 1, 1, 1, 1, 1));
  }

  @Test
  void affinityEntry_equalsAndValidation() {
    new EqualsTester()
        .addEqualityGroup(new AffinityEntry(KEY, A, 1), new AffinityEntry(KEY, A, 1))
        .addEqualityGroup(new AffinityEntry(KEY, A, 2))
        .addEqualityGroup(new AffinityEntry(KEY, B, 1))
        .addEqualityGroup(new AffinityEntry(ClientKey.ofIpv4(0x0A00_0002, 32), A, 1))
        .testEquals();
    assertThatIllegalArgumentException().isThrownBy(() -> new AffinityEntry(KEY, A, -1));
    new NullPointerTester().setDefault(ClientKey.class, KEY).setDefault(Backend.class, A)
        .testAllPublicConstructors(AffinityEntry.class);
  }

  @Test
  void selected_andNoBackend_equals() {
    Candidates candidates = Candidates.of(List.of(A, B));
    new EqualsTester()
        .addEqualityGroup(candidates.select(0), new Selected(A, 0))
        .addEqualityGroup(candidates.select(1), new Selected(B, 1))
        .addEqualityGroup(NoBackend.INSTANCE, new NoBackend())
        .testEquals();
    assertThat(candidates.select(0)).isSameAs(candidates.select(0));
    assertThatIllegalArgumentException().isThrownBy(() -> new Selected(A, -1));
    new NullPointerTester().setDefault(Backend.class, A).testAllPublicConstructors(Selected.class);
  }

  @Test
  void routed_equalsOnBackendOutcomeAndIncarnation() {
    BackendPool pool = BackendPool.of(A, B);
    BackendEntry a = pool.snapshot().entry("a");
    BackendEntry b = pool.snapshot().entry("b");
    pool.setWeight("a", 1); // same values, new snapshot objects
    BackendEntry aAgain = pool.snapshot().entry("a");
    new EqualsTester()
        .addEqualityGroup(a.existing, aAgain.existing)
        .addEqualityGroup(a.created)
        .addEqualityGroup(a.unrecorded)
        .addEqualityGroup(a.existingUncounted)
        .addEqualityGroup(b.existing)
        .testEquals();
    assertThat(a.existing).hasToString("Routed[backend=a, outcome=EXISTING]");
    assertThat(a.rebalanced.isNewEntry()).isTrue();
    assertThat(a.unrecorded.isNewEntry()).isFalse();
  }

  @Test
  void candidates_validatesAndCounts() {
    Candidates candidates = Candidates.of(List.of(A, B));

    assertThat(candidates.size()).isEqualTo(2);
    assertThat(candidates.backends()).containsExactly(A, B);
    assertThat(candidates.get(1)).isEqualTo(B);
    assertThat(candidates.liveConnections(0)).isZero();
    assertThat(Candidates.of(List.of()).isEmpty()).isTrue();
    assertThatIllegalArgumentException().isThrownBy(() -> Candidates.of(List.of(A.withWeight(0))));
    assertThatIllegalArgumentException().isThrownBy(() -> Candidates.of(List.of(A, A)))
        .withMessage("id: 'a' (expected: unique)");
  }
}
