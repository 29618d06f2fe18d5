package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import com.google.common.testing.FakeTicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code sharedPorts(true)}: one port, leases for several peers, a claim picks by the peer's address. */
final class DataPortAllocatorSharedPortsTest {
  private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddresses.forString("127.0.0.2"), 21);

  private final FakeTicker ticker = new FakeTicker();

  private DataPortAllocator.Builder shared(String range) {
    return DataPortAllocator.builder().range(PortRange.parse(range)).ticker(ticker).sharedPorts(true);
  }

  private static InetAddress peer(int i) {
    return InetAddresses.fromInteger(0x0A00_0000 + i);
  }

  private static PortLease lease(DataPortAllocator allocator, InetAddress peer) {
    LeaseResult result = allocator.lease(ClientKey.of(peer), peer, TARGET, LeasePurpose.PASSIVE);
    assertThat(result).isInstanceOf(PortLease.class);
    return (PortLease) result;
  }

  @Test
  void fourPorts_thirtyClientsHoldALeaseAtOnce_eachClaimFindsItsOwn() {
    DataPortAllocator allocator = shared("30000-30003").build();
    List<PortLease> leases = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      leases.add(lease(allocator, peer(i)));
    }

    assertThat(leases).extracting(PortLease::port).allMatch(p -> p >= 30000 && p <= 30003);
    assertThat(allocator.claim(leases.get(7).port(), peer(99)))
        .isEqualTo(new ClaimResult.Refused(ClaimRefusal.FOREIGN_PEER));
    for (int i = 0; i < 30; i++) {
      assertThat(allocator.claim(leases.get(i).port(), peer(i))).isSameAs(leases.get(i));
    }
    assertThat(allocator.claim(leases.get(0).port(), peer(0)))
        .isEqualTo(new ClaimResult.Refused(ClaimRefusal.ALREADY_CLAIMED));
    AllocatorStats stats = allocator.stats();
    assertThat(stats.claimed()).isEqualTo(30);
    assertThat(stats.refusedForeignPeer()).isEqualTo(1);
    leases.forEach(PortLease::close);
    assertThat(allocator.stats().claimed()).isZero();
    assertThat(allocator.stats().free()).isEqualTo(4);
  }

  @Test
  void oneClientIp_neverTwoLeasesOnOnePort() {
    DataPortAllocator allocator = shared("30000-30003").build();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      ports.add(lease(allocator, peer(0)).port());
    }

    assertThat(ports).hasSize(4);
    assertThat(allocator.lease(ClientKey.of(peer(0)), peer(0), TARGET, LeasePurpose.PASSIVE))
        .isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
    assertThat(lease(allocator, peer(1))).isNotNull(); // others still fit
  }

  @Test
  void onePort_fullAtItsLimit_thenRangeFull() {
    DataPortAllocator allocator = shared("30000").build();
    for (int i = 0; i < DataPortAllocator.SHARED_LEASES_PER_PORT; i++) {
      lease(allocator, peer(i));
    }

    assertThat(allocator.lease(ClientKey.of(peer(999)), peer(999), TARGET, LeasePurpose.PASSIVE))
        .isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
    assertThat(allocator.stats().free()).isZero();
    assertThat(allocator.claim(30000, peer(999))).isEqualTo(new ClaimResult.Refused(ClaimRefusal.FOREIGN_PEER));
    assertThat(allocator.claim(30000, peer(5))).isInstanceOf(PortLease.class);
  }

  @Test
  void quarantine_perPortAndPeer_stillApplies() {
    DataPortAllocator allocator = shared("30000").build();
    PortLease a = lease(allocator, peer(1));
    PortLease b = lease(allocator, peer(2));
    allocator.claim(30000, peer(1));
    a.close();

    assertThat(allocator.lease(ClientKey.of(peer(1)), peer(1), TARGET, LeasePurpose.PASSIVE))
        .isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
    assertThat(lease(allocator, peer(3)).port()).isEqualTo(30000);
    assertThat(allocator.claim(30000, peer(2))).isSameAs(b);
    ticker.advance(DataPortAllocator.DEFAULT_QUARANTINE);
    assertThat(lease(allocator, peer(1)).port()).isEqualTo(30000);
  }

  @Test
  void expiredLease_reportedToItsPeer_othersSeeTheirOwn() {
    DataPortAllocator allocator = shared("30000").acceptTimeout(Duration.ofSeconds(5)).build();
    lease(allocator, peer(1));
    ticker.advance(Duration.ofSeconds(5));

    assertThat(allocator.claim(30000, peer(1))).isEqualTo(new ClaimResult.Refused(ClaimRefusal.EXPIRED));
    assertThat(allocator.claim(30000, peer(2))).isEqualTo(new ClaimResult.Refused(ClaimRefusal.NO_LEASE));
    assertThat(allocator.stats().expired()).isEqualTo(1);
  }

  @Test
  void sameKey_subnetPeerClaimsItsOwnersLease() {
    DataPortAllocator allocator = shared("30000").peerMatch(PeerMatch.SAME_KEY).build();
    ClientKey subnet = PersistenceNetmask.ofIpv4(24).keyOf(peer(1));
    PortLease lease = (PortLease) allocator.lease(subnet, peer(1), TARGET, LeasePurpose.PASSIVE);
    PortLease foreign = lease(allocator, InetAddresses.forString("192.0.2.1"));

    assertThat(allocator.claim(30000, peer(77))).isSameAs(lease);
    assertThat(allocator.claim(30000, InetAddresses.forString("192.0.2.1"))).isSameAs(foreign);
    assertThat(allocator.claim(30000, InetAddresses.forString("192.0.3.1")))
        .isEqualTo(new ClaimResult.Refused(ClaimRefusal.FOREIGN_PEER));
  }

  @Test
  void choice_uniformAmongEligiblePorts_chiSquareBelowCritical() {
    // Peer 0 holds leases on 10 of 20 ports; its next lease must be uniform over the other 10.
    DataPortAllocator allocator = shared("30000-30019").clientLeaseRate(1 << 30, 1_000_000_000)
        .random(new SplittableRandom(20261125)).build();
    Set<Integer> held = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      held.add(lease(allocator, peer(0)).port());
    }
    for (int i = 1; i <= 40; i++) {
      lease(allocator, peer(i)); // other peers on every port: shared ports do not exclude them
    }
    Map<Integer, Integer> hits = new HashMap<>();
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      PortLease lease = lease(allocator, peer(0));
      hits.merge(lease.port(), 1, Integer::sum);
      lease.close();
    }

    assertThat(hits.keySet()).hasSize(10).doesNotContainAnyElementsOf(held);
    double expected = draws / 10.0;
    double chiSquare = hits.values().stream().mapToDouble(h -> (h - expected) * (h - expected) / expected).sum();
    assertThat(chiSquare).isLessThan(27.88); // 9 degrees of freedom, p = 0.001
  }
}
