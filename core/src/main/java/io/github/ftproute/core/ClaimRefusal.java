package io.github.ftproute.core;

/** Why {@link DataPortAllocator#claim} refused a connection. */
public enum ClaimRefusal {
  /** The port has no lease: never leased, released, or out of the range. */
  NO_LEASE,
  /**
   * The connecting peer's lease on this port was not claimed within the accept timeout (reported
   * until the port's next lease).
   */
  EXPIRED,
  /** The lease has admitted as many connections as it allows (one, unless asked otherwise). */
  ALREADY_CLAIMED,
  /** The port has leases, but none that the remote address matches under the allocator's {@link PeerMatch} rule. */
  FOREIGN_PEER
}
