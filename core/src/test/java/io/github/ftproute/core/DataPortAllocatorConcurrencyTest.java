package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Eight threads leasing, claiming and releasing on a small range at once. */
final class DataPortAllocatorConcurrencyTest {
  private static final int THREADS = 8;
  private static final int ROUNDS = 20_000;
  private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddresses.forString("127.0.0.2"), 21);

  @Test
  void hammer_noPortHeldTwice_everyPortFreeAfterwards() throws Exception {
    PortRange range = PortRange.of(30000, 30191); // 192 ports: 2 stripes, often all busy
    DataPortAllocator allocator = DataPortAllocator.builder()
        .range(range)
        .quarantine(Duration.ZERO)
        .maxLeasesPerClient(64)
        .build();
    AtomicIntegerArray holders = new AtomicIntegerArray(range.size());
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger leases = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        InetAddress client = InetAddresses.forString("10.0.0." + (t + 1));
        ClientKey owner = ClientKey.of(client);
        int id = t + 1;
        futures.add(pool.submit(() -> {
          start.await();
          List<PortLease> held = new ArrayList<>();
          for (int i = 0; i < ROUNDS; i++) {
            if (allocator.lease(owner, client, TARGET, LeasePurpose.PASSIVE) instanceof LeaseResult.Leased leased) {
              PortLease lease = leased.lease();
              leases.incrementAndGet();
              if (!holders.compareAndSet(lease.port() - 30000, 0, id)) {
                violations.incrementAndGet(); // someone else holds this port right now
              }
              if (!(allocator.claim(lease.port(), client) instanceof ClaimResult.Claimed)) {
                violations.incrementAndGet();
              }
              held.add(lease);
            }
            if (held.size() > 20 || (!held.isEmpty() && (i & 3) == 0)) {
              PortLease done = held.remove(held.size() - 1);
              holders.set(done.port() - 30000, 0); // unmark before the port can be handed out again
              done.close();
            }
          }
          for (PortLease lease : held) {
            holders.set(lease.port() - 30000, 0);
            lease.close();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    allocator.sweep();

    AllocatorStats stats = allocator.stats();
    assertThat(violations.get()).isZero();
    assertThat(leases.get()).isGreaterThan(THREADS * ROUNDS / 4);
    assertThat(stats.leased()).isZero();
    assertThat(stats.claimed()).isZero();
    assertThat(stats.free()).isEqualTo(range.size());
    assertThat(stats.leasesGranted()).isEqualTo(leases.get());
    for (int t = 0; t < THREADS; t++) {
      assertThat(allocator.leasesHeldBy(ClientKey.of(InetAddresses.forString("10.0.0." + (t + 1))))).isZero();
    }
  }
}
