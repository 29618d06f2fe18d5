package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

/** The outcome of {@link DataPortAllocator#claim}: the lease that admits the connection, or why not. */
public sealed interface ClaimResult {
  /**
   * The connection is admitted under {@code lease}.
   *
   * @param lease the lease; its target is where the connection goes
   */
  record Claimed(PortLease lease) implements ClaimResult {
    /** Checks for null. */
    public Claimed {
      requireNonNull(lease, "lease");
    }
  }

  /**
   * The connection must be closed.
   *
   * @param reason why
   */
  record Refused(ClaimRefusal reason) implements ClaimResult {
    /** Checks for null. */
    public Refused {
      requireNonNull(reason, "reason");
    }
  }
}
