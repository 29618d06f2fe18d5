package io.github.ftproute.affinity.redis;

/**
 * Counts of what a {@link RedisAffinityTable} did since it was built, in this instance. Each count
 * only grows.
 *
 * @param nearHitCount connections routed from the near cache, with no call to the store
 * @param storeHitCount connections routed to the backend of an entry the store already held
 * @param createdCount entries the store created for a new client (the policy's choice, or the
 *     choice of another instance that won the race)
 * @param rebalancedCount entries replaced because their backend was removed or {@code DOWN}
 * @param remoteCallCount calls made to the store (routing, renewal, sweeping; an {@code EVALSHA}
 *     answered {@code NOSCRIPT} and its {@code EVAL} count two)
 * @param storeErrorCount calls that failed: refused, timed out, or answered with an error
 * @param fallbackCount connections routed without the store because it failed or the circuit
 *     breaker was open: by the near cache's entry if it had one, else by Maglev
 * @param droppedCount store entries removed because their backend left ({@link
 *     RedisAffinityTable#sweep()})
 */
public record RedisAffinityStats(
    long nearHitCount,
    long storeHitCount,
    long createdCount,
    long rebalancedCount,
    long remoteCallCount,
    long storeErrorCount,
    long fallbackCount,
    long droppedCount) {

  /**
   * Validates the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public RedisAffinityStats {
    long[] all = {nearHitCount, storeHitCount, createdCount, rebalancedCount, remoteCallCount, storeErrorCount,
        fallbackCount, droppedCount};
    for (long count : all) {
      if (count < 0) {
        throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
      }
    }
  }

  /** Returns the counts of this minus those of {@code earlier}, each at least 0. */
  public RedisAffinityStats minus(RedisAffinityStats earlier) {
    return new RedisAffinityStats(
        Math.max(0, nearHitCount - earlier.nearHitCount),
        Math.max(0, storeHitCount - earlier.storeHitCount),
        Math.max(0, createdCount - earlier.createdCount),
        Math.max(0, rebalancedCount - earlier.rebalancedCount),
        Math.max(0, remoteCallCount - earlier.remoteCallCount),
        Math.max(0, storeErrorCount - earlier.storeErrorCount),
        Math.max(0, fallbackCount - earlier.fallbackCount),
        Math.max(0, droppedCount - earlier.droppedCount));
  }
}
