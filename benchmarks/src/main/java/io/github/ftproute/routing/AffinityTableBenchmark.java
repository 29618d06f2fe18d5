package io.github.ftproute.routing;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.github.ftproute.core.CoarseTicker;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Client-IP affinity at 1,000,000 resident IPv4 clients: a table of 1,000,000 entries, and random
 * clients looked up ({@code lookup}) or routed ({@code route}: 90% resident clients, 10% clients never
 * seen, which the full table must make room for).
 *
 * <ul>
 *   <li>{@code ftproute}: {@link AffinityTable#lookupIpv4} / {@link AffinityTable#openIpv4} then
 *       {@link AffinityTable#closeIpv4} (a connection routed and ended), with the system ticker; the
 *       residents are idle (no live connection), so every lookup reads the clock to check expiry;
 *   <li>{@code ftproute-connected}: the same, but each resident keeps one connection open (an FTP
 *       client whose control connection is up, as when its data connections arrive), so no lookup
 *       needs the clock. Lookup only: a full table of connected clients has nothing to evict;
 *   <li>{@code ftproute-coarse}: the same with {@link io.github.ftproute.core.CoarseTicker} over the
 *       system ticker, refreshed every 1 ms by a scheduler thread of the benchmark's own (as an
 *       embedder would: the library has no threads), so every lookup of an idle entry still checks
 *       expiry, against a time read from memory instead of {@code System.nanoTime()};
 *   <li>{@code caffeine} and {@code guava}: {@code Cache<Integer, Backend>} with expire-after-access
 *       300 s and maximum size 1,000,000, the system ticker; {@code getIfPresent} / {@code get(key,
 *       loader)};
 *   <li>{@code chm}: {@code ConcurrentHashMap<Integer, Backend>}, no expiry and no bound: the
 *       reference for {@code lookup} only ({@code route} would grow it without end; {@code run.sh}
 *       leaves it out).
 * </ul>
 *
 * <p>Clients are {@code mix(i)} for a bijection {@code mix} of 32-bit integers: residents are {@code i
 * < 1,000,000}, newcomers count up from there, so no array of keys is read on the timed path. Run
 * with {@code -t 1} and {@code -t 2}:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar AffinityTableBenchmark -t 2 -prof gc \
 *     -jvmArgs "-Xms4g -Xmx4g -XX:+AlwaysPreTouch"
 * </pre>
 *
 * <p>The lookup rows of issue 14 (system ticker and coarse ticker against {@code ConcurrentHashMap}),
 * one run per thread count:
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'AffinityTableBenchmark.lookup' \
 *     -p impl=ftproute,ftproute-coarse,chm -t 1 -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc \
 *     -jvmArgs "-Xms2g -Xmx2g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AffinityTableBenchmark {
  static final int RESIDENTS = 1_000_000;
  static final Duration TIMEOUT = Duration.ofSeconds(300);

  @Param({"ftproute", "ftproute-connected", "ftproute-coarse", "caffeine", "guava", "chm"})
  public String impl;

  private Subject subject;

  /** One implementation under test. */
  interface Subject {
    /** Returns the backend of a client, or null. */
    Object lookup(int client);

    /** Routes one connection of a client, creating its entry if it has none, and ends it. */
    Object route(int client);

    /** Makes a client resident. */
    default void populate(int client) {
      route(client);
    }
  }

  private static final Backend[] BACKENDS = new Backend[8];

  static {
    for (int i = 0; i < BACKENDS.length; i++) {
      BACKENDS[i] = Backend.of("backend-" + i, "127.0.0." + (i + 2), 21);
    }
  }

  /** Returns a new, empty instance of the implementation named by {@link #impl}. */
  Subject newSubject() {
    Backend[] backends = BACKENDS;
    return switch (impl) {
      case "ftproute" -> new Ours(backends, Ticker.systemTicker(), false);
      case "ftproute-connected" -> new Ours(backends, Ticker.systemTicker(), true);
      case "ftproute-coarse" -> new Ours(backends, coarseTicker(), false);
      case "caffeine" -> new CaffeineSubject(backends);
      case "guava" -> new GuavaSubject(backends);
      case "chm" -> new MapSubject(backends);
      default -> throw new IllegalArgumentException(impl);
    };
  }

  @Setup(Level.Trial)
  public void setUp() {
    subject = newSubject();
    for (int i = 0; i < RESIDENTS; i++) {
      subject.populate(mix(i));
    }
  }

  /** Stops the coarse ticker's refresh, if this trial started one. */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (refresher != null) {
      refresher.shutdownNow();
      refresher.awaitTermination(10, TimeUnit.SECONDS);
      refresher = null;
    }
  }

  /** Refreshes the coarse ticker, for {@code ftproute-coarse} only; else null. */
  private ScheduledExecutorService refresher;

  /**
   * Returns a {@link CoarseTicker} over the system ticker that a daemon thread of this benchmark
   * refreshes every millisecond, as an embedder's scheduler or event loop would.
   */
  private CoarseTicker coarseTicker() {
    CoarseTicker ticker = CoarseTicker.create();
    refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "coarse-ticker");
      thread.setDaemon(true);
      return thread;
    });
    refresher.scheduleAtFixedRate(ticker::tick, 1, 1, TimeUnit.MILLISECONDS);
    return ticker;
  }

  /** Per-thread random numbers and the next newcomer. */
  @State(Scope.Thread)
  public static class Clients {
    private static final AtomicInteger threads = new AtomicInteger();

    private long seed = System.nanoTime() | 1;
    /** Threads count newcomers in disjoint blocks of 100,000,000. */
    private int newcomer = RESIDENTS + threads.getAndIncrement() * 100_000_000;

    int nextResident() {
      return mix((int) ((nextRandom() >>> 32) * RESIDENTS >>> 32));
    }

    boolean tenPercent() {
      return (nextRandom() >>> 40) % 10 == 0;
    }

    int nextNewcomer() {
      return mix(++newcomer);
    }

    private long nextRandom() {
      long x = seed;
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      seed = x;
      return x;
    }
  }

  /** A bijection of the 32-bit integers that scatters consecutive indices. */
  static int mix(int i) {
    int x = i * 0x9E3779B1;
    x ^= x >>> 16;
    x *= 0x85EBCA6B;
    return x ^ (x >>> 13);
  }

  @Benchmark
  public Object lookup(Clients clients) {
    return subject.lookup(clients.nextResident());
  }

  @Benchmark
  public Object route(Clients clients) {
    return subject.route(clients.tenPercent() ? clients.nextNewcomer() : clients.nextResident());
  }

  static final class Ours implements Subject {
    private final AffinityTable table;
    private final boolean connected;

    Ours(Backend[] backends, Ticker ticker, boolean connected) {
      this.connected = connected;
      table = AffinityTable.builder()
          .backends(BackendPool.of(backends))
          .policy(SelectionPolicy.maglev())
          .persistenceTimeout(TIMEOUT)
          .maximumSize(RESIDENTS)
          .ticker(ticker)
          .build();
    }

    @Override
    public void populate(int client) {
      if (connected) {
        table.openIpv4(client, 32); // and never closed
      } else {
        route(client);
      }
    }

    @Override
    public Object lookup(int client) {
      Optional<Backend> backend = table.lookupIpv4(client, 32);
      return backend.orElse(null);
    }

    @Override
    public Object route(int client) {
      Route route = table.openIpv4(client, 32);
      if (route instanceof Routed routed) {
        table.closeIpv4(client, 32, routed);
        return routed.backend();
      }
      return route;
    }
  }

  static final class CaffeineSubject implements Subject {
    private final Backend[] backends;
    private final com.github.benmanes.caffeine.cache.Cache<Integer, Backend> cache;

    CaffeineSubject(Backend[] backends) {
      this.backends = backends;
      this.cache = Caffeine.newBuilder()
          .expireAfterAccess(TIMEOUT)
          .maximumSize(RESIDENTS)
          .build();
    }

    @Override
    public Object lookup(int client) {
      return cache.getIfPresent(client);
    }

    @Override
    public Object route(int client) {
      return cache.get(client, key -> backends[Math.floorMod(key, backends.length)]);
    }

    /** Runs pending maintenance, so a measurement sees the settled structure. */
    void cleanUp() {
      cache.cleanUp();
    }
  }

  static final class GuavaSubject implements Subject {
    private final Backend[] backends;
    private final Cache<Integer, Backend> cache;

    GuavaSubject(Backend[] backends) {
      this.backends = backends;
      this.cache = CacheBuilder.newBuilder()
          .expireAfterAccess(TIMEOUT)
          .maximumSize(RESIDENTS)
          .build();
    }

    @Override
    public Object lookup(int client) {
      return cache.getIfPresent(client);
    }

    @Override
    public Object route(int client) {
      try {
        return cache.get(client, () -> backends[Math.floorMod(client, backends.length)]);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static final class MapSubject implements Subject {
    private final Backend[] backends;
    private final ConcurrentHashMap<Integer, Backend> map = new ConcurrentHashMap<>();

    MapSubject(Backend[] backends) {
      this.backends = backends;
    }

    @Override
    public Object lookup(int client) {
      return map.get(client);
    }

    @Override
    public Object route(int client) {
      return map.computeIfAbsent(client, key -> backends[Math.floorMod(key, backends.length)]);
    }
  }
}
