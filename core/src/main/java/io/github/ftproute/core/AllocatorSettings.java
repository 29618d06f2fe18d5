package io.github.ftproute.core;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The settings behind {@link DataPortAllocator.Builder}, with the set-once bookkeeping and the checks
 * shared by its setters. Not thread-safe.
 */
abstract class AllocatorSettings {
  @Nullable PortRange range;
  Ticker ticker = Ticker.systemTicker();
  Duration acceptTimeout = DataPortAllocator.DEFAULT_ACCEPT_TIMEOUT;
  Duration quarantine = DataPortAllocator.DEFAULT_QUARANTINE;
  Duration probeBackoff = DataPortAllocator.DEFAULT_PROBE_BACKOFF;
  int maxLeasesPerClient = DataPortAllocator.DEFAULT_MAX_LEASES_PER_CLIENT;
  int burst = DataPortAllocator.DEFAULT_CLIENT_BURST;
  int leasesPerSecond = DataPortAllocator.DEFAULT_CLIENT_LEASES_PER_SECOND;
  PeerMatch peerMatch = PeerMatch.SAME_IP;
  boolean shared;
  @Nullable PortProbe probe;
  RandomGenerator random = SecureRandomBuffer.INSTANCE;
  boolean sequential;
  private int set;

  AllocatorSettings() {}

  /** Marks setting {@code bit} as set, or throws if it already was. */
  final void once(int bit, String name) {
    if ((set & (1 << bit)) != 0) {
      throw new IllegalStateException(name + " was already set");
    }
    set |= 1 << bit;
  }

  static Duration positive(String name, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
    return d;
  }

  static Duration nonNegative(String name, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
    }
    return d;
  }

  static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
    return value;
  }

  /** Refuses shared ports with {@link PeerMatch#ANY}, from whichever setter comes second. */
  static void checkShared(boolean shared, PeerMatch match) {
    if (shared && match == PeerMatch.ANY) {
      throw new IllegalArgumentException("sharedPorts with peerMatch ANY (expected: SAME_IP or SAME_KEY: a shared"
          + " port picks its lease by the connecting peer's address)");
    }
  }
}
