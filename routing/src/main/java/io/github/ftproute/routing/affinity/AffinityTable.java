package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.core.ClientKey;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Client-IP session affinity, IPVS "persistence" style: while a client's entry is live, every
 * connection of that client (its {@link ClientKey}, the address under the persistence netmask) goes
 * to the same backend, so an FTP client's control connection, its data connections and the parallel
 * control connections some clients open all meet the same server.
 *
 * <h2>Connections</h2>
 *
 * <p>Call {@link #open} for every new connection of a client, control or data, and {@link #close}
 * with the returned {@link Routed} when it ends:
 *
 * <ul>
 *   <li>A client with a live entry goes to the entry's backend, and the entry counts one more live
 *       connection ({@link Routed.Outcome#EXISTING}).
 *   <li>A client without one is routed by the {@link SelectionPolicy} among the backends that are
 *       {@code UP} with a weight above 0, and a new entry records the choice ({@code CREATED}); with
 *       no such backend, {@link NoBackend}.
 *   <li>An entry whose backend was removed or went {@code DOWN} is dropped and the client routed
 *       again ({@code REBALANCED}); a {@code DRAINING} backend keeps its entries and their clients.
 * </ul>
 *
 * <h2>Expiry</h2>
 *
 * <p>An entry with live connections never expires and is never evicted (the IPVS template rule).
 * Once its last connection closes, the entry expires after the persistence timeout (default 300 s)
 * without a new connection; each new connection restarts it. Time comes from the {@link Ticker}
 * given to the builder, at millisecond resolution. Expired entries are removed lazily (by the
 * client's next connection, or when room is needed) and by {@link #sweep()}, which the embedder
 * calls when it likes: the table has no threads or timers of its own.
 *
 * <h2>Size</h2>
 *
 * <p>The table holds at most {@link #maximumSize()} entries (default 1,000,000). When a new client
 * comes to a full table, the table removes one entry that may go, preferring an entry of a departed
 * backend, else the least recently used entry without live connections (last activity = its last
 * connection opened or closed; see the implementation note for how exactly), and records the new
 * client in its place. If every entry has live connections, the client is routed by the policy
 * without an entry ({@link Routed.Outcome#UNRECORDED}), counted in {@link
 * AffinityStats#unrecordedCount()}.
 *
 * <h2>Thread safety</h2>
 *
 * <p>All methods may be called from any number of threads. Implementations must not take a global
 * lock on the routing path.
 *
 * <h2>Implementation note: the built-in table</h2>
 *
 * <p>{@link #builder()} builds an in-process table laid out for speed and memory:
 *
 * <ul>
 *   <li><b>Storage.</b> Open-addressing hash tables with linear probing over {@code long[]} arrays,
 *       no object per entry. An IPv4 entry is one 16-byte slot (address, prefix length and backend
 *       incarnation in one long; live-connection count and last activity in the other), an IPv6
 *       entry a 32-byte slot. Arrays are rehashed to 55% full and grow before they are 75% full, so
 *       an IPv4 entry costs 21 to 29 bytes (measured: 22.9 bytes at 1,000,000 random keys, about 22
 *       MiB); a {@link #sweep()} that leaves an array under 1/8 full shrinks it.
 *   <li><b>Concurrency.</b> The arrays are split into lock stripes by key hash (one stripe per 2,048
 *       entries of maximum size, at most 64, for each address family). {@code open} of a client with
 *       a live entry, {@code close} and {@code lookup} take no lock: they probe the array and change
 *       the entry's state word by one compare-and-set, touching one cache line in the common case and
 *       allocating nothing. Creating, removing and rehashing entries lock one stripe.
 *   <li><b>Time.</b> The ticker is read only when an answer depends on it: creating an entry, a
 *       connection or {@code lookup} of a client whose entry has no live connection (is it expired?),
 *       the close of a client's last connection (the timeout starts), and {@code sweep}. A connection
 *       of a client with live connections, the common case for FTP data connections, reads no
 *       clock. {@link Ticker#systemTicker()} costs about 25 ns and, being an ordered read of the
 *       processor's time-stamp counter, keeps the processor from overlapping the memory accesses of
 *       consecutive lookups, which about halves random-lookup throughput on a large table. A proxy
 *       that already keeps a per-event-loop clock can pass it as a coarse {@code Ticker}.
 *   <li><b>Eviction is sampled LRU.</b> The victim is the least recently used entry without live
 *       connections among the first 16 live entries of the new client's stripe, taken in table order
 *       from the new client's home slot; an entry of a departed backend met on the way is taken
 *       first. If none of those 16 is idle, the rest of the stripe is searched, then the other
 *       stripes, and the first idle entry found goes. So the victim is exactly the least recently
 *       used idle entry of the new client's address family while that family holds at most 16 entries
 *       in one stripe (tables of up to 4,095 entries have one stripe per family); in larger tables it
 *       is the oldest idle entry of a sample of 16, which when most entries are idle is on average
 *       among the oldest 1/17 of them. Stripes found full of live connections are not searched again
 *       until a connection closes or the backend set changes.
 * </ul>
 *
 * <h2>Implementing the interface</h2>
 *
 * <p>Code outside this package may implement the table, for instance over a store shared by several
 * proxies (the {@code ftproute-affinity-redis} module does). An implementation keeps the contract
 * above and these rules:
 *
 * <ul>
 *   <li><b>Results.</b> {@code open} returns a {@link Routed} taken from the {@link BackendSet} it
 *       routed with ({@link BackendPool#snapshot()} read once per call): {@link
 *       BackendSet#route(String, Routed.Outcome)} for a stored backend id, {@link
 *       BackendSet#route(Routed, Routed.Outcome)} to revalidate a cached result, or {@link
 *       NoBackend#INSTANCE}. New clients are routed by the policy's selector over {@link
 *       BackendSet#candidates()}. Each returned {@code Routed} is counted with {@link
 *       Routed#countOpened()}, and each {@code close} calls {@link Routed#countClosed()}, so the
 *       pool's live connection counts stay right.
 *   <li><b>The template rule.</b> An entry with live connections (on any instance sharing the store)
 *       must not expire or be evicted. A store shared by processes that may crash holds live
 *       connections as leases that the holder renews (in {@link #sweep()}), so a crashed holder's
 *       connections stop pinning the entry once its lease runs out.
 *   <li><b>Expiry.</b> Sliding: the persistence timeout restarts with every connection and when the
 *       last one closes. An implementation may keep an entry longer than that (by its renewal period,
 *       say), never shorter, and says by how much.
 *   <li><b>Backends that leave.</b> An entry whose backend is not in the snapshot, or is {@code DOWN},
 *       is never used: the client is re-balanced ({@link Routed.Outcome#REBALANCED}); {@code sweep()}
 *       removes such entries.
 *   <li><b>Store failure.</b> {@code open} never throws and never waits without a deadline because a
 *       store is slow or unreachable: it routes the client by a policy that needs no shared state
 *       (Maglev gives every proxy the same answer), returns {@link Routed.Outcome#UNRECORDED} and
 *       counts it. {@code close}, {@code lookup}, {@code entry} and {@code sweep} likewise return
 *       within a documented deadline.
 *   <li><b>Threads and memory.</b> No threads or timers of its own (the store's client library may
 *       have its I/O threads; the embedder owns them), time from an injected {@link Ticker}, and a
 *       documented bound on the memory held in the process.
 * </ul>
 */
public interface AffinityTable {

  /** The default persistence timeout: 300 seconds, as in IPVS. */
  Duration DEFAULT_PERSISTENCE_TIMEOUT = Duration.ofSeconds(300);

  /** The default maximum size: 1,000,000 entries. */
  long DEFAULT_MAXIMUM_SIZE = 1_000_000;

  /** Returns a builder of the built-in in-process table. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Routes a new connection of the client {@code key}, control or data, and counts it as live until
   * {@link #close}. Allocation-free when the client has a live entry.
   *
   * @return {@link Routed}, to be passed to {@link #close} when the connection ends, or {@link
   *     NoBackend} when the client has no live entry and no backend takes new clients
   * @throws IllegalStateException if the policy returns a {@link Selected} that is not one of its
   *     candidates
   */
  Route open(ClientKey key);

  /**
   * Ends a connection that {@link #open} routed: the entry it counted in has one live connection
   * fewer, and when none is left the persistence timeout starts. Call it exactly once per {@code
   * Routed}, with the same key. Closing a connection whose entry is gone (expired cannot happen while
   * it is open, but its backend may have left) or was never recorded only updates the backend's
   * connection count. Lock-free and allocation-free.
   */
  void close(ClientKey key, Routed routed);

  /**
   * Returns the backend of the client's live entry, without counting a connection or changing the
   * entry's last activity; empty if there is none (or it expired, or its backend left).
   * Allocation-free and lock-free.
   */
  Optional<Backend> lookup(ClientKey key);

  /**
   * Does {@link #open(ClientKey) open(ClientKey.ofIpv4(address, prefixLength))} without making the
   * key object: allocation-free for the IPv4 clients of a proxy that has the address as an {@code
   * int} (network order, first octet in the most significant byte).
   *
   * @throws IllegalArgumentException if {@code prefixLength} is not in 0..32
   */
  default Route openIpv4(int address, int prefixLength) {
    return open(ClientKey.ofIpv4(address, prefixLength));
  }

  /**
   * Does {@link #close(ClientKey, Routed) close(ClientKey.ofIpv4(address, prefixLength), routed)}
   * without making the key object.
   *
   * @throws IllegalArgumentException if {@code prefixLength} is not in 0..32
   */
  default void closeIpv4(int address, int prefixLength, Routed routed) {
    close(ClientKey.ofIpv4(address, prefixLength), routed);
  }

  /**
   * Does {@link #lookup(ClientKey) lookup(ClientKey.ofIpv4(address, prefixLength))} without making
   * the key object.
   *
   * @throws IllegalArgumentException if {@code prefixLength} is not in 0..32
   */
  default Optional<Backend> lookupIpv4(int address, int prefixLength) {
    return lookup(ClientKey.ofIpv4(address, prefixLength));
  }

  /** Returns the client's live entry with its live-connection count, for inspection; empty if none. */
  Optional<AffinityEntry> entry(ClientKey key);

  /**
   * Removes every expired entry and every entry of a backend that was removed or went {@code DOWN},
   * and shrinks storage that has become mostly empty. Takes time proportional to the capacity,
   * locking one stripe at a time; routing continues meanwhile.
   *
   * @return the number of entries removed
   */
  long sweep();

  /**
   * Returns the number of entries held, at most {@link #maximumSize()}. It includes entries that
   * have expired, or whose backend has left, but were not yet removed (see {@link #sweep()}).
   */
  long size();

  /** Returns the counts of what the table did since it was built. */
  AffinityStats stats();

  /** Returns the pool whose backends the table routes to. */
  BackendPool backends();

  /** Returns how long an entry without live connections lives after its last activity. */
  Duration persistenceTimeout();

  /** Returns the largest number of entries the table holds. */
  long maximumSize();

  /**
   * Configures and builds the in-process table. Each setting may be made once; only {@link
   * #backends} is required.
   *
   * <pre>{@code
   * AffinityTable table = AffinityTable.builder()
   *     .backends(pool)
   *     .policy(SelectionPolicy.maglev())
   *     .persistenceTimeout(Duration.ofMinutes(10))
   *     .maximumSize(100_000)
   *     .build();
   * }</pre>
   *
   * <p>Builders are not thread-safe.
   */
  final class Builder {
    /** The largest maximum size: 2^28 (268,435,456) entries. */
    public static final long MAX_MAXIMUM_SIZE = 1L << 28;

    /** The longest persistence timeout: 365 days. */
    public static final Duration MAX_PERSISTENCE_TIMEOUT = Duration.ofDays(365);

    private @Nullable BackendPool backends;
    private @Nullable SelectionPolicy policy;
    private @Nullable Duration persistenceTimeout;
    private long maximumSize = -1;
    private int initialCapacity = -1;
    private @Nullable Ticker ticker;
    private @Nullable AffinityListener listener;

    Builder() {}

    /**
     * Sets the pool of backends to route to. Required. Several tables may share a pool; its live
     * connection counts are then the sum over them.
     *
     * @throws IllegalStateException if already set
     */
    public Builder backends(BackendPool backends) {
      requireNonNull(backends, "backends");
      checkUnset(this.backends == null, "backends");
      this.backends = backends;
      return this;
    }

    /**
     * Sets the policy for clients without an entry. Default: {@link
     * SelectionPolicy#weightedLeastConnections()}. Give each table its own policy instance: stateful
     * policies keep their state in the instance.
     *
     * @throws IllegalStateException if already set
     */
    public Builder policy(SelectionPolicy policy) {
      requireNonNull(policy, "policy");
      checkUnset(this.policy == null, "policy");
      this.policy = policy;
      return this;
    }

    /**
     * Sets how long an entry without live connections lives after its last activity. Default 300
     * seconds. Rounded up to whole milliseconds. {@link Duration#ZERO} keeps an entry only while it
     * has live connections.
     *
     * @throws IllegalArgumentException if negative or longer than 365 days
     * @throws IllegalStateException if already set
     */
    public Builder persistenceTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkUnset(this.persistenceTimeout == null, "persistenceTimeout");
      if (timeout.isNegative() || timeout.compareTo(MAX_PERSISTENCE_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "persistenceTimeout: " + timeout + " (expected: 0.." + MAX_PERSISTENCE_TIMEOUT + ")");
      }
      this.persistenceTimeout = timeout;
      return this;
    }

    /**
     * Sets the largest number of entries. Default 1,000,000. See {@link AffinityTable} for what
     * happens when the table is full.
     *
     * @throws IllegalArgumentException if not in 1..2^28
     * @throws IllegalStateException if already set
     */
    public Builder maximumSize(long maximumSize) {
      checkUnset(this.maximumSize < 0, "maximumSize");
      if (maximumSize < 1 || maximumSize > MAX_MAXIMUM_SIZE) {
        throw new IllegalArgumentException(
            "maximumSize: " + maximumSize + " (expected: 1.." + MAX_MAXIMUM_SIZE + ")");
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Sets how many IPv4 clients to make room for up front, sparing the rehashes of growth. Default
     * 0: storage starts small and grows with the entries.
     *
     * @throws IllegalArgumentException if negative or above the maximum size
     * @throws IllegalStateException if already set
     */
    public Builder initialCapacity(int initialCapacity) {
      checkUnset(this.initialCapacity < 0, "initialCapacity");
      if (initialCapacity < 0) {
        throw new IllegalArgumentException("initialCapacity: " + initialCapacity + " (expected: >= 0)");
      }
      this.initialCapacity = initialCapacity;
      return this;
    }

    /**
     * Sets the time source. Default: {@link Ticker#systemTicker()}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder ticker(Ticker ticker) {
      requireNonNull(ticker, "ticker");
      checkUnset(this.ticker == null, "ticker");
      this.ticker = ticker;
      return this;
    }

    /**
     * Sets the listener of the table's events. Default: {@link AffinityListener#noop()}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder listener(AffinityListener listener) {
      requireNonNull(listener, "listener");
      checkUnset(this.listener == null, "listener");
      this.listener = listener;
      return this;
    }

    /**
     * Builds the table.
     *
     * @throws IllegalStateException if no backends were set
     * @throws IllegalArgumentException if the initial capacity exceeds the maximum size
     */
    public AffinityTable build() {
      if (backends == null) {
        throw new IllegalStateException("backends: not set (expected: a BackendPool)");
      }
      long max = maximumSize < 0 ? DEFAULT_MAXIMUM_SIZE : maximumSize;
      int initial = Math.max(0, initialCapacity);
      if (initial > max) {
        throw new IllegalArgumentException(
            "initialCapacity: " + initial + " (expected: <= maximumSize " + max + ")");
      }
      return new LocalAffinityTable(
          backends,
          policy == null ? SelectionPolicy.weightedLeastConnections() : policy,
          ticker == null ? Ticker.systemTicker() : ticker,
          persistenceTimeout == null ? DEFAULT_PERSISTENCE_TIMEOUT : persistenceTimeout,
          max,
          initial,
          listener == null ? AffinityListener.noop() : listener);
    }

    private static void checkUnset(boolean unset, String name) {
      if (!unset) {
        throw new IllegalStateException(name + ": already set (expected: set once)");
      }
    }
  }
}
