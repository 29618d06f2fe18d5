package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.AffinityEntry;
import io.github.ftproute.routing.affinity.AffinityStats;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendEntry;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.BackendSet;
import io.github.ftproute.routing.affinity.NoBackend;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * A stateful property: random sequences of opens, closes, clock advances, sweeps and backend state
 * changes, run against the table and against a simple model (a {@code HashMap} of entries with their
 * backend, live connections and last-activity timestamp), compared after every step.
 *
 * <p>The table is at most 16 IPv4 entries, where the built-in table's eviction is exact LRU, so the
 * model can predict every victim. Every step advances the clock by at least a millisecond, so no two
 * entries share a timestamp. After a backend state change both sides sweep, so eviction never meets
 * an entry of a departed backend (which one of those the table takes depends on its layout; {@code
 * AffinityTableTest} covers that preference).
 */
final class AffinityTableModelTest {
  private static final List<String> IDS = List.of("a", "b", "c");

  sealed interface Action permits Open, Close, Advance, Sweep, SetState {}

  record Open(int key) implements Action {}

  record Close(int key, int which) implements Action {}

  record Advance(int millis) implements Action {}

  record Sweep() implements Action {}

  record SetState(int backend, Backend.State state) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> open = Arbitraries.integers().between(0, 11).map(Open::new);
    Arbitrary<Action> close =
        Arbitraries.integers().between(0, 11).flatMap(k -> Arbitraries.integers().between(0, 3).map(w -> new Close(k, w)));
    Arbitrary<Action> advance = Arbitraries.integers().between(1, 40).map(Advance::new);
    Arbitrary<Action> sweep = Arbitraries.just(new Sweep());
    Arbitrary<Action> setState = Arbitraries.integers().between(0, 2)
        .flatMap(b -> Arbitraries.of(Backend.State.class).map(s -> new SetState(b, s)));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, open),
            net.jqwik.api.Tuple.of(7, close),
            net.jqwik.api.Tuple.of(3, advance),
            net.jqwik.api.Tuple.of(1, sweep),
            net.jqwik.api.Tuple.of(1, setState))
        .list().ofMinSize(1).ofMaxSize(120);
  }

  @Property(tries = 300)
  void table_behavesLikeModel(
      @ForAll("actions") List<Action> actions,
      @ForAll @IntRange(min = 1, max = 16) int maximumSize,
      @ForAll @IntRange(min = 0, max = 60) int timeoutMillis) {
    FakeTicker ticker = new FakeTicker();
    BackendPool pool = BackendPool.of(
        IDS.stream().map(id -> Backend.of(id, "10.0.0." + (1 + IDS.indexOf(id)), 21)).toList());
    AffinityTable table = AffinityTable.builder()
        .backends(pool)
        .ticker(ticker)
        .policy(SelectionPolicy.roundRobin())
        .maximumSize(maximumSize)
        .persistenceTimeout(Duration.ofMillis(timeoutMillis))
        .build();
    Model model = new Model(maximumSize, timeoutMillis);
    Map<Integer, List<Routed>> open = new HashMap<>();

    for (Action action : actions) {
      ticker.advance(1, TimeUnit.MILLISECONDS);
      model.now++;
      if (action instanceof Open o) {
        Route route = table.open(key(o.key()));
        Route expected = model.open(o.key(), pool.snapshot());
        assertThat(describe(route)).as("open %s", o.key()).isEqualTo(describe(expected));
        if (route instanceof Routed routed) {
          open.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(routed);
        }
      } else if (action instanceof Close c) {
        List<Routed> handles = open.getOrDefault(c.key(), List.of());
        if (!handles.isEmpty()) {
          Routed routed = handles.remove(c.which() % handles.size());
          table.close(key(c.key()), routed);
          model.close(c.key(), routed);
        }
      } else if (action instanceof Advance a) {
        ticker.advance(a.millis(), TimeUnit.MILLISECONDS);
        model.now += a.millis();
      } else if (action instanceof Sweep) {
        assertThat(table.sweep()).isEqualTo(model.sweep(pool.snapshot()));
      } else if (action instanceof SetState s) {
        pool.setState(IDS.get(s.backend()), s.state());
        model.setState(IDS.get(s.backend()), s.state());
        assertThat(table.sweep()).isEqualTo(model.sweep(pool.snapshot()));
      }

      for (int k = 0; k < 12; k++) {
        int key = k;
        assertThat(table.lookup(key(key)).map(Backend::id)).as("lookup %s", key).isEqualTo(model.lookup(key));
        assertThat(table.entry(key(key)).map(AffinityEntry::liveConnections)).as("entry %s", key)
            .isEqualTo(model.lookup(key).map(id -> model.entries.get(key).count));
      }
      assertThat(table.size()).isEqualTo(model.entries.size());
      assertThat(table.stats()).isEqualTo(model.stats());
      for (String id : IDS) {
        long live = open.values().stream().flatMap(List::stream).filter(r -> r.backend().id().equals(id)).count();
        assertThat(pool.liveConnections(id)).as("connections of %s", id).isEqualTo(live);
      }
    }
  }

  private static ClientKey key(int k) {
    return ClientKey.ofIpv4(0x0A00_0100 + k, 32);
  }

  private static String describe(Route route) {
    return route instanceof Routed routed ? routed.backend().id() + " " + routed.outcome() : "none";
  }

  /** The reference: exact LRU over a map, round robin over the UP backends, incarnations per backend. */
  private static final class Model {
    final Map<Integer, Entry> entries = new LinkedHashMap<>();
    final Map<String, Integer> incarnation = new HashMap<>();
    final Map<String, Backend.State> state = new HashMap<>();
    final int maximumSize;
    final long timeout;
    long now;
    int roundRobin;
    long created;
    long hits;
    long expired;
    long evicted;
    long rebalanced;
    long unrecorded;

    static final class Entry {
      final String backend;
      final int incarnation;
      int count;
      long stamp;

      Entry(String backend, int incarnation, long stamp) {
        this.backend = backend;
        this.incarnation = incarnation;
        this.count = 1;
        this.stamp = stamp;
      }
    }

    Model(int maximumSize, long timeout) {
      this.maximumSize = maximumSize;
      this.timeout = timeout;
      for (String id : IDS) {
        incarnation.put(id, 1);
        state.put(id, Backend.State.UP);
      }
    }

    boolean dead(Entry e) {
      return state.get(e.backend) == Backend.State.DOWN || incarnation.get(e.backend) != e.incarnation;
    }

    boolean expired(Entry e) {
      return e.count == 0 && now - e.stamp >= timeout;
    }

    Route open(int k, BackendSet set) {
      Routed.Outcome outcome = Routed.Outcome.CREATED;
      Entry e = entries.get(k);
      if (e != null) {
        if (dead(e)) {
          entries.remove(k);
          rebalanced++;
          outcome = Routed.Outcome.REBALANCED;
        } else if (expired(e)) {
          entries.remove(k);
          expired++;
        } else {
          if (e.count++ == 0) {
            e.stamp = now;
          }
          hits++;
          return fake(e.backend, Routed.Outcome.EXISTING, set);
        }
      }
      List<String> up = IDS.stream().filter(id -> state.get(id) == Backend.State.UP).toList();
      if (up.isEmpty()) {
        return NoBackend.INSTANCE;
      }
      String chosen = up.get(Math.floorMod(roundRobin++, up.size()));
      if (entries.size() >= maximumSize) {
        Integer victim = null;
        for (Map.Entry<Integer, Entry> candidate : entries.entrySet()) {
          Entry v = candidate.getValue();
          if (v.count == 0 && (victim == null || v.stamp < entries.get(victim).stamp)) {
            victim = candidate.getKey();
          }
        }
        if (victim == null) {
          unrecorded++;
          return fake(chosen, Routed.Outcome.UNRECORDED, set);
        }
        if (expired(entries.remove(victim))) {
          expired++;
        } else {
          evicted++;
        }
      }
      entries.put(k, new Entry(chosen, incarnation.get(chosen), now));
      created++;
      return fake(chosen, outcome, set);
    }

    void close(int k, Routed routed) {
      Entry e = entries.get(k);
      if (routed.countsEntry() && e != null && e.backend.equals(routed.backend().id())
          && e.incarnation == modelIncarnationOf(routed) && e.count > 0) {
        if (--e.count == 0) {
          e.stamp = now;
        }
      }
    }

    /** The model's incarnation number for a handle: handles remember the pool's; map via the id's history. */
    int modelIncarnationOf(Routed routed) {
      return handleIncarnations.getOrDefault(routed.incarnation(), -1);
    }

    final Map<Integer, Integer> handleIncarnations = new HashMap<>();

    Optional<String> lookup(int k) {
      Entry e = entries.get(k);
      return e == null || dead(e) || expired(e) ? Optional.empty() : Optional.of(e.backend);
    }

    long sweep(BackendSet set) {
      long removed = 0;
      for (var it = entries.values().iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (dead(e)) {
          rebalanced++;
        } else if (expired(e)) {
          expired++;
        } else {
          continue;
        }
        it.remove();
        removed++;
      }
      return removed;
    }

    void setState(String id, Backend.State next) {
      Backend.State previous = state.put(id, next);
      if (previous == Backend.State.DOWN && next != Backend.State.DOWN) {
        incarnation.merge(id, 1, Integer::sum);
      }
    }

    AffinityStats stats() {
      return new AffinityStats(created, hits, expired, evicted, rebalanced, unrecorded);
    }

    /** A route for comparison by {@link #describe}; records which pool incarnation maps to the model's. */
    Route fake(String backend, Routed.Outcome outcome, BackendSet set) {
      BackendEntry entry = set.entry(backend);
      handleIncarnations.put(entry.incarnation(), incarnation.get(backend));
      return entry.routed(outcome);
    }
  }
}
