package io.github.ftproute.routing;

/**
 * nginx's smooth weighted round robin: each choice adds every candidate's weight to its current
 * weight, picks the largest current weight (the first on ties) and subtracts the total from it.
 */
final class WeightedRoundRobinPolicy implements SelectionPolicy {

  @Override
  public Selector newSelector(Candidates candidates) {
    int n = candidates.size();
    if (n == 0) {
      return key -> NoBackend.INSTANCE;
    }
    long[] weights = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      weights[i] = candidates.get(i).weight();
      total += weights[i];
    }
    long sum = total;
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
