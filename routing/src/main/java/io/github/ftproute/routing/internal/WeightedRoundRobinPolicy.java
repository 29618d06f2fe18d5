package io.github.ftproute.routing.internal;

import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.util.Arrays;

/**
 * nginx's smooth weighted round robin: each choice adds every candidate's weight to its current
 * weight, picks the largest current weight (the first on ties) and subtracts the total from it.
 */
public final class WeightedRoundRobinPolicy implements SelectionPolicy {

  @Override
  public Selector newSelector(Candidates candidates) {
    int n = candidates.size();
    if (n == 0) {
      return Candidates.NO_BACKEND;
    }
    long[] weights = candidates.weights(true);
    long sum = Arrays.stream(weights).sum();
    long[] current = new long[n];
    return key -> {
      int best;
      synchronized (current) {
        best = 0;
        for (int i = 0; i < n; i++) {
          current[i] += weights[i];
          if (current[i] > current[best]) {
            best = i;
          }
        }
        current[best] -= sum;
      }
      return candidates.select(best);
    };
  }

  @Override
  public String toString() {
    return "weightedRoundRobin";
  }
}
