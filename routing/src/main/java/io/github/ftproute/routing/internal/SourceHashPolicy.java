package io.github.ftproute.routing.internal;

import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.util.Arrays;

/**
 * A fixed hash of the key, taken modulo the total weight, lands in one candidate's share; shares are
 * laid out in id order so the choice does not depend on the order of the backend set.
 */
public final class SourceHashPolicy implements SelectionPolicy {

  @Override
  public Selector newSelector(Candidates candidates) {
    int n = candidates.size();
    if (n == 0) {
      return Candidates.NO_BACKEND;
    }
    int[] order = candidates.idOrder();
    long[] ends = new long[n];
    long total = 0;
    for (int j = 0; j < n; j++) {
      total += candidates.get(order[j]).weight();
      ends[j] = total;
    }
    long sum = total;
    return key -> {
      long point = Long.remainderUnsigned(KeyHash.of(key), sum);
      int j = Arrays.binarySearch(ends, point + 1);
      return candidates.select(order[j >= 0 ? j : -j - 1]);
    };
  }

  @Override
  public String toString() {
    return "sourceHash";
  }
}
