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
