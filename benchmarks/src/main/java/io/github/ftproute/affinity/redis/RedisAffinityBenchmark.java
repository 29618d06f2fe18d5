package io.github.ftproute.affinity.redis;

import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The shared table's two paths against the in-process table, on a real {@code redis-server} that the
 * benchmark starts on loopback ({@code /usr/bin/redis-server}, no persistence) and kills at the end.
 *
 * <ul>
 *   <li>{@code hit}: a connection of one of 10,000 resident idle clients opened and closed, random
 *       client per call. {@code local}: {@link AffinityTable#builder()}; {@code redis}: {@link
 *       RedisAffinityTable} whose near cache holds every resident (fresh: a near hit, no call to the
 *       store). Both on the system ticker, so both read the clock once to check the idle entry's
 *       expiry, and once at the close of its last connection.
 *   <li>{@code remote}: the same with the near cache's idle deadline at 0, so every open is one
 *       get-or-assign script on the store ({@code EVALSHA}, the entry existing): the round trip that
 *       a new client, or one idle longer than the near deadline, costs. Average time per call.
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar RedisAffinityBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s \
 *     -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Benchmark)
public class RedisAffinityBenchmark {
  static final int RESIDENTS = 10_000;

  @Param({"local", "redis"})
  public String impl;

  private Process server;
  private RedisClient client;
  private StatefulRedisConnection<String, String> connection;
  private AffinityTable table;
  private AffinityTable remoteTable;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    BackendPool pool = BackendPool.of(Backend.of("b1", "127.0.0.1", 2101), Backend.of("b2", "127.0.0.1", 2102),
        Backend.of("b3", "127.0.0.1", 2103));
    if (impl.equals("local")) {
      table = AffinityTable.builder().backends(pool).policy(io.github.ftproute.routing.affinity.SelectionPolicy.maglev())
          .build();
      remoteTable = table;
    } else {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      server = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no").redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectErrorStream(true).start();
      awaitListening(port);
      client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + port));
      client.setOptions(ClientOptions.builder()
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
      connection = client.connect();
      connection.sync().flushall();
      table = RedisAffinityTable.builder().connection(connection).backends(pool).timeout(Duration.ofSeconds(1))
          .build();
      remoteTable = RedisAffinityTable.builder().connection(connection).backends(pool).timeout(Duration.ofSeconds(1))
          .nearCacheIdle(Duration.ZERO).keyPrefix("bench-remote:").build();
    }
    for (int i = 0; i < RESIDENTS; i++) {
      touch(table, i);
      touch(remoteTable, i);
    }
  }

  private static void touch(AffinityTable t, int i) {
    Route r = t.openIpv4(address(i), 32);
    t.closeIpv4(address(i), 32, (Routed) r);
  }

  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("redis-server did not listen on " + port);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (connection != null) {
      connection.close();
      client.shutdown();
    }
    if (server != null) {
      server.destroyForcibly();
    }
  }

  static int address(int i) {
    return 0x0a00_0000 + i;
  }

  /** A thread's random resident. */
  @State(Scope.Thread)
  public static class Clients {
    private int x = (int) System.nanoTime() | 1;

    int next() {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return Math.floorMod(x, RESIDENTS);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Routed hit(Clients clients) {
    int a = address(clients.next());
    Routed r = (Routed) table.openIpv4(a, 32);
    table.closeIpv4(a, 32, r);
    return r;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Routed remote(Clients clients) {
    int a = address(clients.next());
    Routed r = (Routed) remoteTable.openIpv4(a, 32);
    remoteTable.closeIpv4(a, 32, r);
    return r;
  }
}
