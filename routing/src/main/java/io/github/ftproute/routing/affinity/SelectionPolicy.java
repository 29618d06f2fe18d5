package io.github.ftproute.routing.affinity;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.LeastConnectionsPolicy;
import io.github.ftproute.routing.internal.MaglevPolicy;
import io.github.ftproute.routing.internal.RoundRobinPolicy;
import io.github.ftproute.routing.internal.SourceHashPolicy;
import io.github.ftproute.routing.internal.WeightedRoundRobinPolicy;

/**
 * Chooses a backend for a client that has no affinity entry.
 *
 * <p>A policy sees only {@link Candidates}: the backends that are {@link Backend.State#UP} with a
 * weight above 0. Weight 0 therefore means "no new clients" under every policy, like {@link
 * Backend.State#DRAINING}; clients that already have an entry keep their backend either way. With
 * no candidate a policy answers {@link NoBackend}.
 *
 * <p>The table calls {@link #newSelector} once for each {@link BackendSet} snapshot it routes with
 * (and possibly twice, if two threads race), then {@link Selector#select} for each client without
 * an entry. Selectors are called from many threads at once and must be thread-safe. Policies that
 * keep state (round robin's position, smooth weighted round robin's current weights) restart it
 * when the backend set changes, except where noted.
 *
 * <table class="striped">
 *   <caption>Built-in policies</caption>
 *   <tr><th>factory</th><th>weights</th><th>same choice on every proxy</th><th>cost per choice</th></tr>
 *   <tr><td>{@link #roundRobin()}</td><td>ignored (0 still excludes)</td><td>no</td><td>O(1)</td></tr>
 *   <tr><td>{@link #weightedRoundRobin()}</td><td>exact per cycle</td><td>no</td><td>O(n), locked</td></tr>
 *   <tr><td>{@link #leastConnections()}</td><td>ignored (0 still excludes)</td><td>no</td><td>O(n)</td></tr>
 *   <tr><td>{@link #weightedLeastConnections()}</td><td>connections ∝ weight</td><td>no</td><td>O(n)</td></tr>
 *   <tr><td>{@link #sourceHash()}</td><td>keys ∝ weight</td><td>yes</td><td>O(log n)</td></tr>
 *   <tr><td>{@link #maglev()}</td><td>keys ∝ weight</td><td>yes, and minimal disruption</td><td>O(1)</td></tr>
 * </table>
 */
@FunctionalInterface
public interface SelectionPolicy {

  /**
   * Returns the selector for one fixed set of candidates. May take time proportional to the number
   * of candidates (Maglev: to its table size); it runs once per backend-set change.
   */
  Selector newSelector(Candidates candidates);

  /** Chooses among one fixed set of candidates. Implementations must be thread-safe. */
  @FunctionalInterface
  interface Selector {
    /**
     * Returns the candidate for {@code key}, as {@link Candidates#select(int)} gives it, or {@link
     * NoBackend#INSTANCE} when there is no candidate.
     */
    Selection select(ClientKey key);
  }

  /**
   * Returns a policy that hands clients to the candidates in turn, ignoring weights (weight 0 still
   * excludes). The position is kept by the policy instance and survives backend-set changes.
   */
  static SelectionPolicy roundRobin() {
    return new RoundRobinPolicy();
  }

  /**
   * Returns nginx's smooth weighted round robin: in every run of {@code W} choices, where {@code W} is
   * the sum of the candidates' weights, each candidate is chosen exactly {@code weight} times, and
   * the choices of a heavy candidate are spread over the run rather than bunched. Choices are
   * serialised by a lock; the run restarts when the backend set changes.
   */
  static SelectionPolicy weightedRoundRobin() {
    return new WeightedRoundRobinPolicy();
  }

  /**
   * Returns a policy that chooses the candidate with the fewest live connections (as counted by its
   * {@link BackendPool}), ignoring weights. Ties go to the candidates in turn.
   */
  static SelectionPolicy leastConnections() {
    return new LeastConnectionsPolicy(false);
  }

  /**
   * Returns a policy that chooses the candidate with the lowest {@code (liveConnections + 1) /
   * weight}, so that connections held open settle in proportion to the weights (within one
   * connection per candidate). Ties go to the candidates in turn. This is the IPVS default ({@code
   * wlc}) and the table's default policy.
   */
  static SelectionPolicy weightedLeastConnections() {
    return new LeastConnectionsPolicy(true);
  }

  /**
   * Returns a policy that maps each key to a candidate by a fixed hash of the key, with shares of the
   * hash space proportional to the weights. Every proxy with the same candidates (same ids and
   * weights, in any order) makes the same choice. Changing the candidates moves most keys; prefer
   * {@link #maglev()} when backends come and go.
   */
  static SelectionPolicy sourceHash() {
    return new SourceHashPolicy();
  }

  /**
   * Returns Maglev consistent hashing (Eisenbud et al., NSDI 2016) with a lookup table of 65,537
   * entries; see {@link #maglev(int)}.
   */
  static SelectionPolicy maglev() {
    return new MaglevPolicy(MaglevPolicy.DEFAULT_TABLE_SIZE);
  }

  /**
   * Returns Maglev consistent hashing with a lookup table of {@code tableSize} entries.
   *
   * <p>Each candidate's preference list is a permutation of the table derived from murmur3 hashes of
   * its id; candidates, sorted by id, take turns claiming their next free preferred entry, a candidate
   * of weight {@code w} taking {@code w / maxWeight} turns per round. A key goes to the owner of entry
   * {@code hash(key) mod tableSize}. So every proxy with the same candidates (ids and weights, in any
   * order) makes the same choice without talking to the others, each candidate owns a share of the
   * table proportional to its weight (equal weights: shares differ by at most one entry), and when a
   * candidate leaves, its entries are shared out among the others while only a small fraction of the
   * other entries change owner. That fraction is not zero: Maglev trades a little disruption for its
   * even spread. {@code MaglevPolicyTest} measures it over random backend sets: with 65,537 entries,
   * removing one of 2 to 20 candidates moves 0.25% of the other candidates' keys on average and
   * 0.5% at worst, and the test holds it under 1%.
   *
   * <p>Lookup is one array read; building takes about {@code tableSize * ln(tableSize)} steps and
   * {@code 4 * tableSize} bytes, once per backend-set change. Keep {@code tableSize} well above the
   * number of candidates (the paper suggests 100 times).
   *
   * @param tableSize a prime, 3..16,777,213
   * @throws IllegalArgumentException if {@code tableSize} is not a prime in that range
   */
  static SelectionPolicy maglev(int tableSize) {
    return new MaglevPolicy(tableSize);
  }
}
