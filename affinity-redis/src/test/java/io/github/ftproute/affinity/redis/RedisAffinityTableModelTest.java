package io.github.ftproute.affinity.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.NoBackend;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A stateful property: random sequences of opens and closes on two instances, clock advances past
 * the near cache's idle deadline, sweeps, and a backend going DOWN and coming back on both, run
 * against two tables on one real redis-server and against a model (a {@code HashMap} of client to
 * backend, plus each instance's live connections per client), compared after every step.
 *
 * <p>The instances' policies always disagree (A picks the first candidate, B the last), so only the
 * store makes them agree. The persistence timeout is an hour, so no store entry expires during a
 * run; the near cache's idle deadline is on the fake clock.
 */
final class RedisAffinityTableModelTest {
  private static final List<String> IDS = List.of("a", "b", "c");
  private static RedisServer redis;
  private static StatefulRedisConnection<String, String> connA;
  private static StatefulRedisConnection<String, String> connB;

  sealed interface Action permits Open, Close, Advance, Sweep, Down, Up {}

  record Open(int instance, int key) implements Action {}

  record Close(int instance, int key) implements Action {}

  record Advance(int seconds) implements Action {}

  record Sweep(int instance) implements Action {}

  record Down(int backend) implements Action {}

  record Up(int backend) implements Action {}

  @BeforeContainer
  static void startRedis() {
    redis = RedisServer.start();
    connA = redis.connect();
    connB = redis.connect();
  }

  @AfterContainer
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> instance = Arbitraries.integers().between(0, 1);
    Arbitrary<Integer> key = Arbitraries.integers().between(0, 5);
    Arbitrary<Integer> backend = Arbitraries.integers().between(0, 2);
    Arbitrary<Action> action = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, net.jqwik.api.Combinators.combine(instance, key).as(Open::new)),
        net.jqwik.api.Tuple.of(4, net.jqwik.api.Combinators.combine(instance, key).as(Close::new)),
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 90).map(Advance::new)),
        net.jqwik.api.Tuple.of(1, instance.map(Sweep::new)),
        net.jqwik.api.Tuple.of(1, backend.map(Down::new)),
        net.jqwik.api.Tuple.of(1, backend.map(Up::new)));
    return action.list().ofMinSize(1).ofMaxSize(40);
  }

  @Property(tries = 40)
  void tablesOnOneStore_matchTheModel(@ForAll("actions") List<Action> actions) {
    redis.command("FLUSHALL");
    FakeTicker ticker = new FakeTicker();
    List<BackendPool> pools = List.of(pool(), pool());
    List<RedisAffinityTable> tables = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int pick = i;
      tables.add(RedisAffinityTable.builder()
          .connection(i == 0 ? connA : connB)
          .backends(pools.get(i))
          .policy(c -> k -> c.isEmpty() ? NoBackend.INSTANCE : c.select(pick == 0 ? 0 : c.size() - 1))
          .persistenceTimeout(Duration.ofHours(1))
          .nearCacheIdle(Duration.ofMinutes(1))
          .timeout(Duration.ofSeconds(2))
          .ticker(ticker)
          .build());
    }
    Map<Integer, String> model = new HashMap<>();
    Map<String, Boolean> up = new HashMap<>(Map.of("a", true, "b", true, "c", true));
    List<Map<Integer, List<Routed>>> open = List.of(new HashMap<>(), new HashMap<>());

    for (Action action : actions) {
      if (action instanceof Open o) {
        RedisAffinityTable t = tables.get(o.instance);
        String stored = model.get(o.key);
        List<String> candidates = IDS.stream().filter(up::get).toList();
        String expected = stored != null && up.get(stored) ? stored
            : candidates.isEmpty() ? null : o.instance == 0 ? candidates.get(0) : candidates.get(candidates.size() - 1);
        var route = t.open(key(o.key));
        if (expected == null) {
          assertThat(route).as("%s", action).isEqualTo(NoBackend.INSTANCE);
          model.remove(o.key);
        } else {
          assertThat(route).as("%s", action).isInstanceOf(Routed.class);
          Routed r = (Routed) route;
          assertThat(r.backend().id()).as("%s", action).isEqualTo(expected);
          model.put(o.key, expected);
          open.get(o.instance).computeIfAbsent(o.key, k -> new ArrayList<>()).add(r);
        }
      } else if (action instanceof Close c) {
        List<Routed> list = open.get(c.instance).get(c.key);
        if (list != null && !list.isEmpty()) {
          tables.get(c.instance).close(key(c.key), list.remove(list.size() - 1));
        }
      } else if (action instanceof Advance a) {
        ticker.advance(Duration.ofSeconds(a.seconds));
      } else if (action instanceof Sweep s) {
        tables.get(s.instance).sweep();
      } else if (action instanceof Down d) {
        String id = IDS.get(d.backend);
        if (up.get(id)) {
          pools.forEach(p -> p.setState(id, Backend.State.DOWN));
          up.put(id, false);
          tables.get(0).sweep(); // drops its entries from the store
          model.values().removeIf(id::equals);
        }
      } else if (action instanceof Up u) {
        String id = IDS.get(u.backend);
        if (!up.get(id)) {
          pools.forEach(p -> p.setState(id, Backend.State.UP));
          up.put(id, true);
        }
      }
      // after every step: live connections per instance, and the pools' counts
      for (int i = 0; i < 2; i++) {
        for (Map.Entry<Integer, List<Routed>> e : open.get(i).entrySet()) {
          long live = e.getValue().stream().filter(r -> up.get(r.backend().id())
              && r.backend().id().equals(model.get(e.getKey()))).count();
          if (live > 0) {
            assertThat(tables.get(i).entry(key(e.getKey())).orElseThrow().liveConnections())
                .as("instance %s key %s after %s", i, e.getKey(), action).isEqualTo((int) live);
          }
        }
        for (String id : IDS) {
          long expected = open.get(i).values().stream().flatMap(List::stream)
              .filter(r -> r.backend().id().equals(id)).count();
          assertThat(pools.get(i).liveConnections(id)).as("instance %s backend %s", i, id).isEqualTo(expected);
        }
      }
    }
  }

  private static BackendPool pool() {
    return BackendPool.of(Backend.of("a", "127.0.0.1", 2101), Backend.of("b", "127.0.0.1", 2102),
        Backend.of("c", "127.0.0.1", 2103));
  }

  private static ClientKey key(int i) {
    return ClientKey.ofIpv4(0x0a00_0000 | i, 32);
  }
}
