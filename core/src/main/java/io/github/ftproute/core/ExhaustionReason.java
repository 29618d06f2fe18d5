package io.github.ftproute.core;

/** Why {@link DataPortAllocator#lease} gave no port. */
public enum ExhaustionReason {
  /** Every port of the range is leased, in quarantine, or rejected by the port probe. */
  RANGE_FULL,
  /** The owner already holds as many leases as one client may. */
  CLIENT_LIMIT
}
