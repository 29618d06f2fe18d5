package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.Segment;
import java.time.Duration;
import java.util.Optional;

/**
 * The in-process {@link AffinityTable}: lock-striped open-addressing hash tables of primitive slots,
 * one set of stripes for IPv4 keys and one for IPv6 keys. See {@link Segment} for the layout and
 * the concurrency scheme, and {@link AffinityTable} for the contract.
 *
 * <p>This class checks arguments, turns a key into the bits a stripe stores and hands the work to
 * one part per idea, all sharing one {@link Stripes}:
 *
 * <ul>
 *   <li>{@link Connections}: {@code open} and {@code close} (lock-free on a hit and on close);
 *   <li>{@link Eviction}: room for a new client in a full table;
 *   <li>{@link Lookup}: {@code lookup} (lock-free) and {@code entry};
 *   <li>{@link Sweep}: {@code sweep}.
 * </ul>
 */
final class LocalAffinityTable implements AffinityTable {
  private final BackendPool pool;
  private final SelectionPolicy policy;
  private final Duration persistenceTimeout;
  private final long maximumSize;
  private final Stripes stripes;
  private final Segment[] ipv4;
  private final Segment[] ipv6;
  private final Connections connections;
  private final Lookup lookup;
  private final Sweep sweep;

  LocalAffinityTable(
      BackendPool pool,
      SelectionPolicy policy,
      Ticker ticker,
      Duration persistenceTimeout,
      long maximumSize,
      int initialCapacity,
      AffinityListener listener) {
    this.pool = pool;
    this.policy = policy;
    this.persistenceTimeout = persistenceTimeout;
    this.maximumSize = maximumSize;
    this.stripes = new Stripes(pool, ticker, persistenceTimeout, maximumSize, initialCapacity, listener);
    this.ipv4 = stripes.ipv4;
    this.ipv6 = stripes.ipv6;
    this.connections = new Connections(stripes, new Eviction(stripes), policy, maximumSize);
    this.lookup = new Lookup(stripes);
    this.sweep = new Sweep(stripes);
  }

  // ---- routing ----

  @Override
  public Route open(ClientKey key) {
    requireNonNull(key, "key");
    return key.isIpv4()
        ? connections.open(key, ipv4, Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength()), 0, 0)
        : connections.open(key, ipv6, Segment.ipv6Bits(key.prefixLength()), key.high(), key.low());
  }

  @Override
  public Route openIpv4(int address, int prefixLength) {
    return connections.open(null, ipv4, Stripes.ipv4Bits(address, prefixLength), 0, 0);
  }

  @Override
  public void close(ClientKey key, Routed routed) {
    requireNonNull(key, "key");
    requireNonNull(routed, "routed");
    if (key.isIpv4()) {
      connections.close(ipv4, Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength()), 0, 0, routed);
    } else {
      connections.close(ipv6, Segment.ipv6Bits(key.prefixLength()), key.high(), key.low(), routed);
    }
  }

  @Override
  public void closeIpv4(int address, int prefixLength, Routed routed) {
    long keyBits = Stripes.ipv4Bits(address, prefixLength);
    connections.close(ipv4, keyBits, 0, 0, requireNonNull(routed, "routed"));
  }

  // ---- reading ----

  @Override
  public Optional<Backend> lookup(ClientKey key) {
    requireNonNull(key, "key");
    BackendEntry entry = key.isIpv4()
        ? lookup.liveEntry(ipv4, Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength()), 0, 0)
        : lookup.liveEntry(ipv6, Segment.ipv6Bits(key.prefixLength()), key.high(), key.low());
    return entry == null ? Optional.empty() : entry.optional();
  }

  @Override
  public Optional<Backend> lookupIpv4(int address, int prefixLength) {
    BackendEntry entry = lookup.liveEntry(ipv4, Stripes.ipv4Bits(address, prefixLength), 0, 0);
    return entry == null ? Optional.empty() : entry.optional();
  }

  @Override
  public Optional<AffinityEntry> entry(ClientKey key) {
    requireNonNull(key, "key");
    return Optional.ofNullable(key.isIpv4()
        ? lookup.entry(ipv4, Segment.ipv4Bits(key.ipv4Bits(), key.prefixLength()), 0, 0, key)
        : lookup.entry(ipv6, Segment.ipv6Bits(key.prefixLength()), key.high(), key.low(), key));
  }

  // ---- maintenance and counters ----

  @Override
  public long sweep() {
    return sweep.sweep();
  }

  @Override
  public long size() {
    return stripes.size.get();
  }

  @Override
  public AffinityStats stats() {
    Stripes s = stripes;
    return new AffinityStats(
        s.created.sum(), s.hits.sum(), s.expired.sum(), s.evicted.sum(), s.rebalanced.sum(), s.unrecorded.sum());
  }

  @Override
  public BackendPool backends() {
    return pool;
  }

  @Override
  public Duration persistenceTimeout() {
    return persistenceTimeout;
  }

  @Override
  public long maximumSize() {
    return maximumSize;
  }

  @Override
  public String toString() {
    return "AffinityTable[size=" + size() + "/" + maximumSize + ", timeout=" + persistenceTimeout
        + ", policy=" + policy + "]";
  }

  /** Returns the bytes held by the slot arrays, for the memory-per-entry budget. */
  long slotBytes() {
    long bytes = 0;
    for (Segment[] family : stripes.families) {
      for (Segment seg : family) {
        bytes += 16 + 8L * seg.slots.length;
      }
    }
    return bytes;
  }
}
