package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import com.google.common.testing.FakeTicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random sequences of lease, claim, release, time passing and sweep, run against the allocator and
 * against a plain reference model side by side, with and without shared ports. After every step: no
 * port is leased twice (without shared ports) and no peer holds two leases of one port (with them),
 * no peer gets a port it rests on, the per-client limit and rate hold, and every count and counter
 * equals the model's.
 *
 * <p>The model states the rules directly: a lease that was never claimed comes back at once; a
 * claimed one makes its (port, peer) pair rest for the quarantine; the rate is a token bucket of
 * {@code BURST} tokens refilled one per {@code INTERVAL}; a lease attempt that finds no port costs no
 * token. The range has fewer than 128 ports, so the allocator uses one stripe and its lazy expiry is
 * exactly the model's: a lease catches up with time (before its client checks only if the client is
 * at its limit), a claim in the range and a sweep catch up; a release does not.
 */
final class DataPortAllocatorModelProperties {
  private static final long ACCEPT = Duration.ofSeconds(30).toNanos();
  private static final long QUARANTINE = Duration.ofSeconds(10).toNanos();
  private static final int LIMIT = 3;
  private static final int BURST = 4;
  private static final long INTERVAL = Duration.ofMillis(500).toNanos(); // 2 leases/s
  private static final int PORTS = 6;
  private static final InetSocketAddress TARGET = new InetSocketAddress(InetAddresses.forString("127.0.0.2"), 21);

  sealed interface Action {}

  record Lease(int client) implements Action {}

  record Claim(int portOffset, int remote) implements Action {}

  record Release(int which) implements Action {}

  record Advance(int millis) implements Action {}

  record Sweep() implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> lease = Arbitraries.integers().between(0, 3).map(Lease::new);
    Arbitrary<Action> claim = Combinators.combine(Arbitraries.integers().between(0, PORTS),
        Arbitraries.integers().between(0, 4)).as(Claim::new);
    Arbitrary<Action> release = Arbitraries.integers().between(0, 50).map(Release::new);
    Arbitrary<Action> advance = Arbitraries.of(250, 500, 1_000, 5_000, 9_000, 10_000, 11_000, 29_000, 30_000, 31_000)
        .map(Advance::new);
    return Arbitraries.frequencyOf(Tuple.of(6, lease), Tuple.of(5, claim), Tuple.of(4, release),
            Tuple.of(2, advance), Tuple.of(1, Arbitraries.just(new Sweep())))
        .list().ofMinSize(1).ofMaxSize(100);
  }

  /** The reference: live leases, resting pairs, buckets, counters. */
  private static final class Model {
    static final class Entry {
      final int port;
      final int client;
      final long deadline;
      boolean claimed;

      Entry(int port, int client, long deadline) {
        this.port = port;
        this.client = client;
        this.deadline = deadline;
      }
    }

    record Rest(int port, int peer, long until) {}

    final boolean shared;
    final List<Entry> live = new ArrayList<>(); // in lease order, as the expiry list
    final List<Rest> rests = new ArrayList<>();
    final int[] expiredPeer = new int[PORTS]; // peer + 1 of the port's last expired lease, 0 after its next lease
    final long[] credit = new long[5];
    final long[] refilledAt = new long[5];
    final boolean[] known = new boolean[5];
    long granted;
    long expired;
    long rangeFull;
    long clientLimit;
    long clientRate;
    final long[] refused = new long[ClaimRefusal.values().length];

    Model(boolean shared) {
      this.shared = shared;
    }

    void drain(long now) {
      for (Entry e : new ArrayList<>(live)) {
        if (!e.claimed && e.deadline - now <= 0) {
          live.remove(e);
          expiredPeer[e.port] = e.client + 1;
          expired++;
        }
      }
      rests.removeIf(r -> r.until() - now <= 0);
    }

    int held(int client) {
      return (int) live.stream().filter(e -> e.client == client).count();
    }

    /** Refills the client's bucket to {@code now}; true if it holds a token. */
    boolean hasToken(int client, long now) {
      if (!known[client]) {
        known[client] = true;
        credit[client] = BURST * INTERVAL;
      } else {
        credit[client] = Math.min(BURST * INTERVAL, credit[client] + (now - refilledAt[client]));
      }
      refilledAt[client] = now;
      return credit[client] >= INTERVAL;
    }

    boolean eligible(int port, int client) {
      long onPort = live.stream().filter(e -> e.port == port).count();
      boolean mine = live.stream().anyMatch(e -> e.port == port && e.client == client);
      boolean resting = rests.stream().anyMatch(r -> r.port() == port && r.peer() == client);
      return onPort < (shared ? DataPortAllocator.SHARED_LEASES_PER_PORT : 1) && !mine && !resting;
    }

    int free() {
      int perPort = shared ? DataPortAllocator.SHARED_LEASES_PER_PORT : 1;
      return (int) IntStream.range(0, PORTS).filter(p -> live.stream().filter(e -> e.port == p).count() < perPort)
          .count();
    }
  }

  @Property(tries = 300)
  void allocatorAgreesWithModel(@ForAll("actions") List<Action> actions, @ForAll long seed) {
    check(actions, seed, false);
  }

  @Property(tries = 300)
  void allocatorAgreesWithModel_sharedPorts(@ForAll("actions") List<Action> actions, @ForAll long seed) {
    check(actions, seed, true);
  }

  private static void check(List<Action> actions, long seed, boolean shared) {
    FakeTicker ticker = new FakeTicker();
    DataPortAllocator allocator = DataPortAllocator.builder()
        .range(PortRange.of(30000, 30000 + PORTS - 1))
        .ticker(ticker)
        .acceptTimeout(Duration.ofNanos(ACCEPT))
        .quarantine(Duration.ofNanos(QUARANTINE))
        .maxLeasesPerClient(LIMIT)
        .clientLeaseRate(BURST, (int) (1_000_000_000L / INTERVAL))
        .sharedPorts(shared)
        .random(new SplittableRandom(seed))
        .build();
    Model model = new Model(shared);
    List<PortLease> issued = new ArrayList<>();
    Map<PortLease, Model.Entry> entries = new IdentityHashMap<>();
    InetAddress[] clients = new InetAddress[5];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = InetAddresses.forString("10.0.0." + (i + 1));
    }

    for (Action action : actions) {
      long now = ticker.read();
      if (action instanceof Lease lease) {
        int c = lease.client();
        LeaseResult result = allocator.lease(ClientKey.of(clients[c]), clients[c], TARGET, LeasePurpose.PASSIVE);
        if (model.held(c) >= LIMIT) {
          model.drain(now); // the allocator sweeps: expired leases may still count against the client
        }
        if (model.held(c) >= LIMIT) {
          model.clientLimit++;
          assertThat(result).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.CLIENT_LIMIT));
        } else if (!model.hasToken(c, now)) {
          model.clientRate++;
          assertThat(result).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.CLIENT_RATE));
        } else {
          model.drain(now);
          List<Integer> eligible = IntStream.range(0, PORTS).filter(p -> model.eligible(p, c)).boxed().toList();
          if (eligible.isEmpty()) {
            model.rangeFull++;
            assertThat(result).isEqualTo(new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL));
          } else {
            assertThat(result).isInstanceOf(PortLease.class);
            PortLease got = (PortLease) result;
            assertThat(eligible).as("port %d must be eligible for client %d", got.port(), c)
                .contains(got.port() - 30000);
            model.credit[c] -= INTERVAL;
            Model.Entry entry = new Model.Entry(got.port() - 30000, c, now + ACCEPT);
            model.live.add(entry);
            model.expiredPeer[entry.port] = 0;
            model.granted++;
            issued.add(got);
            entries.put(got, entry);
          }
        }
      } else if (action instanceof Claim claim) {
        int port = claim.portOffset();
        int remote = claim.remote();
        ClaimResult result = allocator.claim(30000 + port, clients[remote]); // one past the range: NO_LEASE
        ClaimRefusal expected;
        Model.Entry match = null;
        if (port >= PORTS) {
          expected = ClaimRefusal.NO_LEASE; // refused before any stripe is touched
        } else {
          model.drain(now);
          match = model.live.stream().filter(e -> e.port == port && e.client == remote).findFirst().orElse(null);
          boolean any = model.live.stream().anyMatch(e -> e.port == port);
          expected = match != null ? (match.claimed ? ClaimRefusal.ALREADY_CLAIMED : null)
              : model.expiredPeer[port] == remote + 1 ? ClaimRefusal.EXPIRED
              : any ? ClaimRefusal.FOREIGN_PEER : ClaimRefusal.NO_LEASE;
        }
        if (expected == null) {
          assertThat(result).isInstanceOf(PortLease.class);
          assertThat(entries.get((PortLease) result)).isSameAs(match);
          match.claimed = true;
        } else {
          model.refused[expected.ordinal()]++;
          assertThat(result).isEqualTo(new ClaimResult.Refused(expected));
        }
      } else if (action instanceof Release release && !issued.isEmpty()) {
        PortLease lease = issued.get(release.which() % issued.size());
        lease.close();
        Model.Entry entry = entries.get(lease);
        if (model.live.remove(entry) && entry.claimed) { // released, not expired, even if past its deadline
          model.rests.add(new Model.Rest(entry.port, entry.client, now + QUARANTINE));
        }
      } else if (action instanceof Advance advance) {
        ticker.advance(Duration.ofMillis(advance.millis()));
      } else if (action instanceof Sweep) {
        allocator.sweep();
        model.drain(now);
      }

      AllocatorStats stats = allocator.stats();
      assertThat(stats.leased()).isEqualTo(model.live.stream().filter(e -> !e.claimed).count());
      assertThat(stats.claimed()).isEqualTo(model.live.stream().filter(e -> e.claimed).count());
      assertThat(stats.quarantined()).isEqualTo(model.rests.size());
      assertThat(stats.free()).isEqualTo(model.free());
      assertThat(stats.rejected()).isZero();
      assertThat(stats.quarantineOverflows()).isZero();
      assertThat(stats.leasesGranted()).isEqualTo(model.granted);
      assertThat(stats.expired()).isEqualTo(model.expired);
      assertThat(stats.exhaustedRangeFull()).isEqualTo(model.rangeFull);
      assertThat(stats.exhaustedClientLimit()).isEqualTo(model.clientLimit);
      assertThat(stats.exhaustedClientRate()).isEqualTo(model.clientRate);
      assertThat(stats.refusedNoLease()).isEqualTo(model.refused[ClaimRefusal.NO_LEASE.ordinal()]);
      assertThat(stats.refusedExpired()).isEqualTo(model.refused[ClaimRefusal.EXPIRED.ordinal()]);
      assertThat(stats.refusedAlreadyClaimed()).isEqualTo(model.refused[ClaimRefusal.ALREADY_CLAIMED.ordinal()]);
      assertThat(stats.refusedForeignPeer()).isEqualTo(model.refused[ClaimRefusal.FOREIGN_PEER.ordinal()]);
      for (int c = 0; c < clients.length; c++) {
        assertThat(allocator.leasesHeldBy(ClientKey.of(clients[c]))).isEqualTo(model.held(c));
      }
      for (PortLease lease : issued) {
        Model.Entry entry = entries.get(lease);
        assertThat(lease.isClaimed()).isEqualTo(entry.claimed);
        assertThat(lease.isLive()).isEqualTo(model.live.contains(entry)
            && (entry.claimed || entry.deadline - ticker.read() > 0));
      }
    }
  }
}
