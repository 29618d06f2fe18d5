package io.github.ftproute.routing.affinity;

import java.util.Objects;

/**
 * A connection routed to a backend, and the handle that {@link AffinityTable#close} needs when the
 * connection ends.
 *
 * <p>Keep the instance for the life of the connection and pass it, with the same key, to {@code
 * close} exactly once. The handle remembers which incarnation of the backend and which affinity
 * entry the connection counted towards, so a late close never decrements an entry that was created
 * after the backend went away and came back, or after the table was full.
 *
 * <p>Instances are immutable and shared: the table returns the same instance for every connection
 * with the same backend snapshot and outcome, so routing allocates nothing. Two instances are equal
 * when backend, outcome and the internal incarnation agree.
 *
 * <p><b>For implementations of {@link AffinityTable}.</b> Obtain instances from the snapshot the
 * connection is routed with: {@link BackendSet#route(String, Outcome)} by backend id, {@link
 * BackendSet#route(Routed, Outcome)} for the backend of an earlier result, {@link #withOutcome} for
 * the same backend with another outcome. Call {@link #countOpened()} once when {@code open} returns
 * the instance and {@link #countClosed()} once in the matching {@code close}: that keeps the live
 * connection counts that {@link BackendPool#liveConnections} reports and the least-connections
 * policies read.
 */
public final class Routed implements Route {

  /** How the affinity table arrived at the backend. */
  public enum Outcome {
    /** The client had a live affinity entry; it now has one more live connection. */
    EXISTING,
    /** The client had no live entry; the policy chose the backend and a new entry records it. */
    CREATED,
    /**
     * The client's entry pointed at a backend that was removed or went {@link Backend.State#DOWN};
     * the entry was dropped, the policy chose again and a new entry records the choice.
     */
    REBALANCED,
    /**
     * The policy chose the backend but the table was full of entries with live connections, so no
     * entry records it: the client's next connection is routed by the policy again.
     */
    UNRECORDED
  }

  private final Backend backend;
  private final Outcome outcome;
  private final BackendEntry entry;
  private final boolean countsEntry;

  Routed(Backend backend, Outcome outcome, BackendEntry entry, boolean countsEntry) {
    this.backend = backend;
    this.outcome = outcome;
    this.entry = entry;
    this.countsEntry = countsEntry;
  }

  /** Returns the backend to connect to. */
  public Backend backend() {
    return backend;
  }

  /** Returns how the table arrived at the backend. */
  public Outcome outcome() {
    return outcome;
  }

  /** Returns whether this connection created the client's affinity entry ({@code CREATED} or {@code REBALANCED}). */
  public boolean isNewEntry() {
    return outcome == Outcome.CREATED || outcome == Outcome.REBALANCED;
  }

  /**
   * Returns the shared instance for the same backend incarnation with {@code outcome}. Allocation-free.
   * Whether the backend still takes connections is not checked: see {@link BackendSet#route(Routed,
   * Outcome)} for that.
   */
  public Routed withOutcome(Outcome outcome) {
    return entry.routed(java.util.Objects.requireNonNull(outcome, "outcome"));
  }

  /**
   * Returns whether {@code other} routes to the same incarnation of the same backend: both were handed
   * out for the backend between one of its additions (or returns from {@code DOWN}) and the next
   * removal (or {@code DOWN}), whatever their outcome and the backend's weight or state since. An
   * implementation uses it to tell whether a closing connection counted in an entry that was
   * replaced meanwhile.
   */
  public boolean sameIncarnation(Routed other) {
    return other.entry.incarnation() == entry.incarnation()
        && other.backend.id().equals(backend.id());
  }

  /**
   * Counts one more live connection to the backend, as the built-in table does in {@code open}. For
   * implementations of {@link AffinityTable}: call it once for each {@code Routed} that {@code open}
   * returns. Lock-free, allocation-free, thread-safe.
   */
  public void countOpened() {
    entry.connections().increment();
  }

  /**
   * Counts one live connection fewer to the backend, as the built-in table does in {@code close}. For
   * implementations of {@link AffinityTable}: call it once in each {@code close}. Lock-free,
   * allocation-free, thread-safe.
   */
  public void countClosed() {
    entry.connections().decrement();
  }

  BackendEntry entry() {
    return entry;
  }

  int incarnation() {
    return entry.incarnation();
  }

  /** Whether the connection was counted in an affinity entry (false when unrecorded or saturated). */
  boolean countsEntry() {
    return countsEntry;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Routed other
        && backend.equals(other.backend)
        && outcome == other.outcome
        && entry.incarnation() == other.entry.incarnation()
        && countsEntry == other.countsEntry;
  }

  @Override
  public int hashCode() {
    return Objects.hash(backend, outcome, entry.incarnation(), countsEntry);
  }

  @Override
  public String toString() {
    return "Routed[backend=" + backend.id() + ", outcome=" + outcome + "]";
  }
}
