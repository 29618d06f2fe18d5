package io.github.ftproute.routing.affinity;



/**
 * Counts of what an {@link AffinityTable} did since it was built. Each count only grows.
 *
 * @param createdCount entries created: connections of clients without a live entry that the policy
 *     routed and the table recorded (including re-balanced ones)
 * @param hitCount connections of clients with a live entry, routed to the entry's backend ({@link
 *     AffinityTable#lookup} does not count)
 * @param expiredCount entries removed because they had no live connection for the persistence
 *     timeout (found by a connection of the client, by {@link AffinityTable#sweep()}, or while
 *     making room)
 * @param evictedCount entries without live connections removed, before they expired, to make room
 *     for a new client in a full table
 * @param rebalancedCount entries dropped because their backend was removed or went {@link
 *     Backend.State#DOWN}; the client's next connection is routed by the policy
 * @param unrecordedCount connections routed by the policy but not recorded because the table was
 *     full of entries with live connections
 */
public record AffinityStats(
    long createdCount,
    long hitCount,
    long expiredCount,
    long evictedCount,
    long rebalancedCount,
    long unrecordedCount) {

  /**
   * Validates the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public AffinityStats {
    check("createdCount", createdCount);
    check("hitCount", hitCount);
    check("expiredCount", expiredCount);
    check("evictedCount", evictedCount);
    check("rebalancedCount", rebalancedCount);
    check("unrecordedCount", unrecordedCount);
  }

  /** Returns stats with every count 0. */
  public static AffinityStats empty() {
    return new AffinityStats(0, 0, 0, 0, 0, 0);
  }

  /**
   * Returns the counts of this minus those of {@code earlier}, each at least 0: what happened between
   * two calls of {@link AffinityTable#stats()}.
   */
  public AffinityStats minus(AffinityStats earlier) {
    return new AffinityStats(
        Math.max(0, createdCount - earlier.createdCount),
        Math.max(0, hitCount - earlier.hitCount),
        Math.max(0, expiredCount - earlier.expiredCount),
        Math.max(0, evictedCount - earlier.evictedCount),
        Math.max(0, rebalancedCount - earlier.rebalancedCount),
        Math.max(0, unrecordedCount - earlier.unrecordedCount));
  }

  private static void check(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
  }
}
