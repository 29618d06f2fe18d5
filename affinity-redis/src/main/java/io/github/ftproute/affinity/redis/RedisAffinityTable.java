package io.github.ftproute.affinity.redis;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.AffinityEntry;
import io.github.ftproute.routing.affinity.AffinityStats;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.BackendSet;
import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.NoBackend;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.affinity.Selected;
import io.github.ftproute.routing.affinity.Selection;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AffinityTable} shared by several proxy instances: the entries live in Redis 7 or Valkey
 * (through the embedder's Lettuce connection), so a client whose connections land on different
 * instances meets one backend. Each instance keeps a near cache in front of the store, and routes by
 * Maglev when the store is slow or away.
 *
 * <h2>Routing</h2>
 *
 * <ul>
 *   <li><b>Near hit.</b> A client whose near entry has live connections on this instance, or has been
 *       idle for less than the near cache's idle deadline (default a fifth of the persistence
 *       timeout), goes to that entry's backend with no call to the store. The entry is checked
 *       against the current backend snapshot, as the built-in table does.
 *   <li><b>Store.</b> Otherwise one script on the store gets the client's entry or, if it has none,
 *       records the policy's choice (default {@link SelectionPolicy#maglev()}): two instances that
 *       see a new client at once agree on one backend. An entry naming a backend that is removed or
 *       {@code DOWN} here is replaced by a second call that succeeds only if the entry still names
 *       it ({@link Routed.Outcome#REBALANCED}).
 *   <li><b>Fallback.</b> When the call fails or takes longer than the timeout (default 5 ms), or
 *       the circuit breaker is open, the client goes to its near entry's backend if the near cache
 *       still holds one, else to Maglev's choice over the current candidates, which every instance
 *       with the same backends makes alike ({@link Routed.Outcome#UNRECORDED}, counted in {@link
 *       RedisAffinityStats#fallbackCount()}). The near cache records that choice, unconfirmed: it
 *       routes the client's further connections while they live here, and the next {@link #sweep()}
 *       after the store is back writes it there if the client has none. Three failures in a row open
 *       the breaker; after a back-off (1 s, doubling to 30 s at most, each drawn at random from its
 *       upper half so that instances spread their retries) one call, a routing call or a sweep,
 *       probes the store, and its success closes the breaker.
 * </ul>
 *
 * <h2>Expiry, leases and the template rule</h2>
 *
 * <p>Store entries carry a TTL that only grows: each routing call sets it to at least {@code
 * max(persistenceTimeout, leaseTime)} from then. {@link #sweep()} renews the entries this
 * instance's live connections hold (its leases) to that same time, recreating them if the store lost
 * them, and extends the entries whose last connection here closed since the store last heard of them
 * to the persistence timeout from then. So an entry lives at least the persistence timeout after its
 * last activity on any instance, and while any instance has live connections on it, provided the
 * embedder calls {@code sweep()} more often than every {@code leaseTime / 2} (the MINA transport
 * does every second); it may live up to one sweep interval longer. A crashed instance renews
 * nothing, so its connections pin no entry beyond {@code max(persistenceTimeout, leaseTime)}.
 * The near cache never sends invalidations: an idle near entry is trusted only for its idle
 * deadline, and only while the store's copy is sure to be live.
 *
 * <h2>Backends that leave</h2>
 *
 * <p>Entries name backends by id; all instances should list the same ids. {@link #sweep()} finds the
 * backends that were removed or went {@code DOWN} since the previous sweep and deletes their entries
 * from the store through the per-backend index, 500 per call, so every instance re-balances those
 * clients, and only those. Until then a client whose entry names such a backend is re-balanced on its
 * next connection. A backend that goes {@code DOWN} and comes back between two sweeps loses its
 * entries as well, as in the built-in table.
 *
 * <h2>Memory</h2>
 *
 * <p>In the process: the near cache holds at most {@link #maximumSize()} entries (default 100,000,
 * about 150 bytes each), exceeded at most by the number of threads inserting at once. A new client
 * at a full cache takes the place of an entry without live connections, found by a scan of up to 64
 * entries that resumes where the last one stopped; if none is found the client is routed but not
 * cached (its further connections ask the store). In the store: one string and one sorted-set member
 * per client, each expiring as above ({@code sweep()} trims the index members of expired entries).
 * Give the server a {@code maxmemory} with a {@code volatile-*} policy as a last resort.
 *
 * <h2>Threads and time</h2>
 *
 * <p>The table makes no threads or timers; Lettuce's I/O threads belong to the embedder's {@code
 * RedisClient}. Routing calls wait on the calling thread for at most the timeout (twice, on the
 * first call after the server lost its scripts), {@code sweep()} for at most 20 times the timeout,
 * and at least 100 ms, per batch. The connection should fail commands at once while disconnected
 * ({@code ClientOptions.disconnectedBehavior(REJECT_COMMANDS)}), so that a lost store costs no
 * waiting at all. Time for expiry and the breaker comes from the {@link Ticker} at millisecond
 * resolution; the store's TTLs run on the server's clock. All methods are thread-safe; the near
 * hit path is lock-free and allocation-free and reads the clock only for an idle entry.
 *
 * <p>{@link #size()} and {@link #maximumSize()} are the near cache's. {@link #stats()} counts what
 * this instance did; {@link #redisStats()} adds the store's figures.
 */
public final class RedisAffinityTable implements AffinityTable {
  private static final Logger logger = LoggerFactory.getLogger(RedisAffinityTable.class);
  private static final int RENEW_BATCH = 256;
  private static final int DROP_BATCH = 500;
  private static final int DROP_CALLS_PER_SWEEP = 100;
  private static final int EVICTION_SCAN = 64;

  private final BackendPool pool;
  private final SelectionPolicy policy;
  private final SelectionPolicy fallbackPolicy = SelectionPolicy.maglev();
  private final Store store;
  private final Breaker breaker;
  private final Ticker ticker;
  private final long base;
  private final Duration persistenceTimeout;
  private final long persistenceMillis;
  private final long nearIdleMillis;
  private final long liveTtlMillis;
  private final long timeoutNanos;
  private final long sweepTimeoutNanos;
  private final long maximumSize;
  private final String entryPrefix;
  private final String indexPrefix;
  private final ConcurrentHashMap<ClientKey, NearEntry> near = new ConcurrentHashMap<>();
  private final NearEntry.Freshness freshness = new NearEntry.Freshness() {
    @Override
    public long nowMillis() {
      return RedisAffinityTable.this.nowMillis();
    }

    @Override
    public boolean isFresh(NearEntry entry, long lastActivityMillis, long nowMillis) {
      return RedisAffinityTable.this.isFresh(entry, lastActivityMillis, nowMillis);
    }
  };

  private final Object evictionLock = new Object();
  private @Nullable Iterator<Map.Entry<ClientKey, NearEntry>> evictionCursor; // guarded by evictionLock
  private final Object sweepLock = new Object();
  private BackendSet lastSwept; // guarded by sweepLock

  private volatile SelectorCache selectors;

  private final LongAdder nearHits = new LongAdder();
  private final LongAdder storeHits = new LongAdder();
  private final LongAdder created = new LongAdder();
  private final LongAdder rebalanced = new LongAdder();
  private final LongAdder storeErrors = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder nearExpired = new LongAdder();
  private final LongAdder nearEvicted = new LongAdder();
  private final LongAdder uncached = new LongAdder();

  /** The selectors built for one backend snapshot. */
  private record SelectorCache(BackendSet set, SelectionPolicy.Selector policy, SelectionPolicy.Selector fallback) {}

  private RedisAffinityTable(Builder b, StatefulRedisConnection<String, String> connection, BackendPool pool) {
    this.pool = pool;
    this.policy = b.policy == null ? SelectionPolicy.maglev() : b.policy;
    this.store = new Store(connection);
    this.ticker = b.ticker == null ? Ticker.systemTicker() : b.ticker;
    this.base = ticker.read();
    this.persistenceTimeout = b.persistenceTimeout == null ? DEFAULT_PERSISTENCE_TIMEOUT : b.persistenceTimeout;
    this.persistenceMillis = ceilMillis(persistenceTimeout);
    this.nearIdleMillis = b.nearCacheIdle == null ? persistenceMillis / 5 : ceilMillis(b.nearCacheIdle);
    if (persistenceMillis == 0 ? nearIdleMillis != 0 : nearIdleMillis >= persistenceMillis) {
      throw new IllegalArgumentException("nearCacheIdle: " + Duration.ofMillis(nearIdleMillis)
          + " (expected: shorter than the persistence timeout " + persistenceTimeout + ", or 0)");
    }
    long lease = ceilMillis(b.leaseTime == null ? Builder.DEFAULT_LEASE_TIME : b.leaseTime);
    this.liveTtlMillis = Math.max(persistenceMillis, lease);
    this.timeoutNanos = (b.timeout == null ? Builder.DEFAULT_TIMEOUT : b.timeout).toNanos();
    this.sweepTimeoutNanos = Math.max(Duration.ofMillis(100).toNanos(), 20 * timeoutNanos);
    this.maximumSize = b.maximumSize < 0 ? Builder.DEFAULT_NEAR_CACHE_SIZE : b.maximumSize;
    String prefix = b.keyPrefix == null ? Builder.DEFAULT_KEY_PREFIX : b.keyPrefix;
    this.entryPrefix = prefix + "e:";
    this.indexPrefix = prefix + "b:";
    this.breaker = new Breaker(3, Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(30).toNanos());
    BackendSet set = pool.snapshot();
    this.lastSwept = set;
    this.selectors = selectors(set);
  }

  /** Returns a builder of a table over a Lettuce connection. */
  public static Builder builder() {
    return new Builder();
  }

  // ---- routing ----

  /**
   * Routes a new connection: from the near cache, else through one call to the store, else by the
   * fallback; see the class description. Waits at most the timeout (twice after the server lost its
   * scripts, and once more to replace an entry of a departed backend).
   */
  @Override
  public Route open(ClientKey key) {
    requireNonNull(key, "key");
    BackendSet set = pool.snapshot();
    NearEntry entry = near.get(key);
    if (entry != null) {
      Routed routed = entry.existing(set);
      if (routed != null && entry.tryOpen(freshness)) {
        nearHits.increment();
        routed.countOpened();
        return routed;
      }
    }
    return openRemote(key, set);
  }

  private Route openRemote(ClientKey key, BackendSet set) {
    Selection proposal = selectors(set).policy.select(key);
    String proposed = proposal instanceof Selected selected ? checked(set.candidates(), selected).id() : "";
    long now = ticker.read();
    if (!breaker.allow(now)) {
      return fallback(key, set);
    }
    String entryKey = entryKey(key);
    List<Object> reply;
    try {
      reply = store.route(entryKey, proposed, liveTtlMillis, "", indexPrefix, timeoutNanos);
      String id = (String) reply.get(0);
      long code = (Long) reply.get(1);
      Route route = id.isEmpty() ? NoBackend.INSTANCE : set.route(id, outcome(code));
      if (!id.isEmpty() && route instanceof NoBackend) {
        // The entry names a backend that is removed or DOWN here: replace it, unless another
        // instance already has.
        reply = store.route(entryKey, proposed, liveTtlMillis, id, indexPrefix, timeoutNanos);
        String again = (String) reply.get(0);
        code = (Long) reply.get(1);
        route = again.isEmpty() ? NoBackend.INSTANCE
            : set.route(again, code == 0 ? Routed.Outcome.EXISTING : Routed.Outcome.REBALANCED);
        if (!again.isEmpty() && route instanceof NoBackend) {
          storeSucceeded();
          return fallback(key, set); // yet another backend this instance does not have
        }
      }
      storeSucceeded();
      count(code);
      if (!(route instanceof Routed routed)) {
        return NoBackend.INSTANCE;
      }
      cache(key, set, routed, nowMillis(now));
      routed.countOpened();
      return routed;
    } catch (Store.StoreException e) {
      storeFailed(e);
      return fallback(key, set);
    } catch (ClassCastException | IndexOutOfBoundsException | NullPointerException e) {
      storeFailed(new Store.StoreException("route: unexpected reply " + e, e));
      return fallback(key, set);
    }
  }

  /** Routes without the store: the near cache's entry if there is one, else Maglev's choice. */
  private Route fallback(ClientKey key, BackendSet set) {
    fallbacks.increment();
    long now = nowMillis();
    NearEntry entry = near.get(key);
    if (entry != null) {
      Routed routed = entry.existing(set);
      if (routed != null && entry.open(now)) {
        routed.countOpened();
        return routed.withOutcome(Routed.Outcome.UNRECORDED);
      }
    }
    if (!(selectors(set).fallback.select(key) instanceof Selected selected)) {
      return NoBackend.INSTANCE;
    }
    Routed routed = (Routed) set.route(checked(set.candidates(), selected).id(), Routed.Outcome.UNRECORDED);
    cacheUnconfirmed(key, set, routed, now);
    routed.countOpened();
    return routed;
  }

  @Override
  public void close(ClientKey key, Routed routed) {
    requireNonNull(key, "key");
    requireNonNull(routed, "routed");
    routed.countClosed();
    NearEntry entry = near.get(key);
    if (entry != null && entry.existing().sameIncarnation(routed)) {
      entry.close(freshness);
    }
  }

  // ---- reading ----

  /**
   * Returns the backend of the client's entry: from the near cache while it is fresh, else from the
   * store (one {@code GET}, no TTL change, waiting at most the timeout); empty if there is none, if
   * its backend left, or if the store cannot be asked.
   */
  @Override
  public Optional<Backend> lookup(ClientKey key) {
    requireNonNull(key, "key");
    BackendSet set = pool.snapshot();
    NearEntry entry = near.get(key);
    if (entry != null) {
      Routed routed = entry.existing(set);
      long state = entry.state.get();
      if (routed != null && state != NearEntry.DEAD && (NearEntry.count(state) > 0
          || isFresh(entry, NearEntry.lastActivity(state), nowMillis()))) {
        return Optional.of(routed.backend());
      }
    }
    if (!breaker.allow(ticker.read())) {
      return Optional.empty();
    }
    try {
      String id = store.get(entryKey(key), timeoutNanos);
      storeSucceeded();
      return id != null && set.route(id, Routed.Outcome.EXISTING) instanceof Routed routed
          ? Optional.of(routed.backend())
          : Optional.empty();
    } catch (Store.StoreException e) {
      storeFailed(e);
      return Optional.empty();
    }
  }

  /**
   * Returns the client's entry as {@link #lookup} finds it, with the live connections this instance
   * has on it (other instances' are not counted).
   */
  @Override
  public Optional<AffinityEntry> entry(ClientKey key) {
    Optional<Backend> backend = lookup(key);
    if (backend.isEmpty()) {
      return Optional.empty();
    }
    NearEntry entry = near.get(key);
    long state = entry == null ? NearEntry.DEAD : entry.state.get();
    int live = state == NearEntry.DEAD || !entry.backendId.equals(backend.get().id())
        ? 0 : (int) Math.min(Integer.MAX_VALUE, NearEntry.count(state));
    return Optional.of(new AffinityEntry(key, backend.get(), live));
  }

  // ---- maintenance ----

  /**
   * Renews this instance's leases and touched entries in the store, confirms or drops near entries
   * accordingly, removes near entries that are past the persistence timeout or whose backend left,
   * deletes the store entries of backends that left since the last sweep, and trims the indexes. Does
   * the store's part only while the breaker lets calls through (a sweep may be the breaker's probe).
   * Concurrent calls are serialised.
   *
   * @return the number of near entries removed plus the number of store entries dropped
   */
  @Override
  public long sweep() {
    synchronized (sweepLock) {
      BackendSet set = pool.snapshot();
      long removed = sweepNear(set);
      if (breaker.allow(ticker.read())) {
        try {
          removed += dropDeparted(set);
          String[] indexes = set.backends().stream().map(b -> indexPrefix + b.id()).toArray(String[]::new);
          if (indexes.length > 0) {
            store.trim(indexes, sweepTimeoutNanos);
          }
          storeSucceeded();
        } catch (Store.StoreException e) {
          storeFailed(e);
        }
      }
      return removed;
    }
  }

  private long sweepNear(BackendSet set) {
    long now = nowMillis();
    long removed = 0;
    List<ClientKey> keys = new ArrayList<>();
    List<NearEntry> entries = new ArrayList<>();
    List<String> args = new ArrayList<>();
    boolean storeUsable = true;
    for (Map.Entry<ClientKey, NearEntry> e : near.entrySet()) {
      NearEntry entry = e.getValue();
      long state = entry.state.get();
      if (state == NearEntry.DEAD) {
        near.remove(e.getKey(), entry);
        continue;
      }
      if (entry.existing(set) == null) {
        entry.kill();
        near.remove(e.getKey(), entry);
        removed++;
        continue;
      }
      long last = NearEntry.lastActivity(state);
      boolean live = NearEntry.count(state) > 0;
      if (!live && now - last >= persistenceMillis) {
        if (entry.killIfIdle()) {
          near.remove(e.getKey(), entry);
          nearExpired.increment();
          removed++;
        }
        continue;
      }
      if (live || (last > entry.confirmedMillis && persistenceMillis > 0)) {
        keys.add(e.getKey());
        entries.add(entry);
        args.add(entry.backendId);
        args.add(Long.toString(live ? liveTtlMillis : persistenceMillis));
        args.add(live ? "1" : "0");
        if (keys.size() == RENEW_BATCH) {
          storeUsable = renew(storeUsable, keys, entries, args, now);
        }
      }
    }
    if (!keys.isEmpty()) {
      renew(storeUsable, keys, entries, args, now);
    }
    return removed;
  }

  /** Sends one renewal batch and applies its answer; clears the batch; returns whether it worked. */
  private boolean renew(boolean usable, List<ClientKey> keys, List<NearEntry> entries, List<String> args, long now) {
    try {
      if (!usable || !breaker.allow(ticker.read())) {
        return false;
      }
      String[] keyArray = keys.stream().map(this::entryKey).toArray(String[]::new);
      List<String> all = new ArrayList<>(args.size() + 1);
      all.add(indexPrefix);
      all.addAll(args);
      List<Object> codes = store.renew(keyArray, all.toArray(String[]::new), sweepTimeoutNanos);
      storeSucceeded();
      for (int i = 0; i < entries.size(); i++) {
        NearEntry entry = entries.get(i);
        if (((Long) codes.get(i)) == 1) {
          entry.confirmedMillis = now;
        } else if (entry.killIfIdle()) {
          near.remove(keys.get(i), entry); // the store forgot it or holds another backend
        } else {
          entry.confirmedMillis = NearEntry.UNCONFIRMED; // routes its live connections, then asks
        }
      }
      return true;
    } catch (Store.StoreException e) {
      storeFailed(e);
      return false;
    } finally {
      keys.clear();
      entries.clear();
      args.clear();
    }
  }

  /** Deletes the store entries of the backends that left since the last sweep. */
  private long dropDeparted(BackendSet set) throws Store.StoreException {
    BackendSet last = lastSwept;
    if (last == set) {
      return 0;
    }
    long count = 0;
    int calls = 0;
    for (Backend backend : last.backends()) {
      if (!(last.route(backend.id(), Routed.Outcome.EXISTING) instanceof Routed before)
          || set.route(before, Routed.Outcome.EXISTING) instanceof Routed) {
        continue; // was already gone, or is still here in the same incarnation
      }
      long n;
      do {
        if (++calls > DROP_CALLS_PER_SWEEP) {
          return count; // the rest next time
        }
        n = store.drop(indexPrefix + backend.id(), backend.id(), DROP_BATCH, sweepTimeoutNanos);
        count += n;
      } while (n == DROP_BATCH);
      logger.info("affinity store: dropped the entries of departed backend {}", backend.id());
    }
    dropped.add(count);
    lastSwept = set;
    return count;
  }

  // ---- the near cache ----

  /** Counts a connection the store routed in the client's near entry, making one if needed. */
  private void cache(ClientKey key, BackendSet set, Routed routed, long now) {
    put(key, set, routed.withOutcome(Routed.Outcome.EXISTING), now, now);
  }

  private void cacheUnconfirmed(ClientKey key, BackendSet set, Routed routed, long now) {
    put(key, set, routed.withOutcome(Routed.Outcome.EXISTING), now, NearEntry.UNCONFIRMED);
  }

  private void put(ClientKey key, BackendSet set, Routed existing, long now, long confirmed) {
    if (!near.containsKey(key) && near.mappingCount() >= maximumSize && !evictOne()) {
      uncached.increment();
      return;
    }
    near.compute(key, (k, old) -> {
      if (old != null) {
        Routed before = old.existing(set);
        if (before != null && before.sameIncarnation(existing) && old.open(now)) {
          if (confirmed != NearEntry.UNCONFIRMED) {
            old.confirmedMillis = confirmed;
          }
          return old;
        }
        old.kill();
      }
      return new NearEntry(set, existing, now, confirmed);
    });
  }

  private boolean evictOne() {
    synchronized (evictionLock) {
      for (int i = 0; i < EVICTION_SCAN; i++) {
        Iterator<Map.Entry<ClientKey, NearEntry>> cursor = evictionCursor;
        if (cursor == null || !cursor.hasNext()) {
          cursor = near.entrySet().iterator();
          evictionCursor = cursor;
          if (!cursor.hasNext()) {
            return false;
          }
        }
        Map.Entry<ClientKey, NearEntry> e = cursor.next();
        if (e.getValue().killIfIdle()) {
          near.remove(e.getKey(), e.getValue());
          nearEvicted.increment();
          return true;
        }
      }
      return false;
    }
  }

  private boolean isFresh(NearEntry entry, long lastActivityMillis, long nowMillis) {
    long confirmed = entry.confirmedMillis;
    return confirmed != NearEntry.UNCONFIRMED
        && nowMillis - lastActivityMillis < nearIdleMillis
        && nowMillis - confirmed < persistenceMillis - nearIdleMillis;
  }

  // ---- counters ----

  /**
   * Returns this instance's counts in the built-in table's terms: created and re-balanced entries,
   * hits (near and store), near entries expired and evicted, and as unrecorded the fallbacks and the
   * connections a full near cache did not record.
   */
  @Override
  public AffinityStats stats() {
    return new AffinityStats(created.sum(), nearHits.sum() + storeHits.sum(), nearExpired.sum(), nearEvicted.sum(),
        rebalanced.sum(), fallbacks.sum() + uncached.sum());
  }

  /** Returns this instance's counts of near hits, store hits, remote calls, store errors and fallbacks. */
  public RedisAffinityStats redisStats() {
    return new RedisAffinityStats(nearHits.sum(), storeHits.sum(), created.sum(), rebalanced.sum(), store.calls.sum(),
        storeErrors.sum(), fallbacks.sum(), dropped.sum());
  }

  /** Returns whether the circuit breaker is open: routing does without the store until a probe succeeds. */
  public boolean isStoreSuspended() {
    return breaker.isOpen();
  }

  /** Returns the number of near cache entries, at most {@link #maximumSize()} (see the class description). */
  @Override
  public long size() {
    return near.mappingCount();
  }

  @Override
  public BackendPool backends() {
    return pool;
  }

  @Override
  public Duration persistenceTimeout() {
    return persistenceTimeout;
  }

  /** Returns the near cache's largest number of entries. */
  @Override
  public long maximumSize() {
    return maximumSize;
  }

  @Override
  public String toString() {
    return "RedisAffinityTable[near=" + size() + "/" + maximumSize + ", timeout=" + persistenceTimeout
        + ", prefix=" + entryPrefix.substring(0, entryPrefix.length() - 2) + ", policy=" + policy + "]";
  }

  // ---- helpers ----

  private String entryKey(ClientKey key) {
    return entryPrefix + key;
  }

  private long nowMillis() {
    return nowMillis(ticker.read());
  }

  private long nowMillis(long tickerNanos) {
    return (tickerNanos - base) / 1_000_000;
  }

  private void count(long code) {
    if (code == 0) {
      storeHits.increment();
    } else if (code == 1) {
      created.increment();
    } else if (code == 2) {
      created.increment();
      rebalanced.increment();
    }
  }

  private static Routed.Outcome outcome(long code) {
    return code == 0 ? Routed.Outcome.EXISTING : code == 2 ? Routed.Outcome.REBALANCED : Routed.Outcome.CREATED;
  }

  private void storeSucceeded() {
    if (breaker.isOpen()) {
      breaker.success();
      logger.info("affinity store: reachable again; sharing resumes");
    } else {
      breaker.success();
    }
  }

  private void storeFailed(Store.StoreException e) {
    storeErrors.increment();
    boolean wasOpen = breaker.isOpen();
    breaker.failure(ticker.read());
    if (!wasOpen && breaker.isOpen()) {
      logger.warn("affinity store: unavailable ({}); routing by Maglev until it answers", e.getMessage());
    }
  }

  private SelectorCache selectors(BackendSet set) {
    SelectorCache cache = selectors;
    if (cache == null || cache.set != set) {
      cache = new SelectorCache(set, policy.newSelector(set.candidates()), fallbackPolicy.newSelector(set.candidates()));
      selectors = cache;
    }
    return cache;
  }

  private static Backend checked(Candidates candidates, Selected selected) {
    if (selected.index() >= candidates.size() || candidates.get(selected.index()) != selected.backend()) {
      throw new IllegalStateException(
          "selection: " + selected + " (expected: Candidates.select(i) of the candidates given to the policy)");
    }
    return selected.backend();
  }

  private static long ceilMillis(Duration d) {
    long millis = d.toMillis();
    return d.minusMillis(millis).isZero() ? millis : millis + 1;
  }

  /**
   * Configures and builds a {@link RedisAffinityTable}. Each setting may be made once; {@link
   * #connection} and {@link #backends} are required. Not thread-safe.
   *
   * <pre>{@code
   * RedisClient client = RedisClient.create("redis://10.0.0.5:6379");
   * client.setOptions(ClientOptions.builder()
   *     .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
   * RedisAffinityTable table = RedisAffinityTable.builder()
   *     .connection(client.connect())
   *     .backends(pool)
   *     .persistenceTimeout(Duration.ofMinutes(10))
   *     .build();
   * }</pre>
   */
  public static final class Builder {
    /** The default timeout of a routing call to the store: 5 ms. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5);

    /** The default lease time: 30 seconds. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(30);

    /** The default near cache size: 100,000 entries. */
    public static final long DEFAULT_NEAR_CACHE_SIZE = 100_000;

    /** The default key prefix: {@code ftproute:}. */
    public static final String DEFAULT_KEY_PREFIX = "ftproute:";

    private @Nullable StatefulRedisConnection<String, String> connection;
    private @Nullable BackendPool backends;
    private @Nullable SelectionPolicy policy;
    private @Nullable Duration persistenceTimeout;
    private @Nullable Duration nearCacheIdle;
    private @Nullable Duration leaseTime;
    private @Nullable Duration timeout;
    private long maximumSize = -1;
    private @Nullable String keyPrefix;
    private @Nullable Ticker ticker;

    Builder() {}

    /**
     * Sets the store connection (string keys and values, as {@code RedisClient.connect()} gives).
     * Required. The table does not close it; the embedder owns the client and its threads.
     */
    public Builder connection(StatefulRedisConnection<String, String> connection) {
      requireNonNull(connection, "connection");
      checkUnset(this.connection == null, "connection");
      this.connection = connection;
      return this;
    }

    /** Sets the pool of backends to route to. Required. */
    public Builder backends(BackendPool backends) {
      requireNonNull(backends, "backends");
      checkUnset(this.backends == null, "backends");
      this.backends = backends;
      return this;
    }

    /**
     * Sets the policy for clients the store has no entry for. Default {@link SelectionPolicy#maglev()},
     * which is also the fallback, so a client's backend is the same with and without the store while
     * the backends do not change.
     */
    public Builder policy(SelectionPolicy policy) {
      requireNonNull(policy, "policy");
      checkUnset(this.policy == null, "policy");
      this.policy = policy;
      return this;
    }

    /**
     * Sets how long an entry lives after its last activity on any instance. Default 300 seconds;
     * rounded up to milliseconds; 0 keeps entries only while connections live (and a lease time
     * after).
     *
     * @throws IllegalArgumentException if negative or longer than 365 days
     */
    public Builder persistenceTimeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkUnset(this.persistenceTimeout == null, "persistenceTimeout");
      if (timeout.isNegative() || timeout.compareTo(AffinityTable.Builder.MAX_PERSISTENCE_TIMEOUT) > 0) {
        throw new IllegalArgumentException("persistenceTimeout: " + timeout + " (expected: 0.."
            + AffinityTable.Builder.MAX_PERSISTENCE_TIMEOUT + ")");
      }
      this.persistenceTimeout = timeout;
      return this;
    }

    /**
     * Sets how long an idle near entry is trusted without asking the store. Default a fifth of the
     * persistence timeout; must be shorter than it (or 0, which the persistence timeout 0 requires).
     * Longer saves calls; shorter lets this instance see sooner that another one re-balanced a
     * client. Checked by {@link #build()}.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder nearCacheIdle(Duration idle) {
      requireNonNull(idle, "idle");
      checkUnset(this.nearCacheIdle == null, "nearCacheIdle");
      if (idle.isNegative()) {
        throw new IllegalArgumentException("nearCacheIdle: " + idle + " (expected: >= 0)");
      }
      this.nearCacheIdle = idle;
      return this;
    }

    /**
     * Sets how long an entry held by live connections stays in the store after this instance's last
     * renewal ({@link #sweep()}). Default 30 seconds. Call {@code sweep()} more often than every half
     * of it.
     *
     * @throws IllegalArgumentException if not in 1 ms..1 day
     */
    public Builder leaseTime(Duration lease) {
      requireNonNull(lease, "lease");
      checkUnset(this.leaseTime == null, "leaseTime");
      if (lease.compareTo(Duration.ofMillis(1)) < 0 || lease.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("leaseTime: " + lease + " (expected: 1 ms..1 day)");
      }
      this.leaseTime = lease;
      return this;
    }

    /**
     * Sets how long a routing call waits for the store before routing without it. Default 5 ms.
     *
     * @throws IllegalArgumentException if not in 1 µs..10 s
     */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "timeout");
      checkUnset(this.timeout == null, "timeout");
      if (timeout.compareTo(Duration.ofNanos(1000)) < 0 || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: 1 us..10 s)");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the near cache's largest number of entries. Default 100,000.
     *
     * @throws IllegalArgumentException if not in 1..2^28
     */
    public Builder maximumSize(long maximumSize) {
      checkUnset(this.maximumSize < 0, "maximumSize");
      if (maximumSize < 1 || maximumSize > AffinityTable.Builder.MAX_MAXIMUM_SIZE) {
        throw new IllegalArgumentException(
            "maximumSize: " + maximumSize + " (expected: 1.." + AffinityTable.Builder.MAX_MAXIMUM_SIZE + ")");
      }
      this.maximumSize = maximumSize;
      return this;
    }

    /**
     * Sets the prefix of the table's keys in the store. Default {@code ftproute:}. Instances share
     * entries exactly when they share the server, the database and the prefix.
     *
     * @throws IllegalArgumentException if empty, longer than 64 characters or holding a control
     *     character or a space
     */
    public Builder keyPrefix(String prefix) {
      requireNonNull(prefix, "prefix");
      checkUnset(this.keyPrefix == null, "keyPrefix");
      if (prefix.isEmpty() || prefix.length() > 64 || prefix.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
        throw new IllegalArgumentException(
            "keyPrefix: '" + prefix + "' (expected: 1..64 characters, no space or control character)");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /** Sets the time source for the near cache and the breaker. Default {@link Ticker#systemTicker()}. */
    public Builder ticker(Ticker ticker) {
      requireNonNull(ticker, "ticker");
      checkUnset(this.ticker == null, "ticker");
      this.ticker = ticker;
      return this;
    }

    /**
     * Builds the table. Makes no call to the store.
     *
     * @throws IllegalStateException if the connection or the backends were not set
     * @throws IllegalArgumentException if the near cache idle time is not shorter than the
     *     persistence timeout
     */
    public RedisAffinityTable build() {
      if (connection == null) {
        throw new IllegalStateException("connection: not set (expected: a Lettuce StatefulRedisConnection)");
      }
      if (backends == null) {
        throw new IllegalStateException("backends: not set (expected: a BackendPool)");
      }
      return new RedisAffinityTable(this, connection, backends);
    }

    private static void checkUnset(boolean unset, String name) {
      if (!unset) {
        throw new IllegalStateException(name + ": already set (expected: set once)");
      }
    }
  }
}
