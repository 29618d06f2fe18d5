package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.google.common.collect.Lists;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.NoBackend;
import io.github.ftproute.routing.affinity.Selected;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

final class SelectionPolicyTest {
  private static final ClientKey KEY = ClientKey.ofIpv4(0x0A00_0001, 32);

  private static List<Backend> backends(int... weights) {
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      backends.add(Backend.of(String.valueOf((char) ('a' + i)), "10.0.0." + (i + 1), 21).withWeight(weights[i]));
    }
    return backends;
  }

  private static String pick(SelectionPolicy.Selector selector, ClientKey key) {
    return ((Selected) selector.select(key)).backend().id();
  }

  private static ClientKey key(int i) {
    return ClientKey.ofIpv4(i * 0x9E37_79B9, 32);
  }

  @Test
  void allPolicies_noCandidates_returnNoBackend() {
    for (SelectionPolicy policy : List.of(
        SelectionPolicy.roundRobin(), SelectionPolicy.weightedRoundRobin(),
        SelectionPolicy.leastConnections(), SelectionPolicy.weightedLeastConnections(),
        SelectionPolicy.sourceHash(), SelectionPolicy.maglev(), SelectionPolicy.maglev(7))) {
      assertThat(policy.newSelector(Candidates.of(List.of())).select(KEY)).isEqualTo(NoBackend.INSTANCE);
    }
  }

  @Test
  void roundRobin_cyclesAndIgnoresWeights() {
    SelectionPolicy.Selector selector = SelectionPolicy.roundRobin().newSelector(Candidates.of(backends(5, 1, 1)));

    List<String> picks = IntStream.range(0, 6).mapToObj(i -> pick(selector, KEY)).toList();

    assertThat(picks).containsExactly("a", "b", "c", "a", "b", "c");
    assertThat(SelectionPolicy.roundRobin()).hasToString("roundRobin");
  }

  @Test
  void weightedRoundRobin_isSmoothAsInNginx() {
    SelectionPolicy.Selector selector =
        SelectionPolicy.weightedRoundRobin().newSelector(Candidates.of(backends(5, 1, 1)));

    List<String> picks = IntStream.range(0, 14).mapToObj(i -> pick(selector, KEY)).toList();

    assertThat(picks).containsExactly("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a");
  }

  /** Tolerance: none. Every run of W choices (W = the sum of the weights) gives each its weight. */
  @Property(tries = 200)
  void weightedRoundRobin_everyCycleMatchesWeightsExactly(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 50) Integer> weights) {
    List<Backend> backends = backends(weights.stream().mapToInt(Integer::intValue).toArray());
    SelectionPolicy.Selector selector = SelectionPolicy.weightedRoundRobin().newSelector(Candidates.of(backends));
    int total = weights.stream().mapToInt(Integer::intValue).sum();

    for (int cycle = 0; cycle < 3; cycle++) {
      int[] counts = new int[backends.size()];
      for (int i = 0; i < total; i++) {
        counts[((Selected) selector.select(KEY)).index()]++;
      }
      assertThat(counts).containsExactly(weights.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  @Test
  void leastConnections_picksFewest_tiesInTurn() {
    BackendPool pool = BackendPool.of(backends(1, 1, 1));
    Candidates candidates = pool.snapshot().candidates();
    SelectionPolicy.Selector selector = SelectionPolicy.leastConnections().newSelector(candidates);
    candidates.entry(0).connections().add(2);
    candidates.entry(2).connections().add(1);

    assertThat(pick(selector, KEY)).isEqualTo("b");
    candidates.entry(1).connections().add(5);
    assertThat(pick(selector, KEY)).isEqualTo("c");
    candidates.entry(2).connections().add(1); // a=2, b=5, c=2: a tie
    assertThat(List.of(pick(selector, KEY), pick(selector, KEY))).containsExactlyInAnyOrder("a", "c");
  }

  /**
   * Tolerance: one connection per backend. Connections opened one by one and held, each placed by
   * the policy, end up proportional to the weights.
   */
  @Property(tries = 100)
  void weightedLeastConnections_heldConnectionsFollowWeights(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 20) Integer> weights,
      @ForAll @IntRange(min = 1, max = 20) int rounds) {
    BackendPool pool = BackendPool.of(backends(weights.stream().mapToInt(Integer::intValue).toArray()));
    Candidates candidates = pool.snapshot().candidates();
    SelectionPolicy.Selector selector = SelectionPolicy.weightedLeastConnections().newSelector(candidates);
    int total = weights.stream().mapToInt(Integer::intValue).sum();

    for (int i = 0; i < total * rounds; i++) {
      candidates.entry(((Selected) selector.select(KEY)).index()).connections().increment();
    }

    for (int i = 0; i < weights.size(); i++) {
      assertThat(candidates.liveConnections(i)).isBetween(
          (long) weights.get(i) * rounds - 1, (long) weights.get(i) * rounds + 1);
    }
  }

  @Test
  void sourceHash_sameKeySameBackend_independentOfOrder() {
    List<Backend> backends = backends(1, 2, 3, 4);
    SelectionPolicy.Selector one = SelectionPolicy.sourceHash().newSelector(Candidates.of(backends));
    SelectionPolicy.Selector two =
        SelectionPolicy.sourceHash().newSelector(Candidates.of(Lists.reverse(backends)));

    for (int i = 0; i < 1_000; i++) {
      assertThat(pick(one, key(i))).isEqualTo(pick(two, key(i))).isEqualTo(pick(one, key(i)));
    }
  }

  /** Tolerance: each backend's share of 50,000 random keys is within 2 percentage points of its weight share. */
  @Property(tries = 20)
  void sourceHash_keySharesFollowWeights(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 10) Integer> weights,
      @ForAll long seed) {
    assertSharesFollowWeights(SelectionPolicy.sourceHash(), weights, seed, 0.02);
  }

  /** Tolerance: each backend's share of 50,000 random keys is within 2 percentage points of its weight share. */
  @Property(tries = 10)
  void maglev_keySharesFollowWeights(
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 10) Integer> weights,
      @ForAll long seed) {
    assertSharesFollowWeights(SelectionPolicy.maglev(), weights, seed, 0.02);
  }

  private static void assertSharesFollowWeights(
      SelectionPolicy policy, List<Integer> weights, long seed, double tolerance) {
    List<Backend> backends = backends(weights.stream().mapToInt(Integer::intValue).toArray());
    SelectionPolicy.Selector selector = policy.newSelector(Candidates.of(backends));
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    int keys = 50_000;
    int[] counts = new int[backends.size()];
    for (int i = 0; i < keys; i++) {
      counts[((Selected) selector.select(ClientKey.ofIpv4(random.nextInt(), 32))).index()]++;
    }
    double total = weights.stream().mapToInt(Integer::intValue).sum();
    for (int i = 0; i < counts.length; i++) {
      assertThat((double) counts[i] / keys).isCloseTo(weights.get(i) / total, org.assertj.core.data.Offset.offset(tolerance));
    }
  }

  @Test
  void table_rejectsForeignSelection() {
    BackendPool pool = BackendPool.of(backends(1, 1));
    Backend stranger = Backend.of("x", "10.9.9.9", 21);
    AffinityTable table = AffinityTable.builder()
        .backends(pool)
        .policy(candidates -> key -> new Selected(stranger, 0))
        .build();

    assertThatIllegalStateException().isThrownBy(() -> table.open(KEY))
        .withMessageContaining("expected: Candidates.select(i)");
  }

  @Test
  void maglev_tableSizeMustBePrime() {
    assertThatIllegalArgumentException().isThrownBy(() -> SelectionPolicy.maglev(65_536))
        .withMessage("tableSize: 65536 (expected: a prime in 3..16777213)");
    assertThatIllegalArgumentException().isThrownBy(() -> SelectionPolicy.maglev(2));
    assertThat(SelectionPolicy.maglev(251)).hasToString("maglev(251)");
  }
}
