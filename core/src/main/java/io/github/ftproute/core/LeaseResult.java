package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of {@link DataPortAllocator#lease}: a lease, or why there is none. Match it with
 * {@code instanceof LeaseResult.Leased leased} and {@code leased.lease()}.
 */
public sealed interface LeaseResult permits LeaseResult.Leased, LeaseResult.Exhausted {
  /**
   * A port was leased. The only implementation is {@link PortLease} itself, so a successful lease
   * allocates nothing beyond the lease.
   */
  sealed interface Leased extends LeaseResult permits PortLease {
    /** Returns the lease; close it when it is no longer needed. */
    PortLease lease();
  }

  /**
   * No port was leased. The allocator hands out one shared instance per reason.
   *
   * @param reason why
   */
  record Exhausted(ExhaustionReason reason) implements LeaseResult {
    private static final Exhausted[] CACHE = cache();

    /** Checks for null. */
    public Exhausted {
      requireNonNull(reason, "reason");
    }

    static Exhausted of(ExhaustionReason reason) {
      return CACHE[reason.ordinal()];
    }

    private static Exhausted[] cache() {
      ExhaustionReason[] reasons = ExhaustionReason.values();
      Exhausted[] cache = new Exhausted[reasons.length];
      for (ExhaustionReason r : reasons) {
        cache[r.ordinal()] = new Exhausted(r);
      }
      return cache;
    }
  }
}
