package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the table under any interleaving of connections of many keys, IPv4 and IPv6, with
 * the clock running past the persistence timeout, sweeps, and a table small enough to be full most of
 * the time (or, with {@code large}, over 4,096 entries: two stripes and sampled eviction).
 */
final class AffinityTablePropertiesTest {
  private static final int KEYS = 64;
  private static final long TIMEOUT_MILLIS = 1_000;

  sealed interface Action permits Open, Close, Advance, Sweep {}

  record Open(int key) implements Action {}

  record Close(int key, int which) implements Action {}

  record Advance(int millis) implements Action {}

  record Sweep() implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> keys = Arbitraries.integers().between(0, KEYS - 1);
    Arbitrary<Action> open = keys.map(Open::new);
    Arbitrary<Action> close = keys.flatMap(k -> Arbitraries.integers().between(0, 7).map(w -> new Close(k, w)));
    Arbitrary<Action> advance = Arbitraries.integers().between(1, 3_000).map(Advance::new);
    Arbitrary<Action> sweep = Arbitraries.just(new Sweep());
    return Arbitraries.frequencyOf(
            Tuple.of(10, open), Tuple.of(7, close), Tuple.of(3, advance), Tuple.of(1, sweep))
        .list().ofMinSize(1).ofMaxSize(200);
  }

  /**
   * Stickiness: while a key has live connections recorded in its entry, every new connection of that
   * key goes to the same backend, whatever other keys do. Live entries are never evicted or expired,
   * and keep the exact count of their connections. The size never exceeds the maximum.
   */
  @Property(tries = 150)
  void anyInterleaving_liveKeysStickAndSizeStaysBounded(
      @ForAll("actions") List<Action> actions,
      @ForAll @IntRange(min = 1, max = 40) int smallSize,
      @ForAll boolean large) {
    FakeTicker ticker = new FakeTicker();
    BackendPool pool = BackendPool.of(
        Backend.of("a", "10.0.0.1", 21), Backend.of("b", "10.0.0.2", 21), Backend.of("c", "10.0.0.3", 21));
    int maximumSize = large ? 4_096 + smallSize : smallSize;
    AffinityTable table = AffinityTable.builder()
        .backends(pool)
        .ticker(ticker)
        .policy(SelectionPolicy.roundRobin()) // a new choice would move the key: stickiness shows
        .maximumSize(maximumSize)
        .persistenceTimeout(Duration.ofMillis(TIMEOUT_MILLIS))
        .build();
    if (large) {
      for (int i = 0; i < maximumSize; i++) { // idle filler: the table is full from the start
        ClientKey filler = ClientKey.ofIpv4(0x0B00_0000 + i, 32);
        table.close(filler, (Routed) table.open(filler));
      }
    }
    Map<Integer, List<Routed>> recorded = new HashMap<>();
    Map<Integer, List<Routed>> unrecorded = new HashMap<>();
    Map<Integer, Backend> sticky = new HashMap<>();

    for (Action action : actions) {
      if (action instanceof Open o) {
        Routed routed = (Routed) table.open(key(o.key()));
        List<Routed> live = recorded.computeIfAbsent(o.key(), k -> new ArrayList<>());
        if (!live.isEmpty()) {
          assertThat(routed.backend().id()).as("key %s sticks", o.key()).isEqualTo(sticky.get(o.key()).id());
          assertThat(routed.outcome()).isEqualTo(Routed.Outcome.EXISTING);
        }
        if (routed.outcome() == Routed.Outcome.UNRECORDED) {
          unrecorded.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(routed);
        } else {
          live.add(routed);
          sticky.put(o.key(), routed.backend());
        }
      } else if (action instanceof Close c) {
        List<Routed> live = recorded.getOrDefault(c.key(), new ArrayList<>());
        List<Routed> loose = unrecorded.getOrDefault(c.key(), new ArrayList<>());
        if (!loose.isEmpty() && (live.isEmpty() || c.which() % 2 == 0)) {
          table.close(key(c.key()), loose.remove(0));
        } else if (!live.isEmpty()) {
          table.close(key(c.key()), live.remove(c.which() % live.size()));
        }
      } else if (action instanceof Advance a) {
        ticker.advance(a.millis(), TimeUnit.MILLISECONDS);
      } else {
        table.sweep();
      }

      assertThat(table.size()).isLessThanOrEqualTo(maximumSize);
      for (Map.Entry<Integer, List<Routed>> e : recorded.entrySet()) {
        if (!e.getValue().isEmpty()) {
          AffinityEntry entry = table.entry(key(e.getKey())).orElseThrow(
              () -> new AssertionError("live entry of key " + e.getKey() + " is gone"));
          assertThat(entry.backend().id()).isEqualTo(sticky.get(e.getKey()).id());
          assertThat(entry.liveConnections()).isEqualTo(e.getValue().size());
        }
      }
    }

    // Close everything: all counts return to zero.
    recorded.forEach((k, list) -> list.forEach(r -> table.close(key(k), r)));
    unrecorded.forEach((k, list) -> list.forEach(r -> table.close(key(k), r)));
    for (int k = 0; k < KEYS; k++) {
      assertThat(table.entry(key(k)).map(AffinityEntry::liveConnections).orElse(0)).isZero();
    }
    for (String id : List.of("a", "b", "c")) {
      assertThat(pool.liveConnections(id)).isZero();
    }
  }

  /** Every fifth key is an IPv6 key, so both storage families take part. */
  static ClientKey key(int k) {
    return k % 5 == 0
        ? ClientKey.ofIpv6(0x2001_0db8_0000_0000L | k, 0x1234L * k, 128)
        : ClientKey.ofIpv4(0x0A00_0000 + k, 32);
  }
}
