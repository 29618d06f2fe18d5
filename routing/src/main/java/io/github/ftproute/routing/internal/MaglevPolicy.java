package io.github.ftproute.routing.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import com.google.common.math.IntMath;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.util.Arrays;

/**
 * Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, section 3.4), with weights as turns proportional to weight.
 */
public final class MaglevPolicy implements SelectionPolicy {
  public static final int DEFAULT_TABLE_SIZE = 65_537;
  public static final int MAX_TABLE_SIZE = 16_777_213;

  private static final HashFunction OFFSET_HASH = Hashing.murmur3_128(0);
  private static final HashFunction SKIP_HASH = Hashing.murmur3_128(1);

  private final int tableSize;

  public MaglevPolicy(int tableSize) {
    if (tableSize < 3 || tableSize > MAX_TABLE_SIZE || !IntMath.isPrime(tableSize)) {
      throw new IllegalArgumentException(
          "tableSize: " + tableSize + " (expected: a prime in 3.." + MAX_TABLE_SIZE + ")");
    }
    this.tableSize = tableSize;
  }

  @Override
  public Selector newSelector(Candidates candidates) {
    if (candidates.isEmpty()) {
      return Candidates.NO_BACKEND;
    }
    int[] lookup = populate(candidates, tableSize);
    long m = tableSize;
    return key -> candidates.select(lookup[(int) Long.remainderUnsigned(KeyHash.of(key), m)]);
  }

  /**
   * Returns the lookup table: entry {@code e} holds the index (in {@code candidates}) of the
   * candidate that owns it.
   */
  public static int[] populate(Candidates candidates, int m) {
    int n = candidates.size();
    // Turns go in id order, so the table does not depend on the order of the backend set.
    int[] order = candidates.idOrder();
    int[] position = new int[n];
    int[] skip = new int[n];
    long[] weight = new long[n];
    long[] credit = new long[n];
    long maxWeight = 0;
    for (int j = 0; j < n; j++) {
      Backend backend = candidates.get(order[j]);
      position[j] = (int) Long.remainderUnsigned(OFFSET_HASH.hashString(backend.id(), UTF_8).asLong(), m);
      skip[j] = (int) Long.remainderUnsigned(SKIP_HASH.hashString(backend.id(), UTF_8).asLong(), m - 1) + 1;
      weight[j] = backend.weight();
      maxWeight = Math.max(maxWeight, weight[j]);
    }
    int[] lookup = new int[m];
    Arrays.fill(lookup, -1);
    int filled = 0;
    while (true) {
      for (int j = 0; j < n; j++) {
        credit[j] += weight[j];
        if (credit[j] < maxWeight) {
          continue;
        }
        credit[j] -= maxWeight;
        // Walk j's permutation (offset, offset + skip, ... mod m) to its next unclaimed entry;
        // m is prime, so the walk visits every entry.
        int c = position[j];
        while (lookup[c] >= 0) {
          c += skip[j];
          if (c >= m) {
            c -= m;
          }
        }
        lookup[c] = order[j];
        c += skip[j];
        position[j] = c >= m ? c - m : c;
        if (++filled == m) {
          return lookup;
        }
      }
    }
  }

  @Override
  public String toString() {
    return "maglev(" + tableSize + ")";
  }
}
