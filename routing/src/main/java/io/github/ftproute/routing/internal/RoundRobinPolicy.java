package io.github.ftproute.routing.internal;

import io.github.ftproute.routing.affinity.Candidates;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.util.concurrent.atomic.AtomicInteger;

/** Candidates in turn, weights ignored; the position lives in the policy and survives set changes. */
public final class RoundRobinPolicy implements SelectionPolicy {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public Selector newSelector(Candidates candidates) {
    int n = candidates.size();
    if (n == 0) {
      return Candidates.NO_BACKEND;
    }
    return key -> candidates.select(Math.floorMod(next.getAndIncrement(), n));
  }

  @Override
  public String toString() {
    return "roundRobin";
  }
}
