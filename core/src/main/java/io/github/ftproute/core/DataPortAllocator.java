package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Leases a proxy's own ports for FTP data connections and admits each connection only for the lease
 * it was meant for.
 *
 * <p>A proxy leases a port when it rewrites a passive reply (the client will connect to the port) or
 * an active command (the backend will). {@link #lease} picks the port <b>uniformly at random</b> among
 * the free ports, so a client cannot guess the port of the next session, in O(1) expected time however
 * full the range is. {@link #claim} admits a connection if the port has a live, unused lease and the
 * remote address matches the lease under the {@link PeerMatch} rule; the result says why otherwise.
 *
 * <p>Lifecycle of a port: <i>free</i> → {@link #lease leased} → {@link #claim claimed} → released
 * ({@link PortLease#close()}) → <i>quarantine</i> → free. A lease not claimed within the accept
 * timeout expires into quarantine. The quarantine keeps a late connection meant for an old session
 * from reaching a new one on the same port.
 *
 * <table>
 *   <caption>Settings ({@link #builder()})</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link Builder#range range}</td><td>required</td></tr>
 *   <tr><td>{@link Builder#acceptTimeout acceptTimeout}</td><td>30 s</td></tr>
 *   <tr><td>{@link Builder#quarantine quarantine}</td><td>10 s</td></tr>
 *   <tr><td>{@link Builder#maxLeasesPerClient maxLeasesPerClient}</td><td>16 concurrent leases per
 *       {@link ClientKey}</td></tr>
 *   <tr><td>{@link Builder#peerMatch peerMatch}</td><td>{@link PeerMatch#SAME_IP}</td></tr>
 *   <tr><td>{@link Builder#portProbe portProbe}</td><td>none; rejected ports skipped 60 s</td></tr>
 *   <tr><td>{@link Builder#random random}</td><td>a per-thread AES-CTR keystream keyed from SecureRandom</td></tr>
 *   <tr><td>{@link Builder#sequential sequential}</td><td>off (for tests: lowest free port from a
 *       moving cursor, O(range) worst case)</td></tr>
 *   <tr><td>{@link Builder#ticker ticker}</td><td>{@link Ticker#systemTicker()}</td></tr>
 * </table>
 *
 * <p><b>Thread safety and cost.</b> Ports are dealt round-robin into stripes (up to 16), each with its
 * own lock, free-port array and two intrusive FIFO lists (unclaimed leases by deadline, quarantined
 * ports by end time); there is no global lock. A lease picks a stripe with probability proportional to
 * its free ports, then a port uniformly within it, so the choice stays uniform over the range. Expiry is
 * lazy: each stripe catches up when it is touched, and {@link #sweep()} catches up everywhere. The
 * allocator starts no threads and reads time only from its {@link Ticker}.
 *
 * <p><b>Memory</b> is fixed at build time, about 30 bytes per port of the range (primitive arrays),
 * plus one {@link PortLease} per live lease: under 2 MiB for all of 1..65535.
 */
public final class DataPortAllocator {
  /** The default accept timeout. */
  public static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(30);
  /** The default quarantine. */
  public static final Duration DEFAULT_QUARANTINE = Duration.ofSeconds(10);
  /** The default most concurrent leases per client key. */
  public static final int DEFAULT_MAX_LEASES_PER_CLIENT = 16;
  /** The default time a port rejected by the probe is skipped. */
  public static final Duration DEFAULT_PROBE_BACKOFF = Duration.ofSeconds(60);

  private static final byte FREE = 0;
  private static final byte LEASED = 1;
  private static final byte CLAIMED = 2;
  private static final byte RELEASED = 3; // in quarantine after release
  private static final byte EXPIRED = 4; // in quarantine after expiry
  private static final byte REJECTED = 5; // skipped after the probe said no
  private static final int NONE = -1;
  private static final int MAX_PROBES_PER_LEASE = 64;

  private final PortRange range;
  private final Ticker ticker;
  private final long acceptTimeout;
  private final long quarantine;
  private final long probeBackoff;
  private final int maxLeasesPerClient;
  private final PeerMatch peerMatch;
  private final @Nullable PortProbe probe;
  private final RandomGenerator random;
  private final boolean sequential;

  private final Stripe[] stripes;
  private final int stripeMask;
  private final PortLease[] leases;
  private final byte[] state;
  private final long[] time;
  private final int[] next;
  private final int[] prev;
  private final int[] freePosition;

  private final ConcurrentHashMap<ClientKey, Integer> perClient = new ConcurrentHashMap<>();
  private final LongAdder granted = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final LongAdder rangeFull = new LongAdder();
  private final LongAdder clientLimit = new LongAdder();
  private final LongAdder[] refused = new LongAdder[ClaimRefusal.values().length];

  /** One lock's worth of ports, and the lists that order them. Guarded by itself. */
  private static final class Stripe {
    final int[] free;
    int freeCount;
    volatile int publishedFree;
    int expiryHead = NONE;
    int expiryTail = NONE;
    final int[] quarantineList = {NONE, NONE};
    final int[] rejectedList = {NONE, NONE};
    int leased;
    int claimed;
    int resting;
    int cursor;

    Stripe(int capacity) {
      free = new int[capacity];
    }
  }

  private DataPortAllocator(Builder b) {
    this.range = b.range;
    this.ticker = b.ticker;
    this.acceptTimeout = b.acceptTimeout.toNanos();
    this.quarantine = b.quarantine.toNanos();
    this.probeBackoff = b.probeBackoff.toNanos();
    this.maxLeasesPerClient = b.maxLeasesPerClient;
    this.peerMatch = b.peerMatch;
    this.probe = b.probe;
    this.random = b.random;
    this.sequential = b.sequential;
    int size = range.size();
    int stripeCount = sequential ? 1 : Math.min(16, Integer.highestOneBit(Math.max(1, size / 64)));
    this.stripes = new Stripe[stripeCount];
    this.stripeMask = stripeCount - 1;
    for (int s = 0; s < stripeCount; s++) {
      stripes[s] = new Stripe((size - s + stripeCount - 1) / stripeCount);
    }
    this.leases = new PortLease[size];
    this.state = new byte[size];
    this.time = new long[size];
    this.next = new int[size];
    this.prev = new int[size];
    this.freePosition = new int[size];
    for (int i = 0; i < size; i++) {
      addFree(stripes[i & stripeMask], i);
    }
    for (int i = 0; i < refused.length; i++) {
      refused[i] = new LongAdder();
    }
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

  /**
   * Leases a port for one connection; see {@link #lease(ClientKey, InetAddress, InetSocketAddress,
   * LeasePurpose, int)}.
   */
  public LeaseResult lease(ClientKey owner, InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose) {
    return lease(owner, expectedPeer, target, purpose, 1, null);
  }

  /**
   * Leases a port for one connection, carrying {@code attachment} (the caller's owner object, such as
   * its session) so that {@link #claim} finds it in one lookup: see {@link PortLease#attachment()}.
   */
  public LeaseResult lease(ClientKey owner, InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose,
      @Nullable Object attachment) {
    return lease(owner, expectedPeer, target, purpose, 1, attachment);
  }

  /** Leases a port for up to {@code maxConnections} connections; see the six-argument form. */
  public LeaseResult lease(ClientKey owner, InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose,
      int maxConnections) {
    return lease(owner, expectedPeer, target, purpose, maxConnections, null);
  }

  /**
   * Leases a free port, chosen uniformly at random (or sequentially, if so built).
   *
   * @param owner the client the lease counts against (per-client limit)
   * @param expectedPeer the address the connection must come from: the client for
   *     {@link LeasePurpose#PASSIVE}, the backend for {@link LeasePurpose#ACTIVE}
   * @param target where an admitted connection goes; kept for the caller
   * @param purpose who connects
   * @param maxConnections how many connections the lease admits, at least 1
   * @param attachment the caller's object for the lease, or null
   * @return the lease, or {@link LeaseResult.Exhausted} with {@link ExhaustionReason#CLIENT_LIMIT}
   *     or {@link ExhaustionReason#RANGE_FULL}; never a port outside the range
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
    if (!acquireClientSlot(owner)) {
      sweep(); // expired leases may still count against the client
      if (!acquireClientSlot(owner)) {
        clientLimit.increment();
        return new LeaseResult.Exhausted(ExhaustionReason.CLIENT_LIMIT);
      }
    }
    boolean drainedAll = false;
    for (int attempt = 0; attempt < MAX_PROBES_PER_LEASE + stripes.length; attempt++) {
      Stripe stripe = chooseStripe();
      if (stripe == null) {
        if (drainedAll) {
          break;
        }
        sweep();
        drainedAll = true;
        continue;
      }
      synchronized (stripe) {
        long now = ticker.read();
        drain(stripe, now);
        if (stripe.freeCount == 0) {
          continue;
        }
        int index = sequential ? nextSequential(stripe) : stripe.free[random.nextInt(stripe.freeCount)];
        removeFree(stripe, index);
        int port = range.portAt(index);
        if (probe != null && !probe.isUsable(port)) {
          state[index] = REJECTED;
          stripe.resting++;
          append(stripe.rejectedList, index, now + probeBackoff);
          continue;
        }
        PortLease lease = new PortLease(this, port, index, owner, expectedPeer, target, purpose, maxConnections,
            now + acceptTimeout, attachment);
        leases[index] = lease;
        state[index] = LEASED;
        time[index] = lease.deadline;
        appendExpiry(stripe, index);
        stripe.leased++;
        granted.increment();
        return new LeaseResult.Leased(lease);
      }
    }
    releaseClientSlot(owner);
    rangeFull.increment();
    return new LeaseResult.Exhausted(ExhaustionReason.RANGE_FULL);
  }

  /**
   * Admits a connection that arrived on {@code localPort} from {@code remote}, if the port has a
   * live lease with connections left and {@code remote} matches it. A refused claim changes nothing.
   */
  public ClaimResult claim(int localPort, InetAddress remote) {
    requireNonNull(remote, "remote");
    int index = range.indexOf(localPort);
    if (index < 0) {
      return refuse(ClaimRefusal.NO_LEASE);
    }
    Stripe stripe = stripes[index & stripeMask];
    synchronized (stripe) {
      drain(stripe, ticker.read());
      byte s = state[index];
      if (s == EXPIRED) {
        return refuse(ClaimRefusal.EXPIRED);
      }
      if (s != LEASED && s != CLAIMED) {
        return refuse(ClaimRefusal.NO_LEASE);
      }
      PortLease lease = leases[index];
      if (lease.claims >= lease.maxConnections()) {
        return refuse(ClaimRefusal.ALREADY_CLAIMED);
      }
      if (!matches(lease, remote)) {
        return refuse(ClaimRefusal.FOREIGN_PEER);
      }
      if (s == LEASED) {
        unlinkExpiry(stripe, index);
        state[index] = CLAIMED;
        stripe.leased--;
        stripe.claimed++;
      }
      lease.claimed();
      return new ClaimResult.Claimed(lease);
    }
  }

  private ClaimResult refuse(ClaimRefusal reason) {
    refused[reason.ordinal()].increment();
    return new ClaimResult.Refused(reason);
  }

  private boolean matches(PortLease lease, InetAddress remote) {
    return switch (peerMatch) {
      case ANY -> true;
      case SAME_IP -> sameIp(remote, lease.expectedPeer());
      case SAME_KEY -> sameIp(remote, lease.expectedPeer()) || lease.owner().contains(remote);
    };
  }

  /** Equal addresses, or the same IPv4 address written once plainly and once IPv4-mapped. */
  private static boolean sameIp(InetAddress remote, InetAddress expected) {
    return remote.equals(expected) || ClientKey.of(remote).equals(ClientKey.of(expected));
  }

  void release(PortLease lease) {
    int index = lease.index;
    Stripe stripe = stripes[index & stripeMask];
    synchronized (stripe) {
      if (!lease.markReleased() || leases[index] != lease) {
        return;
      }
      if (state[index] == LEASED) {
        unlinkExpiry(stripe, index);
        stripe.leased--;
      } else {
        stripe.claimed--;
      }
      rest(stripe, index, RELEASED, ticker.read());
    }
    releaseClientSlot(lease.owner());
  }

  /**
   * Expires unclaimed leases past their accept timeout and frees ports whose quarantine is over, in
   * every stripe. Lease, claim and release do the same for the stripe they touch, so calling this is
   * optional; it bounds how stale {@link #stats()} can be.
   *
   * @return the number of leases that expired during this call
   */
  public int sweep() {
    int count = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        count += drain(stripe, ticker.read());
      }
    }
    return count;
  }

  /** Returns a snapshot of the state and counters. */
  public AllocatorStats stats() {
    int leased = 0;
    int claimed = 0;
    int resting = 0;
    int free = 0;
    for (Stripe stripe : stripes) {
      synchronized (stripe) {
        leased += stripe.leased;
        claimed += stripe.claimed;
        resting += stripe.resting;
        free += stripe.freeCount;
      }
    }
    return new AllocatorStats(leased, claimed, resting, free, granted.sum(), expired.sum(), rangeFull.sum(),
        clientLimit.sum(), refused[ClaimRefusal.NO_LEASE.ordinal()].sum(),
        refused[ClaimRefusal.EXPIRED.ordinal()].sum(), refused[ClaimRefusal.ALREADY_CLAIMED.ordinal()].sum(),
        refused[ClaimRefusal.FOREIGN_PEER.ordinal()].sum());
  }

  /** Returns the bytes of the allocator's fixed arrays, for the memory bound in the tests. */
  long fixedArrayBytes() {
    long perPort = Integer.BYTES * 4L /* next, prev, freePosition, stripe free */ + Long.BYTES + 1
        + 8 /* lease reference, uncompressed */;
    return perPort * range.size();
  }

  // --- stripe internals: every method below runs with the stripe's lock held ----------------------

  /** Catches up with time in one stripe; returns the number of leases that expired. */
  private int drain(Stripe stripe, long now) {
    int count = 0;
    while (stripe.expiryHead != NONE && time[stripe.expiryHead] - now <= 0) {
      int index = stripe.expiryHead;
      unlinkExpiry(stripe, index);
      PortLease lease = leases[index];
      lease.markReleased();
      stripe.leased--;
      rest(stripe, index, EXPIRED, now);
      releaseClientSlot(lease.owner());
      expired.increment();
      count++;
    }
    reopen(stripe, stripe.quarantineList, now);
    reopen(stripe, stripe.rejectedList, now);
    return count;
  }

  private void rest(Stripe stripe, int index, byte why, long now) {
    leases[index] = null;
    state[index] = why;
    stripe.resting++;
    append(stripe.quarantineList, index, now + quarantine);
  }

  private void reopen(Stripe stripe, int[] list, long now) {
    while (list[0] != NONE && time[list[0]] - now <= 0) {
      int index = list[0];
      list[0] = next[index];
      if (list[0] == NONE) {
        list[1] = NONE;
      }
      state[index] = FREE;
      stripe.resting--;
      addFree(stripe, index);
    }
  }

  /** Appends to a singly linked FIFO {head, tail}; entries are appended in time order. */
  private void append(int[] list, int index, long at) {
    time[index] = at;
    next[index] = NONE;
    if (list[1] == NONE) {
      list[0] = index;
    } else {
      next[list[1]] = index;
    }
    list[1] = index;
  }

  private void appendExpiry(Stripe stripe, int index) {
    next[index] = NONE;
    prev[index] = stripe.expiryTail;
    if (stripe.expiryTail == NONE) {
      stripe.expiryHead = index;
    } else {
      next[stripe.expiryTail] = index;
    }
    stripe.expiryTail = index;
  }

  private void unlinkExpiry(Stripe stripe, int index) {
    int p = prev[index];
    int n = next[index];
    if (p == NONE) {
      stripe.expiryHead = n;
    } else {
      next[p] = n;
    }
    if (n == NONE) {
      stripe.expiryTail = p;
    } else {
      prev[n] = p;
    }
  }

  private void addFree(Stripe stripe, int index) {
    stripe.free[stripe.freeCount] = index;
    freePosition[index] = stripe.freeCount++;
    stripe.publishedFree = stripe.freeCount;
  }

  private void removeFree(Stripe stripe, int index) {
    int position = freePosition[index];
    int last = stripe.free[--stripe.freeCount];
    stripe.free[position] = last;
    freePosition[last] = position;
    stripe.publishedFree = stripe.freeCount;
  }

  private int nextSequential(Stripe stripe) {
    int size = range.size();
    for (int k = 0; k < size; k++) {
      int index = (stripe.cursor + k) % size;
      if (state[index] == FREE) {
        stripe.cursor = index + 1;
        return index;
      }
    }
    throw new AssertionError("free count " + stripe.freeCount + " but no free port");
  }

  private @Nullable Stripe chooseStripe() {
    if (stripes.length == 1) {
      return stripes[0].publishedFree > 0 ? stripes[0] : null;
    }
    int total = 0;
    for (Stripe stripe : stripes) {
      total += stripe.publishedFree;
    }
    if (total == 0) {
      return null;
    }
    int r = random.nextInt(total);
    Stripe last = null;
    for (Stripe stripe : stripes) {
      int free = stripe.publishedFree;
      if (free > 0) {
        last = stripe;
        r -= free;
        if (r < 0) {
          return stripe;
        }
      }
    }
    return last; // counts moved under us; any stripe with ports will do
  }

  // --- per-client limit ----------------------------------------------------------------------------

  private boolean acquireClientSlot(ClientKey owner) {
    boolean[] acquired = {false};
    perClient.compute(owner, (k, n) -> {
      int held = n == null ? 0 : n;
      if (held >= maxLeasesPerClient) {
        return n;
      }
      acquired[0] = true;
      return held + 1;
    });
    return acquired[0];
  }

  private void releaseClientSlot(ClientKey owner) {
    perClient.computeIfPresent(owner, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Returns the leases {@code owner} holds now (for tests and diagnostics). */
  int leasesHeldBy(ClientKey owner) {
    Integer n = perClient.get(owner);
    return n == null ? 0 : n;
  }

  @Override
  public String toString() {
    AllocatorStats s = stats();
    return "DataPortAllocator{range=" + range + ", leased=" + s.leased() + ", claimed=" + s.claimed()
        + ", quarantined=" + s.quarantined() + ", free=" + s.free() + "}";
  }

  /**
   * Collects a {@link DataPortAllocator}'s settings. Each may be set once (a second call throws
   * {@link IllegalStateException}); bad values throw {@link IllegalArgumentException}. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable PortRange range;
    private Ticker ticker = Ticker.systemTicker();
    private Duration acceptTimeout = DEFAULT_ACCEPT_TIMEOUT;
    private Duration quarantine = DEFAULT_QUARANTINE;
    private Duration probeBackoff = DEFAULT_PROBE_BACKOFF;
    private int maxLeasesPerClient = DEFAULT_MAX_LEASES_PER_CLIENT;
    private PeerMatch peerMatch = PeerMatch.SAME_IP;
    private @Nullable PortProbe probe;
    private RandomGenerator random = SecureRandomBuffer.INSTANCE;
    private boolean sequential;
    private int set;

    private Builder() {}

    private void once(int bit, String name) {
      if ((set & (1 << bit)) != 0) {
        throw new IllegalStateException(name + " was already set");
      }
      set |= 1 << bit;
    }

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

    /**
     * Sets how long a lease waits for its first connection before it expires. Default 30 s.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder acceptTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      once(2, "acceptTimeout");
      this.acceptTimeout = positive("acceptTimeout", timeout);
      return this;
    }

    /**
     * Sets how long a released or expired port rests before it is leased again. Default 10 s; zero
     * turns the quarantine off.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder quarantine(Duration quarantine) {
      requireNonNull(quarantine, "quarantine");
      once(3, "quarantine");
      if (quarantine.isNegative()) {
        throw new IllegalArgumentException("quarantine: " + quarantine + " (expected: >= 0)");
      }
      this.quarantine = quarantine;
      return this;
    }

    /**
     * Sets the most leases one client key holds at once, so one client cannot exhaust the range.
     * Default 16.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxLeasesPerClient(int leases) {
      once(4, "maxLeasesPerClient");
      if (leases < 1) {
        throw new IllegalArgumentException("maxLeasesPerClient: " + leases + " (expected: >= 1)");
      }
      this.maxLeasesPerClient = leases;
      return this;
    }

    /** Sets how a connection's remote address must match its lease. Default {@link PeerMatch#SAME_IP}. */
    public Builder peerMatch(PeerMatch match) {
      requireNonNull(match, "match");
      once(5, "peerMatch");
      this.peerMatch = match;
      return this;
    }

    /**
     * Sets a check run on each port before it is leased; ports it rejects are skipped for
     * {@code backoff}.
     *
     * @throws IllegalArgumentException if {@code backoff} is not positive
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
     * Sets the source of randomness for port choice. It must be safe for use from every thread that
     * leases. Default: a per-thread AES-128 counter-mode keystream keyed (and rekeyed every 16 MiB of
     * output) from {@code SecureRandom}, about a nanosecond per draw. A seeded generator makes tests
     * repeatable but ports predictable: never use one in production.
     */
    public Builder random(RandomGenerator random) {
      requireNonNull(random, "random");
      once(7, "random");
      this.random = random;
      return this;
    }

    /**
     * Makes leases take the next free port in ascending order (wrapping around) instead of a random
     * one. For tests that want predictable ports; costs O(range) per lease at worst.
     */
    public Builder sequential() {
      once(8, "sequential");
      this.sequential = true;
      return this;
    }

    /**
     * Builds the allocator.
     *
     * @throws IllegalStateException if no range was set
     */
    public DataPortAllocator build() {
      if (range == null) {
        throw new IllegalStateException("range must be set");
      }
      return new DataPortAllocator(this);
    }

    private static Duration positive(String name, Duration d) {
      requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
