package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Leases a proxy's own ports for FTP data connections and admits each connection only for the lease
 * it was meant for.
 *
 * <p>A proxy leases a port when it rewrites a passive reply (the client will connect) or an active
 * command (the backend will). {@link #lease} picks the port <b>uniformly at random</b> among the ports
 * eligible for the expected peer, so a client cannot guess the next session's port. {@link #claim}
 * admits a connection if the port has a live lease with connections left that the remote address
 * matches under the {@link PeerMatch} rule; the result says why otherwise.
 *
 * <p>Lifecycle: <i>free</i> → {@link #lease leased} → {@link #claim claimed} → released ({@link
 * PortLease#close()}). A lease released or expired <b>without a connection goes back at once</b>. A
 * lease that carried one puts its (port, expected peer) pair to rest for the {@link Builder#quarantine
 * quarantine}: that peer is kept off that port, every other peer may lease it at once. So the
 * sustained rate is not capped by range ÷ quarantine, and a client that leases and releases in a loop
 * hurts only itself (and spends its own {@link Builder#clientLeaseRate rate}). With {@link
 * Builder#sharedPorts shared ports}, a port holds leases for up to {@value #SHARED_LEASES_PER_PORT}
 * different peers at once and a claim picks the lease by the connecting peer's address.
 *
 * <table>
 *   <caption>Settings ({@link #builder()})</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link Builder#range range}</td><td>required</td></tr>
 *   <tr><td>{@link Builder#acceptTimeout acceptTimeout}</td><td>30 s</td></tr>
 *   <tr><td>{@link Builder#quarantine quarantine}</td><td>10 s, per (port, peer), after a connection</td></tr>
 *   <tr><td>{@link Builder#maxLeasesPerClient maxLeasesPerClient}</td><td>16 at once per {@link ClientKey}</td></tr>
 *   <tr><td>{@link Builder#clientLeaseRate clientLeaseRate}</td><td>burst 256, then 128/s per {@link ClientKey}</td></tr>
 *   <tr><td>{@link Builder#peerMatch peerMatch}</td><td>{@link PeerMatch#SAME_IP}</td></tr>
 *   <tr><td>{@link Builder#sharedPorts sharedPorts}</td><td>off</td></tr>
 *   <tr><td>{@link Builder#portProbe portProbe}</td><td>none</td></tr>
 *   <tr><td>{@link Builder#random random}</td><td>a per-thread AES-CTR keystream keyed from SecureRandom</td></tr>
 *   <tr><td>{@link Builder#sequential sequential}</td><td>off</td></tr>
 *   <tr><td>{@link Builder#ticker ticker}</td><td>{@link Ticker#systemTicker()}</td></tr>
 * </table>
 *
 * <p><b>Thread safety and cost.</b> Thread-safe, with no global lock: ports are dealt round-robin into
 * up to 16 stripes with a lock each. A lease picks a stripe in proportion to its free ports and a
 * port uniformly within it, again while the port is not eligible for the peer, and after 16 misses
 * picks uniformly among the eligible ports of all stripes (O(range)). Per-client counts and rates are
 * lock-free. Lease, claim and release each read the ticker at most once and take one stripe lock; a
 * lease allocates one {@link PortLease}, which is also its {@link LeaseResult} and {@link ClaimResult}.
 * Expiry is lazy: a stripe catches up when touched, {@link #sweep()} everywhere. No threads.
 *
 * <p><b>Memory</b> is bounded: about 60 bytes per port, fixed at build time; one {@link PortLease} per
 * live lease (at most one per port, or {@value #SHARED_LEASES_PER_PORT} with shared ports); 24 bytes
 * per resting pair, grown on demand up to {@value #RESTING_PAIRS_PER_PORT} per port (when full: see
 * {@link Builder#quarantine}); per client key with a live lease a share, plus up to 1,024 idle shares
 * (beyond that, idle ones are forgotten and their rate starts afresh).
 */
public final class DataPortAllocator {
  /** The default accept timeout. */
  public static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(30);
  /** The default quarantine. */
  public static final Duration DEFAULT_QUARANTINE = Duration.ofSeconds(10);
  /** The default most leases per client key at once. */
  public static final int DEFAULT_MAX_LEASES_PER_CLIENT = 16;
  /** The default burst of the per-client lease rate. */
  public static final int DEFAULT_CLIENT_BURST = 256;
  /** The default per-client lease rate, in leases per second. */
  public static final int DEFAULT_CLIENT_LEASES_PER_SECOND = 128;
  /** The most leases one port holds with shared ports. */
  public static final int SHARED_LEASES_PER_PORT = 32;
  /** The most resting (port, peer) pairs, per port of the range on average. */
  public static final int RESTING_PAIRS_PER_PORT = 32;
  /** The default time a port rejected by the probe is skipped. */
  public static final Duration DEFAULT_PROBE_BACKOFF = Duration.ofSeconds(60);

  private final PortRange range;
  private final Ticker ticker;
  private final long acceptTimeout;
  private final PeerMatch peerMatch;
  private final PortStripes stripes;
  private final ClientShares shares;
  private final LongAdder rangeFull = new LongAdder();
  private final LongAdder clientLimit = new LongAdder();
  private final LongAdder clientRate = new LongAdder();
  private final LongAdder outsideRange = new LongAdder();

  private DataPortAllocator(Builder b, PortRange range) {
    this.range = range;
    this.ticker = b.ticker;
    this.acceptTimeout = b.acceptTimeout.toNanos();
    this.peerMatch = b.peerMatch;
    int size = range.size();
    int count = b.sequential ? 1 : Math.min(16, Integer.highestOneBit(Math.max(1, size / 64)));
    int perPort = b.shared ? SHARED_LEASES_PER_PORT : 1;
    this.stripes = new PortStripes(range, count, perPort, b.quarantine.toNanos(), RESTING_PAIRS_PER_PORT, b.random,
        b.sequential, b.probe, b.probeBackoff.toNanos(), ticker.read());
    this.shares = new ClientShares(b.maxLeasesPerClient, b.burst, b.leasesPerSecond,
        (int) Math.min(Integer.MAX_VALUE - 1024, (long) size * perPort) + 1024);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the range the allocator leases from. */
  public PortRange range() {
    return range;
  }

  long now() {
    return ticker.read();
  }

  /** Leases a port for one connection, with no attachment; see {@link #lease(ClientKey, InetAddress, InetSocketAddress, LeasePurpose, int, Object)}. */
  public LeaseResult lease(ClientKey owner, InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose) {
    return lease(owner, expectedPeer, target, purpose, 1, null);
  }

  /** Leases a port for {@code maxConnections} connections, with no attachment; see {@link #lease(ClientKey, InetAddress, InetSocketAddress, LeasePurpose, int, Object)}. */
  public LeaseResult lease(ClientKey owner, InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose,
      int maxConnections) {
    return lease(owner, expectedPeer, target, purpose, maxConnections, null);
  }

  /**
   * Leases a port eligible for {@code expectedPeer}, chosen uniformly at random (or the next in
   * order, if so built): without shared ports, one with no lease; with them, one with room and no
   * lease for this peer; and in both cases one the peer does not rest on. Reads the ticker once.
   *
   * @param owner the client the lease counts against (per-client limit and rate)
   * @param expectedPeer the address the connection must come from: the client for {@link
   *     LeasePurpose#PASSIVE}, the backend for {@link LeasePurpose#ACTIVE}
   * @param target where an admitted connection goes; kept for the caller
   * @param purpose who connects
   * @param maxConnections how many connections the lease admits, at least 1
   * @param attachment any object of the caller's, returned by {@link PortLease#attachment()}; may be null
   * @return the lease, or {@link LeaseResult.Exhausted} with {@link ExhaustionReason#CLIENT_LIMIT},
   *     {@link ExhaustionReason#CLIENT_RATE} or {@link ExhaustionReason#RANGE_FULL}; never a port
   *     outside the range
   * @throws IllegalArgumentException if {@code maxConnections < 1}
   */
  public LeaseResult lease(ClientKey owner, InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose,
      int maxConnections, @Nullable Object attachment) {
    requireNonNull(owner, "owner");
    requireNonNull(expectedPeer, "expectedPeer");
    requireNonNull(target, "target");
    requireNonNull(purpose, "purpose");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    long now = ticker.read();
    ClientShares.Share share = shares.acquire(owner, now);
    if (share == ClientShares.LIMIT) {
      stripes.sweep(now); // expired leases may still count against the client
      share = shares.acquire(owner, now);
    }
    if (share == ClientShares.LIMIT) {
      clientLimit.increment();
      return LeaseResult.Exhausted.of(ExhaustionReason.CLIENT_LIMIT);
    }
    if (share == ClientShares.RATE) {
      clientRate.increment();
      return LeaseResult.Exhausted.of(ExhaustionReason.CLIENT_RATE);
    }
    PortLease lease = new PortLease(this, owner, expectedPeer, ClientKey.peerBits(expectedPeer), target, purpose,
        maxConnections, now + acceptTimeout, attachment, share);
    if (!stripes.place(lease, now)) {
      shares.refund(share);
      rangeFull.increment();
      return LeaseResult.Exhausted.of(ExhaustionReason.RANGE_FULL);
    }
    return lease;
  }

  /**
   * Admits a connection that arrived on {@code localPort} from {@code remote}, if the port has a live
   * lease with connections left that {@code remote} matches (with shared ports: the lease of the
   * connecting peer). A refused claim changes nothing but a counter. Reads the ticker once.
   */
  public ClaimResult claim(int localPort, InetAddress remote) {
    requireNonNull(remote, "remote");
    int index = range.indexOf(localPort);
    if (index < 0) {
      outsideRange.increment();
      return ClaimResult.Refused.of(ClaimRefusal.NO_LEASE);
    }
    PortStripe stripe = stripes.of(index);
    long now = ticker.read();
    synchronized (stripe) {
      stripe.drain(now);
      return stripe.claim(stripes.local(index), remote, peerMatch, now);
    }
  }

  void release(PortLease lease) {
    PortStripe stripe = stripes.of(lease.index);
    boolean released;
    synchronized (stripe) {
      released = stripe.release(lease, ticker);
    }
    if (released) {
      lease.share.release();
    }
  }

  /**
   * Expires unclaimed leases past their accept timeout and ends rests that are over, in every
   * stripe, and returns how many leases expired. Lease and claim do the same for the stripe they
   * touch, so calling this is optional; it bounds how stale {@link #stats()} can be.
   */
  public int sweep() {
    return stripes.sweep(ticker.read());
  }

  /** Returns a snapshot of the state and counters, one stripe lock at a time. */
  public AllocatorStats stats() {
    return stripes.stats(rangeFull.sum(), clientLimit.sum(), clientRate.sum(), outsideRange.sum());
  }

  /** Returns the leases {@code owner} holds now (for tests and diagnostics). */
  int leasesHeldBy(ClientKey owner) {
    return shares.held(owner);
  }

  /** Returns how many client keys the allocator tracks now (for tests). */
  int clientsTracked() {
    return shares.tracked();
  }

  @Override
  public String toString() {
    AllocatorStats s = stats();
    return "DataPortAllocator{range=" + range + ", leased=" + s.leased() + ", claimed=" + s.claimed()
        + ", quarantined=" + s.quarantined() + ", free=" + s.free() + "}";
  }

  /**
   * Collects a {@link DataPortAllocator}'s settings. Each may be set once (a second call throws
   * {@link IllegalStateException}); bad values and conflicting settings throw {@link
   * IllegalArgumentException} from the setter that causes them. Not thread-safe.
   */
  public static final class Builder extends AllocatorSettings {
    private Builder() {}

    /** Sets the ports to lease from. Required. */
    public Builder range(PortRange range) {
      requireNonNull(range, "range");
      once(0, "range");
      this.range = range;
      return this;
    }

    /** Sets the time source. Default {@link Ticker#systemTicker()}. */
    public Builder ticker(Ticker ticker) {
      requireNonNull(ticker, "ticker");
      once(1, "ticker");
      this.ticker = ticker;
      return this;
    }

    /** Sets how long a lease waits for its first connection before it expires. Default 30 s; must be positive. */
    public Builder acceptTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      once(2, "acceptTimeout");
      this.acceptTimeout = positive("acceptTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a peer is kept off a port after a connection of its own on that port ended.
     * Default 10 s; zero turns the quarantine off. Only ports that carried a connection rest, and only
     * for that lease's expected peer: every other peer may lease the port at once (a connection from a
     * peer other than a lease's is refused anyway), and a lease released or expired unclaimed rests
     * not at all.
     *
     * <p><b>Trade-off.</b> Longer keeps a late or retransmitted connection of a finished transfer
     * (a slow client, a second connection attempt) from reaching a <i>new</i> transfer of the same
     * peer, for example another user behind the same NAT address; it costs one 24-byte entry per
     * connection for the quarantine's length, and narrows that peer's choice of ports (a peer that
     * makes more connections per quarantine than the range has ports runs out: {@link
     * ExhaustionReason#RANGE_FULL} for it alone). When the table of resting pairs is full ({@value
     * #RESTING_PAIRS_PER_PORT} per port of the range), the oldest pair's port is closed to every peer
     * until that pair's time is up, which is counted in {@link AllocatorStats#quarantineOverflows()}.
     * Shorter or zero lets a late connection of the same peer reach its next lease on that port.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder quarantine(Duration quarantine) {
      requireNonNull(quarantine, "quarantine");
      once(3, "quarantine");
      this.quarantine = nonNegative("quarantine", quarantine);
      return this;
    }

    /** Sets the most leases one client key holds at once, so one client cannot hold the range. Default 16; at least 1. */
    public Builder maxLeasesPerClient(int leases) {
      once(4, "maxLeasesPerClient");
      this.maxLeasesPerClient = atLeastOne("maxLeasesPerClient", leases);
      return this;
    }

    /**
     * Sets each client key's lease rate, a token bucket: up to {@code burst} leases at once, refilled
     * at {@code leasesPerSecond} (the interval is rounded down to whole nanoseconds). A lease beyond it
     * is refused with {@link ExhaustionReason#CLIENT_RATE}; other clients are not affected. Default:
     * burst 256, 128 leases/s, far above what one FTP client needs (a mirror of small files over a LAN
     * makes tens of data connections per second), and low enough that one client key, sending PASV in
     * a loop, takes at most 128 leases a second.
     *
     * @throws IllegalArgumentException if {@code burst < 1} or {@code leasesPerSecond} is not in
     *     1..1,000,000,000
     */
    public Builder clientLeaseRate(int burst, int leasesPerSecond) {
      once(9, "clientLeaseRate");
      atLeastOne("burst", burst);
      if (leasesPerSecond < 1 || leasesPerSecond > 1_000_000_000) {
        throw new IllegalArgumentException("leasesPerSecond: " + leasesPerSecond + " (expected: 1..1000000000)");
      }
      this.burst = burst;
      this.leasesPerSecond = leasesPerSecond;
      return this;
    }

    /**
     * Sets how a connection's remote address must match its lease. Default {@link PeerMatch#SAME_IP}.
     *
     * @throws IllegalArgumentException for {@link PeerMatch#ANY} with shared ports
     */
    public Builder peerMatch(PeerMatch match) {
      requireNonNull(match, "match");
      once(5, "peerMatch");
      checkShared(shared, match);
      this.peerMatch = match;
      return this;
    }

    /**
     * Lets one port hold leases for up to {@value #SHARED_LEASES_PER_PORT} different expected peers at
     * once (default off: one lease per port), so a small range serves many clients; a claim picks the
     * lease by the connecting peer's address, and one peer never holds two leases of a port (so two
     * sessions of one client address never share one). Quarantine, per-client limit and rate apply as
     * without. Needs a peer rule that tells peers apart.
     *
     * @throws IllegalArgumentException if {@code shared} and the peer match is {@link PeerMatch#ANY}
     */
    public Builder sharedPorts(boolean shared) {
      once(10, "sharedPorts");
      checkShared(shared, peerMatch);
      this.shared = shared;
      return this;
    }

    /**
     * Sets a check run on each port with no lease before it is leased; ports it rejects are skipped
     * for {@code backoff} (positive). Default: none.
     */
    public Builder portProbe(PortProbe probe, Duration backoff) {
      requireNonNull(probe, "probe");
      requireNonNull(backoff, "backoff");
      once(6, "portProbe");
      this.probe = probe;
      this.probeBackoff = positive("backoff", backoff);
      return this;
    }

    /**
     * Sets the source of randomness for port choice, safe for use from every thread that leases.
     * Default: a per-thread AES-128 counter-mode keystream keyed (and rekeyed every 16 MiB) from
     * {@code SecureRandom}, about a nanosecond per draw. A seeded generator makes tests repeatable but
     * ports predictable: never use one in production.
     */
    public Builder random(RandomGenerator random) {
      requireNonNull(random, "random");
      once(7, "random");
      this.random = random;
      return this;
    }

    /** Makes leases take the next eligible port in ascending order (wrapping around): for tests; O(range) per lease. */
    public Builder sequential() {
      once(8, "sequential");
      this.sequential = true;
      return this;
    }

    /** Builds the allocator; throws {@link IllegalStateException} if no range was set. */
    public DataPortAllocator build() {
      if (range == null) {
        throw new IllegalStateException("range must be set");
      }
      return new DataPortAllocator(this, range);
    }
  }
}
