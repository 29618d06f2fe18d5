package io.github.ftproute.affinity.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.NoBackend;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.affinity.Selected;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RedisAffinityTable on a real redis-server: several tables on one store stand for several proxies. */
final class RedisAffinityTableTest {
  private static RedisServer redis;
  private static StatefulRedisConnection<String, String> connA;
  private static StatefulRedisConnection<String, String> connB;
  private static StatefulRedisConnection<String, String> connC;

  private final FakeTicker ticker = new FakeTicker();
  private final List<String> prefixes = new ArrayList<>();
  private static int tableCount;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    connA = redis.connect();
    connB = redis.connect();
    connC = redis.connect();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void flush() {
    assertThat(redis.command("FLUSHALL")).isEqualTo("+OK");
  }

  @AfterEach
  void noPausedServer() {
    redis.resume();
  }

  private static BackendPool pool() {
    return BackendPool.of(Backend.of("b1", "127.0.0.1", 2101), Backend.of("b2", "127.0.0.1", 2102),
        Backend.of("b3", "127.0.0.1", 2103));
  }

  /** A policy that always picks the candidate at {@code index}: instances with different ones disagree without a store. */
  private static SelectionPolicy always(int index) {
    return candidates -> key -> candidates.isEmpty() ? NoBackend.INSTANCE
        : candidates.select(Math.min(index, candidates.size() - 1));
  }

  /** A table with a timeout generous enough for a loaded test machine. */
  private RedisAffinityTable.Builder table(StatefulRedisConnection<String, String> conn, BackendPool pool) {
    return table(conn, pool, Duration.ofMillis(500));
  }

  private RedisAffinityTable.Builder table(
      StatefulRedisConnection<String, String> conn, BackendPool pool, Duration timeout) {
    return RedisAffinityTable.builder().connection(conn).backends(pool).ticker(ticker).timeout(timeout);
  }

  private static ClientKey client(int i) {
    return ClientKey.ofIpv4(0x7f00_0000 | (10 + i), 32);
  }

  private static Routed routed(Route route) {
    assertThat(route).isInstanceOf(Routed.class);
    return (Routed) route;
  }

  private static Backend maglevChoice(BackendPool pool, ClientKey key) {
    return ((Selected) SelectionPolicy.maglev().newSelector(pool.snapshot().candidates()).select(key)).backend();
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within 10 s: " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void open_threeInstances_clientMeetsOneBackendThroughAny() {
    RedisAffinityTable a = table(connA, pool()).policy(always(0)).build();
    RedisAffinityTable b = table(connB, pool()).policy(always(1)).build();
    RedisAffinityTable c = table(connC, pool()).policy(always(2)).build();
    List<RedisAffinityTable> tables = List.of(a, b, c);
    for (int i = 0; i < 30; i++) {
      ClientKey key = client(i);
      Backend first = null;
      for (int s = 0; s < 6; s++) {
        RedisAffinityTable t = tables.get((i + s) % 3);
        Routed r = routed(t.open(key));
        first = first == null ? r.backend() : first;
        assertThat(r.backend()).as("client %s session %s", i, s).isEqualTo(first);
        t.close(key, r);
      }
      // the first instance to see the client chose for all
      assertThat(first.id()).isEqualTo("b" + (1 + i % 3));
    }
    assertThat(a.redisStats().createdCount() + b.redisStats().createdCount() + c.redisStats().createdCount())
        .isEqualTo(30);
  }

  @Test
  void open_twoInstancesSameNewClientsAtOnce_alwaysAgree() throws Exception {
    BackendPool poolA = pool();
    BackendPool poolB = pool();
    RedisAffinityTable a = table(connA, poolA).policy(always(0)).build();
    RedisAffinityTable b = table(connB, poolB).policy(always(1)).build();
    int clients = 2000;
    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<String>> fromA = pool.submit(() -> openAll(a, clients, barrier));
      Future<List<String>> fromB = pool.submit(() -> openAll(b, clients, barrier));
      List<String> backendsA = fromA.get(60, TimeUnit.SECONDS);
      List<String> backendsB = fromB.get(60, TimeUnit.SECONDS);
      assertThat(backendsA).isEqualTo(backendsB);
      // both policies were asked, each won some races, and exactly one entry was made per client
      assertThat(backendsA).contains("b1", "b2");
      assertThat(a.redisStats().createdCount() + b.redisStats().createdCount()).isEqualTo(clients);
      assertThat(a.redisStats().storeHitCount() + b.redisStats().storeHitCount()).isEqualTo(clients);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static List<String> openAll(AffinityTable table, int clients, CyclicBarrier barrier) throws Exception {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      if (i % 50 == 0) {
        barrier.await(30, TimeUnit.SECONDS);
      }
      out.add(routed(table.open(ClientKey.ofIpv4(0x0a00_0000 + i, 32))).backend().id());
    }
    return out;
  }

  @Test
  void open_nearHit_makesNoRemoteCall() {
    RedisAffinityTable a = table(connA, pool()).build();
    ClientKey key = client(1);
    Routed first = routed(a.open(key));
    a.close(key, first);
    long calls = a.redisStats().remoteCallCount();
    long evalshas = redis.callsOf("evalsha") + redis.callsOf("eval") + redis.callsOf("get");
    for (int i = 0; i < 100; i++) {
      Routed r = routed(a.open(key));
      assertThat(r.backend()).isEqualTo(first.backend());
      assertThat(r.outcome()).isEqualTo(Routed.Outcome.EXISTING);
      a.close(key, r);
      ticker.advance(Duration.ofSeconds(1));
    }
    assertThat(a.redisStats().remoteCallCount()).isEqualTo(calls);
    assertThat(a.redisStats().nearHitCount()).isEqualTo(100);
    assertThat(redis.callsOf("evalsha") + redis.callsOf("eval") + redis.callsOf("get")).isEqualTo(evalshas);
    assertThat(a.backends().liveConnections(first.backend().id())).isZero();
  }

  @Test
  void open_nearEntryIdlePastItsDeadline_asksTheStore() {
    RedisAffinityTable a = table(connA, pool()).nearCacheIdle(Duration.ofSeconds(10)).build();
    ClientKey key = client(2);
    a.close(key, routed(a.open(key)));
    long calls = a.redisStats().remoteCallCount();
    ticker.advance(Duration.ofSeconds(10));
    Routed r = routed(a.open(key));
    assertThat(r.outcome()).isEqualTo(Routed.Outcome.EXISTING);
    assertThat(a.redisStats().remoteCallCount()).isEqualTo(calls + 1);
    assertThat(a.redisStats().storeHitCount()).isEqualTo(1);
  }

  @Test
  void nearCache_seesAnotherInstancesRebalanceAfterItsIdleDeadline() {
    BackendPool poolA = pool();
    BackendPool poolB = pool();
    RedisAffinityTable a = table(connA, poolA).policy(always(0)).nearCacheIdle(Duration.ofSeconds(5)).build();
    RedisAffinityTable b = table(connB, poolB).policy(always(1)).build();
    ClientKey key = client(3);
    a.close(key, routed(a.open(key))); // b1
    poolB.setState("b1", Backend.State.DOWN);
    Routed moved = routed(b.open(key));
    assertThat(moved.backend().id()).isEqualTo("b3"); // candidate 1 of b2, b3
    assertThat(moved.outcome()).isEqualTo(Routed.Outcome.REBALANCED);
    b.close(key, moved);
    Routed stale = routed(a.open(key));
    assertThat(stale.backend().id()).as("fresh near entry, no call").isEqualTo("b1");
    a.close(key, stale);
    ticker.advance(Duration.ofSeconds(5));
    Routed asked = routed(a.open(key));
    assertThat(asked.backend().id()).as("past the idle deadline: the store's entry").isEqualTo("b3");
    assertThat(asked.outcome()).isEqualTo(Routed.Outcome.EXISTING);
  }

  @Test
  void entry_expiresPersistenceTimeoutAfterLastActivity() throws Exception {
    RedisAffinityTable a = table(connA, pool()).persistenceTimeout(Duration.ofMillis(300))
        .nearCacheIdle(Duration.ZERO.plusMillis(100)).leaseTime(Duration.ofMillis(300)).build();
    RedisAffinityTable b = table(connB, pool()).build();
    ClientKey key = client(4);
    Routed r = routed(a.open(key));
    a.close(key, r);
    assertThat(b.lookup(key)).contains(r.backend());
    await("entry expired in the store", () -> b.lookup(key).isEmpty());
    assertThat(redis.command("EXISTS", "ftproute:e:" + key)).isEqualTo(":0");
  }

  @Test
  void entry_withLiveConnections_outlivesPersistenceTimeoutWhileLeasesAreRenewed() throws Exception {
    RedisAffinityTable a = table(connA, pool()).persistenceTimeout(Duration.ofMillis(200))
        .nearCacheIdle(Duration.ofMillis(50)).leaseTime(Duration.ofSeconds(3)).build();
    RedisAffinityTable b = table(connB, pool()).policy(always(2)).build();
    ClientKey key = client(5);
    Routed r = routed(a.open(key));
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    while (System.nanoTime() - end < 0) {
      a.sweep();
      assertThat(b.lookup(key)).contains(r.backend());
      Thread.sleep(50);
    }
    // the last connection closes: the entry idles out after the persistence timeout (the lease is
    // no longer renewed) and the next sweep lets the store forget it
    a.close(key, r);
    a.sweep();
    long pttl = Long.parseLong(redis.command("PTTL", "ftproute:e:" + key).substring(1));
    assertThat(pttl).isPositive();
  }

  @Test
  void crashedInstance_leaseRunsOut_entryExpires() throws Exception {
    RedisAffinityTable a = table(connA, pool()).persistenceTimeout(Duration.ofMillis(100))
        .nearCacheIdle(Duration.ofMillis(50)).leaseTime(Duration.ofMillis(500)).build();
    RedisAffinityTable b = table(connB, pool()).build();
    ClientKey key = client(6);
    Routed r = routed(a.open(key));
    a.sweep(); // a renews its lease once, then "crashes": no close, no sweep
    assertThat(b.lookup(key)).contains(r.backend());
    await("the crashed instance's lease ran out", () -> b.lookup(key).isEmpty());
  }

  @Test
  void backendDown_sweepDropsExactlyItsEntries() {
    BackendPool poolA = pool();
    RedisAffinityTable a = table(connA, poolA).policy(SelectionPolicy.roundRobin()).build();
    RedisAffinityTable b = table(connB, pool()).policy(always(2)).build();
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Routed r = routed(a.open(client(i)));
      before.add(r.backend().id());
      a.close(client(i), r);
    }
    assertThat(before).contains("b1", "b2", "b3");
    assertThat(redis.command("ZCARD", "ftproute:b:b1")).isEqualTo(":10");
    poolA.setState("b1", Backend.State.DOWN);
    a.sweep();
    assertThat(a.redisStats().droppedCount()).isEqualTo(10);
    assertThat(redis.command("ZCARD", "ftproute:b:b1")).isEqualTo(":0");
    for (int i = 0; i < 30; i++) {
      Optional<Backend> now = b.lookup(client(i));
      if (before.get(i).equals("b1")) {
        assertThat(now).as("client %s", i).isEmpty();
        assertThat(routed(b.open(client(i))).backend().id()).isEqualTo("b3");
      } else {
        assertThat(now.map(Backend::id)).as("client %s", i).contains(before.get(i));
      }
    }
  }

  @Test
  void storeKilled_routesByMaglevAndStoreBack_sharingResumes() throws Exception {
    BackendPool poolA = pool();
    RedisAffinityTable a = table(connA, poolA, Duration.ofMillis(5)).policy(always(0)).build();
    RedisAffinityTable b = table(connB, pool(), Duration.ofMillis(5)).policy(always(1)).build();
    ClientKey known = client(1);
    Routed knownRoute = routed(a.open(known)); // b1, confirmed by the store
    redis.kill();
    try {
      List<Routed> live = new ArrayList<>();
      for (int i = 10; i < 40; i++) {
        ClientKey key = client(i);
        Routed r = routed(a.open(key));
        assertThat(r.outcome()).isEqualTo(Routed.Outcome.UNRECORDED);
        assertThat(r.backend()).isEqualTo(maglevChoice(poolA, key));
        Routed rb = routed(b.open(key));
        assertThat(rb.backend()).isEqualTo(r.backend());
        live.add(r);
        b.close(key, rb);
      }
      assertThat(a.isStoreSuspended()).isTrue();
      long calls = a.redisStats().remoteCallCount();
      // the live client keeps its backend; routing makes no call while the breaker is open
      Routed again = routed(a.open(known));
      assertThat(again.backend()).isEqualTo(knownRoute.backend());
      a.close(known, again);
      assertThat(routed(a.open(client(99))).backend()).isEqualTo(maglevChoice(poolA, client(99)));
      assertThat(a.redisStats().remoteCallCount()).isEqualTo(calls);
      assertThat(a.redisStats().fallbackCount()).isGreaterThanOrEqualTo(31);
      assertThat(a.redisStats().storeErrorCount()).isGreaterThanOrEqualTo(3);

      redis.restart();
      ticker.advance(Duration.ofSeconds(31)); // past the longest back-off
      await("a's sweep probes the store and closes the breaker", () -> {
        a.sweep();
        ticker.advance(Duration.ofSeconds(31));
        return !a.isStoreSuspended();
      });
      // the live fallback clients were written back by the sweep: every instance now agrees
      for (int i = 10; i < 40; i++) {
        assertThat(b.lookup(client(i))).as("client %s", i).contains(live.get(i - 10).backend());
      }
      // and new clients are shared again: b's policy decides for a
      await("b reconnected", () -> b.lookup(client(10)).isPresent());
      ClientKey fresh = client(200);
      Routed viaB = routed(b.open(fresh));
      assertThat(viaB.backend().id()).isEqualTo("b2");
      assertThat(routed(a.open(fresh)).backend().id()).isEqualTo("b2");
    } finally {
      if (!isUp()) {
        redis.restart();
      }
    }
  }

  @Test
  void storePaused_routingFallsBackWithinTheTimeout_thenRecovers() throws Exception {
    BackendPool poolA = pool();
    RedisAffinityTable a = table(connA, poolA, Duration.ofMillis(5)).policy(always(0)).build();
    redis.pause();
    try {
      for (int i = 0; i < 5; i++) {
        ClientKey key = client(50 + i);
        Routed r = routed(a.open(key));
        assertThat(r.outcome()).isEqualTo(Routed.Outcome.UNRECORDED);
        assertThat(r.backend()).isEqualTo(maglevChoice(poolA, key));
      }
      assertThat(a.isStoreSuspended()).isTrue();
      assertThat(a.redisStats().storeErrorCount()).isEqualTo(3);
    } finally {
      redis.resume();
    }
    ticker.advance(Duration.ofSeconds(31));
    Routed r = routed(a.open(client(60)));
    assertThat(r.outcome()).isEqualTo(Routed.Outcome.CREATED);
    assertThat(r.backend().id()).isEqualTo("b1");
    assertThat(a.isStoreSuspended()).isFalse();
  }

  @Test
  void close_keepsPoolConnectionCountsRight() {
    BackendPool poolA = pool();
    RedisAffinityTable a = table(connA, poolA).build();
    List<Routed> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      open.add(routed(a.open(client(i % 3))));
    }
    long total = poolA.snapshot().backends().stream().mapToLong(bk -> poolA.liveConnections(bk.id())).sum();
    assertThat(total).isEqualTo(10);
    assertThat(a.entry(client(0)).orElseThrow().liveConnections()).isEqualTo(4);
    for (int i = 0; i < 10; i++) {
      a.close(client(i % 3), open.get(i));
    }
    total = poolA.snapshot().backends().stream().mapToLong(bk -> poolA.liveConnections(bk.id())).sum();
    assertThat(total).isZero();
    assertThat(a.entry(client(0)).orElseThrow().liveConnections()).isZero();
  }

  @Test
  void nearCache_isBounded_evictsIdleEntries() {
    RedisAffinityTable a = table(connA, pool()).maximumSize(8).build();
    for (int i = 0; i < 40; i++) {
      a.close(client(i), routed(a.open(client(i))));
    }
    assertThat(a.size()).isLessThanOrEqualTo(8);
    assertThat(a.stats().evictedCount()).isEqualTo(32);
  }

  @Test
  void noCandidate_noEntry_noBackend() {
    BackendPool p = pool();
    for (Backend bk : p.snapshot().backends()) {
      p.setState(bk.id(), Backend.State.DRAINING);
    }
    RedisAffinityTable a = table(connA, p).build();
    assertThat(a.open(client(1))).isEqualTo(NoBackend.INSTANCE);
  }

  private static boolean isUp() {
    try {
      return redis.command("PING").equals("+PONG");
    } catch (RuntimeException e) {
      return false;
    }
  }
}
