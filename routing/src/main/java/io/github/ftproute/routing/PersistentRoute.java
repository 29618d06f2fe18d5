package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.Routed;
import java.net.InetSocketAddress;

/**
 * The outcome of {@link FtpSessionRouter#route}, persistence mode: where a connection to the
 * service goes, chosen by the client's address alone.
 */
public sealed interface PersistentRoute {
  /**
   * Connect to {@code target} and splice; close {@code connection} when the connection ends, so the
   * client's affinity starts its persistence timeout once its last connection is gone.
   *
   * @param backend the client's backend
   * @param target the backend's control endpoint for the service's control port, otherwise the
   *     backend's address with the same port the client connected to
   * @param connection the handle that ends this connection's hold on the affinity entry
   */
  record Routed(Backend backend, InetSocketAddress target, PersistentConnection connection)
      implements PersistentRoute {
    /** Checks for null. */
    public Routed {
      requireNonNull(backend, "backend");
      requireNonNull(target, "target");
      requireNonNull(connection, "connection");
    }
  }

  /**
   * The local port is neither the service's control port nor in its data port range.
   *
   * @param port the port the connection arrived on
   */
  record NotInService(int port) implements PersistentRoute {}

  /** No backend can take the client. */
  record Unavailable() implements PersistentRoute {}
}
