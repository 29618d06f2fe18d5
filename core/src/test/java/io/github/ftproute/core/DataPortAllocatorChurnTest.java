package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import com.google.common.testing.FakeTicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pool under abuse and churn: quarantine per (port, peer), the per-client rate, the design target. */
final class DataPortAllocatorChurnTest {
  private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddresses.forString("127.0.0.2"), 21);

  private final FakeTicker ticker = new FakeTicker();

  private DataPortAllocator.Builder builder(String range) {
    return DataPortAllocator.builder().range(PortRange.parse(range)).ticker(ticker);
  }

  private static InetAddress peer(int i) {
    return InetAddresses.fromInteger(0x0A00_0000 + i);
  }

  private static LeaseResult lease(DataPortAllocator allocator, InetAddress peer) {
    return allocator.lease(ClientKey.of(peer), peer, TARGET, LeasePurpose.PASSIVE);
  }

  @Test
  void designTarget_1000Ports_20000ConnectionsIn10Seconds_noExhaustion() {
    // 2,000 connections/s for 10 s from 2,000 peers on 1,000 ports with the default 10 s quarantine.
    // Under a per-port quarantine the range would cap the rate at 1,000 / 10 s = 100 connections/s.
    DataPortAllocator allocator = builder("20000-20999").build();
    int cycles = 20_000;
    for (int i = 0; i < cycles; i++) {
      InetAddress peer = peer(i % 2_000);
      LeaseResult result = lease(allocator, peer);
      assertThat(result).as("cycle %d", i).isInstanceOf(PortLease.class);
      PortLease lease = (PortLease) result;
      assertThat(allocator.claim(lease.port(), peer)).isSameAs(lease);
      lease.close();
      ticker.advance(Duration.ofNanos(10_000_000_000L / cycles)); // 0.5 ms: all within 10 s
    }

    AllocatorStats stats = allocator.stats();
    assertThat(stats.leasesGranted()).isEqualTo(cycles);
    assertThat(stats.exhaustedRangeFull() + stats.exhaustedClientRate() + stats.exhaustedClientLimit()).isZero();
    assertThat(stats.quarantineOverflows()).isZero();
    assertThat(stats.quarantined()).isGreaterThan(19_000); // every connection's pair rests for 10 s
    assertThat(stats.free()).isEqualTo(1_000);
  }

  @Test
  void flood_oneClientLeasesAndReleasesWithoutConnecting_poolStaysFullyAvailable() {
    DataPortAllocator allocator = builder("20000-20999").build();
    InetAddress flooder = peer(0);
    int granted = 0;
    for (int i = 0; i < 3_000; i++) { // 100 PASV a second, within the default rate
      if (lease(allocator, flooder) instanceof PortLease lease) {
        granted++;
        lease.close();
      }
      ticker.advance(Duration.ofMillis(10));
    }

    assertThat(granted).isEqualTo(3_000);
    assertThat(allocator.stats().quarantined()).isZero();
    assertThat(allocator.stats().free()).isEqualTo(1_000);
    Set<Integer> ports = new HashSet<>();
    for (int i = 1; i <= 1_000; i++) {
      ports.add(((PortLease) lease(allocator, peer(i))).port());
    }
    assertThat(ports).hasSize(1_000);
  }

  @Test
  void flood_fasterThanItsRate_refusedClientRate_counted_othersServed() {
    DataPortAllocator allocator = builder("20000-20999").build();
    InetAddress flooder = peer(0);
    int granted = 0;
    for (int i = 0; i < 3_000; i++) { // all in one instant
      LeaseResult result = lease(allocator, flooder);
      if (result instanceof PortLease lease) {
        granted++;
        lease.close();
      } else {
        assertThat(result).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.CLIENT_RATE));
      }
    }

    assertThat(granted).isEqualTo(DataPortAllocator.DEFAULT_CLIENT_BURST);
    assertThat(allocator.stats().exhaustedClientRate()).isEqualTo(3_000 - DataPortAllocator.DEFAULT_CLIENT_BURST);
    for (int i = 1; i <= 1_000; i++) {
      assertThat(lease(allocator, peer(i))).isInstanceOf(PortLease.class);
    }
    assertThat(allocator.stats().free()).isZero();
  }

  @Test
  void clientLeaseRate_burstThenRefill_perClient() {
    DataPortAllocator allocator = builder("20000-20099").clientLeaseRate(4, 2).build();
    for (int i = 0; i < 4; i++) {
      ((PortLease) lease(allocator, peer(0))).close();
    }

    assertThat(lease(allocator, peer(0))).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.CLIENT_RATE));
    assertThat(lease(allocator, peer(1))).isInstanceOf(PortLease.class);
    ticker.advance(Duration.ofMillis(499));
    assertThat(lease(allocator, peer(0))).isInstanceOf(LeaseResult.Exhausted.class);
    ticker.advance(Duration.ofMillis(1));
    assertThat(lease(allocator, peer(0))).isInstanceOf(PortLease.class);
    assertThat(lease(allocator, peer(0))).isInstanceOf(LeaseResult.Exhausted.class);
    ticker.advance(Duration.ofHours(1)); // refills to the burst, not beyond
    int granted = 0;
    while (lease(allocator, peer(0)) instanceof PortLease) {
      granted++;
    }
    assertThat(granted).isEqualTo(4);
    assertThat(allocator.stats().exhaustedClientRate()).isEqualTo(4);
  }

  @Test
  void clientLeaseRate_rangeFullAttemptsCostNoToken() {
    DataPortAllocator allocator = builder("20000").clientLeaseRate(2, 1).build();
    PortLease other = (PortLease) lease(allocator, peer(9));
    for (int i = 0; i < 10; i++) {
      assertThat(lease(allocator, peer(0))).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
    }
    other.close();

    ((PortLease) lease(allocator, peer(0))).close();
    assertThat(lease(allocator, peer(0))).isInstanceOf(PortLease.class);
  }

  @Test
  void quarantine_peerThatUsedEveryPort_restsAlone_othersUnaffected() {
    DataPortAllocator allocator = builder("20000-20009").build();
    InetAddress busy = peer(0);
    for (int i = 0; i < 10; i++) {
      PortLease lease = (PortLease) lease(allocator, busy);
      allocator.claim(lease.port(), busy);
      lease.close();
    }

    assertThat(lease(allocator, busy)).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
    List<PortLease> others = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      others.add((PortLease) lease(allocator, peer(i)));
    }
    assertThat(others).extracting(PortLease::port).doesNotHaveDuplicates().hasSize(10);
    others.forEach(PortLease::close);
    ticker.advance(DataPortAllocator.DEFAULT_QUARANTINE);
    assertThat(lease(allocator, busy)).isInstanceOf(PortLease.class);
  }

  @Test
  void quarantine_activeLease_restsForTheBackend_notTheClient() {
    DataPortAllocator allocator = builder("20000").build();
    InetAddress client = peer(1);
    InetAddress backend = peer(2);
    PortLease active = (PortLease) allocator.lease(ClientKey.of(client), backend, TARGET, LeasePurpose.ACTIVE);
    assertThat(allocator.claim(active.port(), backend)).isSameAs(active);
    active.close();

    assertThat(allocator.lease(ClientKey.of(peer(3)), backend, TARGET, LeasePurpose.ACTIVE))
        .isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
    assertThat(allocator.lease(ClientKey.of(client), client, TARGET, LeasePurpose.PASSIVE)).isInstanceOf(PortLease.class);
  }

  @Test
  void clientTable_manyDistinctClients_staysBounded() {
    DataPortAllocator allocator = builder("20000-20063").build();
    for (int i = 0; i < 5_000; i++) {
      ((PortLease) lease(allocator, peer(i))).close();
      assertThat(allocator.clientsTracked()).isLessThanOrEqualTo(64 + 1024 + 1);
    }
    assertThat(allocator.leasesHeldBy(ClientKey.of(peer(4_999)))).isZero();
  }
}
