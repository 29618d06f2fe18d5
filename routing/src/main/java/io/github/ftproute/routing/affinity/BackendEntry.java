package io.github.ftproute.routing.affinity;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend inside a {@link BackendSet}: the value, its incarnation and its live-connection
 * counter, plus the results the table hands out for it, built once so that routing allocates nothing.
 *
 * <p>An incarnation is a number the pool gives a backend when it is added (not {@code DOWN}) or
 * leaves {@code DOWN}; removal or {@code DOWN} ends it. Affinity entries store the incarnation, so
 * entries of an ended incarnation are dead even if a backend with the same id comes back. 0 means
 * "no incarnation" (the backend is {@code DOWN}).
 */
final class BackendEntry {
  private final Backend backend;
  private final int incarnation;
  private final LongAdder connections;
  private final Optional<Backend> optional;
  final Routed existing;
  final Routed existingUncounted;
  final Routed created;
  final Routed rebalanced;
  final Routed unrecorded;

  BackendEntry(Backend backend, int incarnation, LongAdder connections) {
    this.backend = backend;
    this.incarnation = incarnation;
    this.connections = connections;
    this.optional = Optional.of(backend);
    this.existing = new Routed(backend, Routed.Outcome.EXISTING, this, true);
    this.existingUncounted = new Routed(backend, Routed.Outcome.EXISTING, this, false);
    this.created = new Routed(backend, Routed.Outcome.CREATED, this, true);
    this.rebalanced = new Routed(backend, Routed.Outcome.REBALANCED, this, true);
    this.unrecorded = new Routed(backend, Routed.Outcome.UNRECORDED, this, false);
  }

  Backend backend() {
    return backend;
  }

  int incarnation() {
    return incarnation;
  }

  LongAdder connections() {
    return connections;
  }

  Optional<Backend> optional() {
    return optional;
  }

  Routed routed(Routed.Outcome outcome) {
    return switch (outcome) {
      case EXISTING -> existing;
      case CREATED -> created;
      case REBALANCED -> rebalanced;
      case UNRECORDED -> unrecorded;
    };
  }
}
