package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of {@link DataPortAllocator#claim}: the lease that admits the connection, or why not.
 * Match it with {@code instanceof ClaimResult.Claimed claimed} and {@code claimed.lease()}.
 */
public sealed interface ClaimResult permits ClaimResult.Claimed, ClaimResult.Refused {
  /**
   * The connection is admitted under {@link #lease()}. The only implementation is {@link PortLease}
   * itself, so an admission allocates nothing.
   */
  sealed interface Claimed extends ClaimResult permits PortLease {
    /** Returns the lease; its target is where the connection goes. */
    PortLease lease();
  }

  /**
   * The connection must be closed. The allocator hands out one shared instance per reason.
   *
   * @param reason why
   */
  record Refused(ClaimRefusal reason) implements ClaimResult {
    private static final Refused[] CACHE = cache();

    /** Checks for null. */
    public Refused {
      requireNonNull(reason, "reason");
    }

    static Refused of(ClaimRefusal reason) {
      return CACHE[reason.ordinal()];
    }

    private static Refused[] cache() {
      ClaimRefusal[] reasons = ClaimRefusal.values();
      Refused[] cache = new Refused[reasons.length];
      for (ClaimRefusal r : reasons) {
        cache[r.ordinal()] = new Refused(r);
      }
      return cache;
    }
  }
}
