package io.github.ftproute.routing;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Routed;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection routed in persistence mode. Closing it ends its hold on the client's affinity
 * entry; closing twice is harmless. Thread-safe.
 */
public final class PersistentConnection implements AutoCloseable {
  private final AffinityTable table;
  private final ClientKey key;
  private final Routed routed;
  private final AtomicBoolean closed = new AtomicBoolean();

  PersistentConnection(AffinityTable table, ClientKey key, Routed routed) {
    this.table = table;
    this.key = key;
    this.routed = routed;
  }

  /** Returns the key of the client the connection came from. */
  public ClientKey clientKey() {
    return key;
  }

  /** Ends this connection's hold on the affinity entry. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      table.close(key, routed);
    }
  }

  @Override
  public String toString() {
    return "PersistentConnection[" + key + " -> " + routed.backend().id() + (closed.get() ? ", closed]" : "]");
  }
}
