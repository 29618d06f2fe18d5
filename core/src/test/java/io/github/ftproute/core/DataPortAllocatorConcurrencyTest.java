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

/** Eight threads leasing, claiming and releasing on a small range at once, with and without shared ports. */
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
        .clientLeaseRate(1 << 30, 1_000_000_000)
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

  @Test
  void hammer_sharedPorts_noPeerTwiceOnAPort_eachClaimFindsItsOwnLease_everyPortFreeAfterwards() throws Exception {
    PortRange range = PortRange.of(30000, 30007); // 8 ports for 32 peers: always shared, often full for a peer
    int peersPerThread = 4;
    DataPortAllocator allocator = DataPortAllocator.builder()
        .range(range)
        .sharedPorts(true)
        .quarantine(Duration.ZERO)
        .clientLeaseRate(1 << 30, 1_000_000_000)
        .build();
    int peers = THREADS * peersPerThread;
    AtomicIntegerArray holders = new AtomicIntegerArray(range.size() * peers); // (port, peer) -> 1 while held
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger leases = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int firstPeer = t * peersPerThread;
        futures.add(pool.submit(() -> {
          start.await();
          List<PortLease> held = new ArrayList<>();
          List<Integer> heldBy = new ArrayList<>();
          for (int i = 0; i < ROUNDS; i++) {
            int p = firstPeer + (i % peersPerThread);
            InetAddress client = InetAddresses.fromInteger(0x0A00_0001 + p);
            if (allocator.lease(ClientKey.of(client), client, TARGET, LeasePurpose.PASSIVE) instanceof PortLease lease) {
              leases.incrementAndGet();
              if (!holders.compareAndSet((lease.port() - 30000) * peers + p, 0, 1)) {
                violations.incrementAndGet(); // this peer already holds this port
              }
              if (allocator.claim(lease.port(), client) != lease) {
                violations.incrementAndGet(); // the claim must find exactly this peer's lease
              }
              held.add(lease);
              heldBy.add(p);
            }
            if (held.size() > 12 || (!held.isEmpty() && (i & 1) == 0)) {
              int k = (i * 7) % held.size();
              PortLease done = held.remove(k);
              int p2 = heldBy.remove(k);
              holders.set((done.port() - 30000) * peers + p2, 0);
              done.close();
            }
          }
          for (int k = 0; k < held.size(); k++) {
            holders.set((held.get(k).port() - 30000) * peers + heldBy.get(k), 0);
            held.get(k).close();
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

    AllocatorStats stats = allocator.stats();
    assertThat(violations.get()).isZero();
    assertThat(leases.get()).isGreaterThan(THREADS * ROUNDS / 4);
    assertThat(stats.leased()).isZero();
    assertThat(stats.claimed()).isZero();
    assertThat(stats.free()).isEqualTo(range.size());
    assertThat(stats.leasesGranted()).isEqualTo(leases.get());
    for (int p = 0; p < peers; p++) {
      assertThat(allocator.leasesHeldBy(ClientKey.of(InetAddresses.fromInteger(0x0A00_0001 + p)))).isZero();
    }
  }
}
