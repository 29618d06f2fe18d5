package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

/**
 * The backends a {@link SelectionPolicy} may choose from: those of one {@link BackendSet} that are
 * {@link Backend.State#UP} with a weight above 0, in the set's order, with their live connection
 * counts.
 *
 * <p>The backends are fixed for the life of the instance; {@link #liveConnections(int)} reads the
 * current count each time. Instances are safe to share between threads.
 */
public final class Candidates {
  /** The selector of every policy when there is no candidate. */
  /** A selector for an empty candidate list: always {@link NoBackend}. For policy implementations. */
  public static final SelectionPolicy.Selector NO_BACKEND = key -> NoBackend.INSTANCE;

  private final ImmutableList<BackendEntry> entries;
  private final ImmutableList<Backend> backends;
  private final Selected[] selected;

  Candidates(ImmutableList<BackendEntry> entries) {
    this.entries = entries;
    this.backends = entries.stream().map(BackendEntry::backend).collect(ImmutableList.toImmutableList());
    this.selected = new Selected[entries.size()];
    for (int i = 0; i < selected.length; i++) {
      selected[i] = new Selected(backends.get(i), i);
    }
  }

  /**
   * Returns candidates made of {@code backends}, each with no live connections; for testing a
   * policy outside a table.
   *
   * @throws IllegalArgumentException if a backend does not {@linkplain Backend#acceptsNewClients()
   *     take new clients} or two share an id
   */
  public static Candidates of(List<Backend> backends) {
    ImmutableList.Builder<BackendEntry> entries = ImmutableList.builder();
    Set<String> ids = new java.util.HashSet<>();
    for (Backend backend : backends) {
      requireNonNull(backend, "backend");
      if (!backend.acceptsNewClients()) {
        throw new IllegalArgumentException(
            "backend: " + backend + " (expected: UP with a weight above 0)");
      }
      if (!ids.add(backend.id())) {
        throw new IllegalArgumentException("id: '" + backend.id() + "' (expected: unique)");
      }
      entries.add(new BackendEntry(backend, 0, new LongAdder()));
    }
    return new Candidates(entries.build());
  }

  /** Returns the number of candidates; 0 means a policy must answer {@link NoBackend}. */
  public int size() {
    return selected.length;
  }

  /** Returns whether there is no candidate. */
  public boolean isEmpty() {
    return selected.length == 0;
  }

  /**
   * Returns the candidate at {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code 0..size()-1}
   */
  public Backend get(int index) {
    return backends.get(index);
  }

  /** Returns the candidates in order. */
  public List<Backend> backends() {
    return backends;
  }

  /**
   * Returns the number of connections currently open to the candidate at {@code index}, counted by
   * every table that routes through its pool: each {@link AffinityTable#open} that routed there and
   * has not been {@linkplain AffinityTable#close closed}. Reading it costs a few nanoseconds.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code 0..size()-1}
   */
  public long liveConnections(int index) {
    return entries.get(index).connections().sum();
  }

  /**
   * Returns the shared {@link Selected} for the candidate at {@code index}, without allocating.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code 0..size()-1}
   */
  public Selected select(int index) {
    return selected[Objects.checkIndex(index, selected.length)];
  }

  /**
   * Returns the candidate indexes sorted by backend id, for policies whose choice must not depend on
   * the order of the backend set.
   */
  public int[] idOrder() {
    return IntStream.range(0, backends.size()).boxed()
        .sorted(Comparator.comparing(i -> backends.get(i).id()))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** Returns each candidate's weight, or 1 for all when {@code weighted} is false. */
  public long[] weights(boolean weighted) {
    long[] weights = new long[backends.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = weighted ? backends.get(i).weight() : 1;
    }
    return weights;
  }

  BackendEntry entry(int index) {
    return entries.get(index);
  }

  @Override
  public String toString() {
    return "Candidates" + backends;
  }
}
