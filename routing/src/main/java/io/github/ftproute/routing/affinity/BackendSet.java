package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of the backends of a {@link BackendPool}, in the order they were added.
 *
 * <p>The pool replaces its snapshot atomically on every change, so a reader that holds a snapshot
 * sees one consistent set, and reading never locks. {@link #version()} grows by one with each change.
 *
 * <p>Instances are immutable and safe to share between threads; equality is identity.
 */
public final class BackendSet {
  private static final BackendSet EMPTY = new BackendSet(0, List.of());

  private final long version;
  private final ImmutableList<Backend> backends;
  private final ImmutableMap<String, BackendEntry> byId;
  private final BackendEntry[] byIncarnation;
  private final int incarnationMask;
  private final Candidates candidates;

  BackendSet(long version, List<BackendEntry> entries) {
    this.version = version;
    ImmutableList.Builder<Backend> list = ImmutableList.builderWithExpectedSize(entries.size());
    ImmutableMap.Builder<String, BackendEntry> map = ImmutableMap.builderWithExpectedSize(entries.size());
    ImmutableList.Builder<BackendEntry> available = ImmutableList.builder();
    int tableSize = Integer.highestOneBit(Math.max(1, entries.size()) * 2) * 2;
    BackendEntry[] table = new BackendEntry[tableSize];
    for (BackendEntry entry : entries) {
      list.add(entry.backend());
      map.put(entry.backend().id(), entry);
      if (entry.backend().acceptsNewClients()) {
        available.add(entry);
      }
      if (entry.incarnation() != 0) {
        int i = entry.incarnation() & (tableSize - 1);
        while (table[i] != null) {
          i = (i + 1) & (tableSize - 1);
        }
        table[i] = entry;
      }
    }
    this.backends = list.build();
    this.byId = map.buildOrThrow();
    this.byIncarnation = table;
    this.incarnationMask = tableSize - 1;
    this.candidates = new Candidates(available.build());
  }

  static BackendSet empty() {
    return EMPTY;
  }

  /** Returns the number of this snapshot: 0 for an empty new pool, one more after each change. */
  public long version() {
    return version;
  }

  /** Returns every backend, in the order added, whatever its state. */
  public List<Backend> backends() {
    return backends;
  }

  /** Returns the backends that take new clients: {@link Backend.State#UP} with a weight above 0. */
  public List<Backend> available() {
    return candidates.backends();
  }

  /** Returns the backend with {@code id}, if there is one. */
  public Optional<Backend> get(String id) {
    BackendEntry entry = byId.get(requireNonNull(id, "id"));
    return entry == null ? Optional.empty() : entry.optional();
  }

  /** Returns the number of backends, whatever their state. */
  public int size() {
    return backends.size();
  }

  /** Returns the backends as {@code [id=state/weight, ...]}, for debugging. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("BackendSet[v").append(version).append(": ");
    for (int i = 0; i < backends.size(); i++) {
      Backend b = backends.get(i);
      out.append(i == 0 ? "" : ", ").append(b.id()).append('=').append(b.state()).append('/').append(b.weight());
    }
    return out.append(']').toString();
  }

  @Nullable BackendEntry entry(String id) {
    return byId.get(id);
  }

  List<BackendEntry> entries() {
    return byId.values().asList();
  }

  /**
   * Returns the backends that take new clients, with their live connection counts, as a {@link
   * SelectionPolicy} sees them. Built once per snapshot; for implementations of {@link AffinityTable}
   * that run a policy's {@link SelectionPolicy#newSelector selector}.
   */
  public Candidates candidates() {
    return candidates;
  }

  /**
   * Returns the shared {@link Routed} with {@code outcome} for the backend {@code id}, if this snapshot
   * holds it and it keeps its clients ({@link Backend#keepsClients()}: {@code UP} or {@code
   * DRAINING}); otherwise {@link NoBackend#INSTANCE}. For implementations of {@link AffinityTable}
   * that store backend ids. One map lookup, allocation-free. It does not check that the backend takes
   * new clients: an implementation creates entries only for a policy's choice among {@link
   * #candidates()}.
   */
  public Route route(String id, Routed.Outcome outcome) {
    requireNonNull(outcome, "outcome");
    BackendEntry entry = byId.get(requireNonNull(id, "id"));
    return entry == null || entry.incarnation() == 0 ? NoBackend.INSTANCE : entry.routed(outcome);
  }

  /**
   * Returns the shared {@link Routed} with {@code outcome} for the backend of {@code earlier}, as this
   * snapshot has it, if the incarnation that {@code earlier} was routed to is still live here (the
   * backend was neither removed nor {@code DOWN} since, though its weight or state may have changed);
   * otherwise {@link NoBackend#INSTANCE}. For implementations of {@link AffinityTable} that cache
   * results across snapshot changes. Allocation-free.
   */
  public Route route(Routed earlier, Routed.Outcome outcome) {
    requireNonNull(earlier, "earlier");
    requireNonNull(outcome, "outcome");
    BackendEntry entry = earlier.incarnation() == 0 ? null : live(earlier.incarnation());
    return entry == null ? NoBackend.INSTANCE : entry.routed(outcome);
  }

  /**
   * Returns the backend whose current incarnation is {@code incarnation}, or null when that
   * incarnation has ended (the backend was removed or went {@code DOWN}). Allocation-free.
   */
  @Nullable BackendEntry live(int incarnation) {
    BackendEntry[] table = byIncarnation;
    int mask = incarnationMask;
    for (int i = incarnation & mask; ; i = (i + 1) & mask) {
      BackendEntry entry = table[i];
      if (entry == null || entry.incarnation() == incarnation) {
        return entry;
      }
    }
  }
}
