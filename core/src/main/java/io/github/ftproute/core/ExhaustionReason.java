package io.github.ftproute.core;

/** Why {@link DataPortAllocator#lease} gave no port. */
public enum ExhaustionReason {
  /**
   * No port of the range can take a lease for this peer: every port is leased (in shared mode: holds
   * as many leases as a port may, or already one for this peer), rejected by the port probe, or
   * resting after this peer's last connection to it.
   */
  RANGE_FULL,
  /** The owner already holds as many leases as one client may at once. */
  CLIENT_LIMIT,
  /** The owner has used up its lease rate (the token bucket of {@code clientLeaseRate}); it refills with time. */
  CLIENT_RATE
}
