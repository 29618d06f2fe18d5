package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

/** The outcome of {@link DataPortAllocator#lease}: a lease, or why there is none. */
public sealed interface LeaseResult {
  /**
   * A port was leased.
   *
   * @param lease the lease; close it when it is no longer needed
   */
  record Leased(PortLease lease) implements LeaseResult {
    /** Checks for null. */
    public Leased {
      requireNonNull(lease, "lease");
    }
  }

  /**
   * No port was leased.
   *
   * @param reason why
   */
  record Exhausted(ExhaustionReason reason) implements LeaseResult {
    /** Checks for null. */
    public Exhausted {
      requireNonNull(reason, "reason");
    }
  }
}
