package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.FakeTicker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Many threads opening and closing connections of overlapping keys; no sleeps, all threads joined. */
final class AffinityTableConcurrencyTest {
  private static final int THREADS = 4;

  private final ExecutorService executor = Executors.newFixedThreadPool(THREADS + 1);
  private final FakeTicker ticker = new FakeTicker();
  private final BackendPool pool = BackendPool.of(
      Backend.of("a", "10.0.0.1", 21), Backend.of("b", "10.0.0.2", 21), Backend.of("c", "10.0.0.3", 21));

  @AfterEach
  void stopThreads() throws InterruptedException {
    executor.shutdownNow();
    assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void overlappingKeys_keysStickAndCountsReturnToZero() throws Exception {
    // No expiry, no eviction: once a key has an entry its backend never changes. 3,000 keys in one
    // stripe make the stripe rehash several times while lock-free hits and closes run.
    AffinityTable table = AffinityTable.builder()
        .backends(pool).ticker(ticker).policy(SelectionPolicy.roundRobin()).maximumSize(4_000).build();
    Map<ClientKey, Backend> firstBackend = new ConcurrentHashMap<>();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Callable<Void>> workers = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      long seed = w;
      workers.add(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        Deque<ClientKey> keys = new ArrayDeque<>();
        Deque<Routed> handles = new ArrayDeque<>();
        start.await();
        for (int i = 0; i < 40_000; i++) {
          if (handles.isEmpty() || (handles.size() < 6 && random.nextBoolean())) {
            ClientKey key = key(random.nextInt(i < 20_000 ? 3_000 : 64));
            Routed routed = (Routed) table.open(key);
            Backend first = firstBackend.putIfAbsent(key, routed.backend());
            assertThat(routed.backend()).isEqualTo(first == null ? routed.backend() : first);
            keys.push(key);
            handles.push(routed);
          } else {
            table.close(keys.pop(), handles.pop());
          }
        }
        while (!handles.isEmpty()) {
          table.close(keys.pop(), handles.pop());
        }
        return null;
      });
    }

    for (Future<Void> done : executor.invokeAll(workers)) {
      done.get();
    }

    assertThat(table.stats().createdCount()).isEqualTo(firstBackend.size());
    assertThat(table.size()).isEqualTo(firstBackend.size());
    for (ClientKey key : firstBackend.keySet()) {
      assertThat(table.entry(key)).contains(new AffinityEntry(key, firstBackend.get(key), 0));
    }
    for (String id : List.of("a", "b", "c")) {
      assertThat(pool.liveConnections(id)).isZero();
    }
  }

  @Test
  void evictionExpiryAndBackendFlaps_countsReturnToZero() throws Exception {
    AffinityTable table = AffinityTable.builder()
        .backends(pool).ticker(ticker).maximumSize(50).persistenceTimeout(Duration.ofMillis(5)).build();
    CyclicBarrier start = new CyclicBarrier(THREADS + 1);
    AtomicBoolean running = new AtomicBoolean(true);
    List<Callable<Void>> workers = new ArrayList<>();
    for (int w = 0; w < THREADS; w++) {
      long seed = 100 + w;
      workers.add(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        Deque<ClientKey> keys = new ArrayDeque<>();
        Deque<Routed> handles = new ArrayDeque<>();
        start.await();
        for (int i = 0; i < 30_000; i++) {
          if (handles.isEmpty() || (handles.size() < 4 && random.nextBoolean())) {
            ClientKey key = key(random.nextInt(200));
            if (table.open(key) instanceof Routed routed) {
              keys.push(key);
              handles.push(routed);
            }
          } else {
            table.close(keys.pop(), handles.pop());
          }
          assertThat(table.size()).isLessThanOrEqualTo(50);
        }
        while (!handles.isEmpty()) {
          table.close(keys.pop(), handles.pop());
        }
        return null;
      });
    }
    Future<?> flapper = executor.submit(() -> {
      start.await();
      Backend.State[] states = Backend.State.values();
      for (int i = 0; running.get(); i++) {
        pool.setState("a", states[i % states.length]);
        ticker.advance(1, TimeUnit.MILLISECONDS);
        table.sweep();
      }
      pool.setState("a", Backend.State.UP);
      return null;
    });

    try {
      for (Future<Void> done : executor.invokeAll(workers)) {
        done.get();
      }
    } finally {
      running.set(false);
    }
    flapper.get();

    for (String id : List.of("a", "b", "c")) {
      assertThat(pool.liveConnections(id)).isZero();
    }
    for (int k = 0; k < 200; k++) {
      assertThat(table.entry(key(k)).map(AffinityEntry::liveConnections).orElse(0)).isZero();
    }
    assertThat(table.size()).isLessThanOrEqualTo(50);
    ticker.advance(1, TimeUnit.SECONDS);
    table.sweep();
    assertThat(table.size()).isZero();
  }

  private static ClientKey key(int k) {
    return k % 7 == 0
        ? ClientKey.ofIpv6(0x2001_0db8_0000_0000L, k, 128)
        : ClientKey.ofIpv4(0x0A00_0000 + k, 32);
  }
}
