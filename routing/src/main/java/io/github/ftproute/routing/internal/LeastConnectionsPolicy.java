package io.github.ftproute.routing.internal;

import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The candidate with the lowest {@code (connections + 1) / weight} (weight 1 for all when not
 * weighted), compared by cross-multiplication; the scan starts at a rotating position so that ties
 * go to the candidates in turn.
 */
public final class LeastConnectionsPolicy implements SelectionPolicy {
  private final boolean weighted;
  private final AtomicInteger rotation = new AtomicInteger();

  public LeastConnectionsPolicy(boolean weighted) {
    this.weighted = weighted;
  }

  @Override
  public Selector newSelector(Candidates candidates) {
    int n = candidates.size();
    if (n == 0) {
      return Candidates.NO_BACKEND;
    }
    long[] weights = candidates.weights(weighted);
    return key -> {
      int start = Math.floorMod(rotation.getAndIncrement(), n);
      int best = start;
      long bestLoad = candidates.liveConnections(start) + 1;
      for (int k = 1; k < n; k++) {
        int i = start + k < n ? start + k : start + k - n;
        long load = candidates.liveConnections(i) + 1;
        // load / weights[i] < bestLoad / weights[best], without division
        if (load * weights[best] < bestLoad * weights[i]) {
          best = i;
          bestLoad = load;
        }
      }
      return candidates.select(best);
    };
  }

  @Override
  public String toString() {
    return weighted ? "weightedLeastConnections" : "leastConnections";
  }
}
