package io.github.ftproute.routing.affinity;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.NoopListener;

/**
 * Receives the events of an {@link AffinityTable}, one call per event. Every method does nothing by
 * default; override those you need. The same events are counted in {@link AffinityStats}.
 *
 * <p>Methods are called on the thread that caused the event (an {@code open}, {@code close} or
 * {@code sweep}), after the table has released its internal locks, so they may call back into the
 * table. They should be quick: they delay that caller. An exception thrown by a listener is logged
 * and otherwise ignored. {@link #onHit} is called on the table's hottest path; leave it empty unless
 * you need it.
 */
public interface AffinityListener {

  /** Returns a listener that ignores every event. */
  static AffinityListener noop() {
    return NoopListener.INSTANCE;
  }

  /** The policy routed a client without a live entry to {@code backend}, and an entry records it. */
  default void onCreated(ClientKey key, Backend backend) {}

  /** A connection of a client with a live entry went to the entry's {@code backend}. */
  default void onHit(ClientKey key, Backend backend) {}

  /** The entry of {@code key} expired: no live connection for the persistence timeout. */
  default void onExpired(ClientKey key, Backend backend) {}

  /** The entry of {@code key}, without live connections, was evicted to make room. */
  default void onEvicted(ClientKey key, Backend backend) {}

  /**
   * The entry of {@code key} was dropped because its backend was removed or went {@link
   * Backend.State#DOWN}; the client's next connection is routed by the policy.
   */
  default void onRebalanced(ClientKey key) {}

  /**
   * The policy routed {@code key} to {@code backend} but the table, full of entries with live
   * connections, did not record it.
   */
  default void onUnrecorded(ClientKey key, Backend backend) {}
}

