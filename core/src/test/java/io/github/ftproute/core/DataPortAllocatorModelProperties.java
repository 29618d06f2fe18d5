package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import com.google.common.testing.FakeTicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of lease, claim, release, time passing and sweep, run against the allocator and
 * against a plain reference model side by side. After every step: no port is leased twice, no port
 * is handed out inside its quarantine, the per-client limit holds, and every count and counter
 * equals the model's.
 *
 * <p>The range has fewer than 128 ports, so the allocator uses one stripe and its lazy expiry is
 * exactly the model's: lease, claim and sweep catch up with time first; release does not.
 */
final class DataPortAllocatorModelProperties {
  private static final long ACCEPT = Duration.ofSeconds(30).toNanos();
  private static final long QUARANTINE = Duration.ofSeconds(10).toNanos();
  private static final int LIMIT = 3;
  private static final int PORTS = 8;
  private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddresses.forString("127.0.0.2"), 21);

  sealed interface Action {}

  record Lease(int client) implements Action {}

  record Claim(int portOffset, int remote) implements Action {}

  record Release(int which) implements Action {}

  record Advance(int seconds) implements Action {}

  record Sweep() implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> lease = Arbitraries.integers().between(0, 3).map(Lease::new);
    Arbitrary<Action> claim = Combinators.combine(Arbitraries.integers().between(0, PORTS),
        Arbitraries.integers().between(0, 4)).as(Claim::new);
    Arbitrary<Action> release = Arbitraries.integers().between(0, 50).map(Release::new);
    Arbitrary<Action> advance = Arbitraries.of(1, 5, 9, 10, 11, 29, 30, 31).map(Advance::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, lease), net.jqwik.api.Tuple.of(4, claim), net.jqwik.api.Tuple.of(3, release),
            net.jqwik.api.Tuple.of(2, advance), net.jqwik.api.Tuple.of(1, Arbitraries.just(new Sweep())))
        .list().ofMinSize(1).ofMaxSize(80);
  }

  /** The reference: a map from port to what is on it. */
  private static final class Model {
    static final class Entry {
      final ClientKey owner;
      final InetAddress peer;
      final long deadline;
      boolean claimed;
      boolean expired; // resting after expiry
      long restUntil = -1;

      Entry(ClientKey owner, InetAddress peer, long deadline) {
        this.owner = owner;
        this.peer = peer;
        this.deadline = deadline;
      }
    }

    final Map<Integer, Entry> ports = new HashMap<>();
    long granted;
    long expired;
    long rangeFull;
    long clientLimit;
    final long[] refused = new long[ClaimRefusal.values().length];

    void drain(long now) {
      for (Map.Entry<Integer, Entry> e : new ArrayList<>(ports.entrySet())) {
        Entry entry = e.getValue();
        if (entry.restUntil < 0 && !entry.claimed && entry.deadline - now <= 0) {
          entry.expired = true;
          entry.restUntil = now + QUARANTINE;
          expired++;
        }
      }
      ports.values().removeIf(entry -> entry.restUntil >= 0 && entry.restUntil - now <= 0);
    }

    int held(ClientKey owner) {
      return (int) ports.values().stream().filter(e -> e.restUntil < 0 && e.owner.equals(owner)).count();
    }

    long count(boolean claimed) {
      return ports.values().stream().filter(e -> e.restUntil < 0 && e.claimed == claimed).count();
    }

    long resting() {
      return ports.values().stream().filter(e -> e.restUntil >= 0).count();
    }
  }

  @Property(tries = 400)
  void allocatorAgreesWithModel(@ForAll("actions") List<Action> actions, @ForAll long seed) {
    FakeTicker ticker = new FakeTicker();
    DataPortAllocator allocator = DataPortAllocator.builder()
        .range(PortRange.of(30000, 30000 + PORTS - 1))
        .ticker(ticker)
        .acceptTimeout(Duration.ofNanos(ACCEPT))
        .quarantine(Duration.ofNanos(QUARANTINE))
        .maxLeasesPerClient(LIMIT)
        .random(new SplittableRandom(seed))
        .build();
    Model model = new Model();
    List<PortLease> issued = new ArrayList<>();
    Map<PortLease, Model.Entry> entries = new java.util.IdentityHashMap<>();
    InetAddress[] clients = new InetAddress[5];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = InetAddresses.forString("10.0.0." + (i + 1));
    }

    for (Action action : actions) {
      long now = ticker.read();
      if (action instanceof Lease lease) {
        ClientKey owner = ClientKey.of(clients[lease.client()]);
        LeaseResult result = allocator.lease(owner, clients[lease.client()], TARGET, LeasePurpose.PASSIVE);
        model.drain(now);
        if (model.held(owner) >= LIMIT) {
          model.clientLimit++;
          assertThat(result).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.CLIENT_LIMIT));
        } else if (model.ports.size() == PORTS) {
          model.rangeFull++;
          assertThat(result).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
        } else {
          PortLease got = ((LeaseResult.Leased) result).lease();
          assertThat(model.ports).as("port %d must be free: not leased, not resting", got.port())
              .doesNotContainKey(got.port());
          Model.Entry entry = new Model.Entry(owner, clients[lease.client()], now + ACCEPT);
          model.ports.put(got.port(), entry);
          model.granted++;
          issued.add(got);
          entries.put(got, entry);
        }
      } else if (action instanceof Claim claim) {
        int port = 30000 + claim.portOffset(); // one past the range gives NO_LEASE too
        ClaimResult result = allocator.claim(port, clients[claim.remote()]);
        if (claim.portOffset() < PORTS) {
          model.drain(now); // a port outside the range is refused before any stripe is touched
        }
        Model.Entry entry = model.ports.get(port);
        ClaimRefusal expected = entry == null ? ClaimRefusal.NO_LEASE
            : entry.expired ? ClaimRefusal.EXPIRED
            : entry.restUntil >= 0 ? ClaimRefusal.NO_LEASE
            : entry.claimed ? ClaimRefusal.ALREADY_CLAIMED
            : !entry.peer.equals(clients[claim.remote()]) ? ClaimRefusal.FOREIGN_PEER
            : null;
        if (expected == null) {
          assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
          assertThat(((ClaimResult.Claimed) result).lease().port()).isEqualTo(port);
          entry.claimed = true;
        } else {
          model.refused[expected.ordinal()]++;
          assertThat(result).isEqualTo(new ClaimResult.Refused(expected));
        }
      } else if (action instanceof Release release && !issued.isEmpty()) {
        PortLease lease = issued.get(release.which() % issued.size());
        lease.close();
        Model.Entry entry = entries.get(lease);
        if (model.ports.get(lease.port()) == entry && entry.restUntil < 0) {
          entry.restUntil = now + QUARANTINE; // released, not expired, even if past its deadline
        }
      } else if (action instanceof Advance advance) {
        ticker.advance(Duration.ofSeconds(advance.seconds()));
      } else if (action instanceof Sweep) {
        allocator.sweep();
        model.drain(now);
      }

      AllocatorStats stats = allocator.stats();
      assertThat(stats.leased()).isEqualTo(model.count(false));
      assertThat(stats.claimed()).isEqualTo(model.count(true));
      assertThat(stats.quarantined()).isEqualTo(model.resting());
      assertThat(stats.free()).isEqualTo(PORTS - model.ports.size());
      assertThat(stats.leasesGranted()).isEqualTo(model.granted);
      assertThat(stats.expired()).isEqualTo(model.expired);
      assertThat(stats.exhaustedRangeFull()).isEqualTo(model.rangeFull);
      assertThat(stats.exhaustedClientLimit()).isEqualTo(model.clientLimit);
      assertThat(stats.refusedNoLease()).isEqualTo(model.refused[ClaimRefusal.NO_LEASE.ordinal()]);
      assertThat(stats.refusedExpired()).isEqualTo(model.refused[ClaimRefusal.EXPIRED.ordinal()]);
      assertThat(stats.refusedAlreadyClaimed()).isEqualTo(model.refused[ClaimRefusal.ALREADY_CLAIMED.ordinal()]);
      assertThat(stats.refusedForeignPeer()).isEqualTo(model.refused[ClaimRefusal.FOREIGN_PEER.ordinal()]);
      for (int c = 0; c < clients.length; c++) {
        ClientKey key = ClientKey.of(clients[c]);
        assertThat(allocator.leasesHeldBy(key)).isLessThanOrEqualTo(LIMIT);
      }
    }
  }
}
