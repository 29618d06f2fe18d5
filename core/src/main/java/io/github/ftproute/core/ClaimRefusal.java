package io.github.ftproute.core;

/** Why {@link DataPortAllocator#claim} refused a connection. */
public enum ClaimRefusal {
  /** The port has no lease: never leased, released, or out of the range. */
  NO_LEASE,
  /** The lease was not claimed within the accept timeout; the port is in quarantine. */
  EXPIRED,
  /** The lease has admitted as many connections as it allows (one, unless asked otherwise). */
  ALREADY_CLAIMED,
  /** The remote address does not match the lease under the allocator's {@link PeerMatch} rule. */
  FOREIGN_PEER
}
