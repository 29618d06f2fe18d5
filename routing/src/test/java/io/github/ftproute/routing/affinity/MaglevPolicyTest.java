package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.Lists;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.affinity.Selected;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import io.github.ftproute.routing.internal.MaglevPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Maglev's promises, measured on the lookup table itself (every entry, so no sampling noise) and on
 * random keys.
 *
 * <p>Disruption is not zero: when one of N backends leaves, a few entries of the others change owner
 * too. Over random sets of 2 to 20 backends of equal weight with the default 65,537 entries it was
 * measured at 0.25% of the other backends' entries on average and 0.50% at worst (weights 1..10:
 * 0.14% average, 0.47% worst). The property holds it under 1%, twice the worst seen.
 */
final class MaglevPolicyTest {
  private static final int M = 65_537;
  private static final double MAX_DISRUPTION = 0.01;

  private static List<Backend> randomBackends(SplittableRandom random, int n, int maxWeight) {
    List<Backend> backends = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      backends.add(Backend.of("ftp-" + random.nextInt(1_000_000) + "-" + i, "10.0.0." + (i + 1), 21)
          .withWeight(1 + random.nextInt(maxWeight)));
    }
    return backends;
  }

  private static String[] owners(List<Backend> backends) {
    int[] lookup = MaglevPolicy.populate(Candidates.of(backends), M);
    return Arrays.stream(lookup).mapToObj(i -> backends.get(i).id()).toArray(String[]::new);
  }

  @Property(tries = 40)
  void removeOne_onlyItsKeysMoveBeyondSmallDisruption(
      @ForAll @IntRange(min = 2, max = 20) int n, @ForAll long seed, @ForAll boolean weighted) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Backend> backends = randomBackends(random, n, weighted ? 10 : 1);
    Backend leaving = backends.get(random.nextInt(n));
    List<Backend> rest = new ArrayList<>(backends);
    rest.remove(leaving);

    String[] before = owners(backends);
    String[] after = owners(rest);

    int others = 0;
    int moved = 0;
    for (int e = 0; e < M; e++) {
      assertThat(after[e]).isNotEqualTo(leaving.id());
      if (!before[e].equals(leaving.id())) {
        others++;
        moved += before[e].equals(after[e]) ? 0 : 1;
      }
    }
    assertThat((double) moved / others).isLessThan(MAX_DISRUPTION);
  }

  /** Tolerance: equal weights own M/N entries, give or take one. */
  @Property(tries = 30)
  void equalWeights_entriesDifferByAtMostOne(@ForAll @IntRange(min = 1, max = 30) int n, @ForAll long seed) {
    List<Backend> backends = randomBackends(new SplittableRandom(seed), n, 1);
    int[] counts = new int[n];
    for (int owner : MaglevPolicy.populate(Candidates.of(backends), M)) {
      counts[owner]++;
    }
    assertThat(Arrays.stream(counts).max().getAsInt() - Arrays.stream(counts).min().getAsInt()).isLessThanOrEqualTo(1);
  }

  /** Tolerance: each backend owns its weight share of the entries within 1% of that share, plus one entry. */
  @Property(tries = 30)
  void weights_entrySharesFollowWeights(@ForAll @IntRange(min = 1, max = 12) int n, @ForAll long seed) {
    List<Backend> backends = randomBackends(new SplittableRandom(seed), n, 100);
    int[] counts = new int[n];
    for (int owner : MaglevPolicy.populate(Candidates.of(backends), M)) {
      counts[owner]++;
    }
    double total = backends.stream().mapToInt(Backend::weight).sum();
    for (int i = 0; i < n; i++) {
      double expected = M * backends.get(i).weight() / total;
      assertThat(Math.abs(counts[i] - expected)).isLessThanOrEqualTo(expected * 0.01 + 1);
    }
  }

  @Test
  void sameBackendsInAnyOrder_sameChoices() {
    List<Backend> backends = randomBackends(new SplittableRandom(7), 9, 5);
    SelectionPolicy.Selector one = SelectionPolicy.maglev().newSelector(Candidates.of(backends));
    SelectionPolicy.Selector two = SelectionPolicy.maglev().newSelector(Candidates.of(Lists.reverse(backends)));
    SplittableRandom random = new SplittableRandom(8);
    for (int i = 0; i < 10_000; i++) {
      ClientKey key = ClientKey.ofIpv4(random.nextInt(), 32);
      assertThat(((Selected) one.select(key)).backend()).isEqualTo(((Selected) two.select(key)).backend());
    }
  }

  @Test
  void table_withMaglev_newKeysOfStayingBackendsMostlyKeepTheirBackend() {
    List<Backend> backends = randomBackends(new SplittableRandom(3), 5, 1);
    BackendPool pool = BackendPool.of(backends);
    AffinityTable before = AffinityTable.builder().backends(pool).policy(SelectionPolicy.maglev()).build();
    List<ClientKey> keys = new ArrayList<>();
    List<String> owners = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(4);
    for (int i = 0; i < 5_000; i++) {
      ClientKey key = ClientKey.ofIpv4(random.nextInt(), 32);
      keys.add(key);
      owners.add(((Routed) before.open(key)).backend().id());
    }

    pool.remove(backends.get(0).id());
    AffinityTable fresh = AffinityTable.builder().backends(pool).policy(SelectionPolicy.maglev()).build();
    int others = 0;
    int moved = 0;
    for (int i = 0; i < keys.size(); i++) {
      String now = ((Routed) fresh.open(keys.get(i))).backend().id();
      if (!owners.get(i).equals(backends.get(0).id())) {
        others++;
        moved += owners.get(i).equals(now) ? 0 : 1;
      }
    }
    assertThat((double) moved / others).isLessThan(MAX_DISRUPTION);
  }
}
