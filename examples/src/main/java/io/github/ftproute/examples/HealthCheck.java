package io.github.ftproute.examples;

import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the backends the way an FTP health check should: open a control connection, read the 220
 * greeting, send QUIT. The probe goes straight to the backend, so it never counts as a client
 * session. A backend that fails is marked {@code DOWN} (its clients are re-balanced); one that answers
 * again is marked {@code UP}. Backends an operator set to {@code DRAINING} are left alone.
 */
final class HealthCheck {
  private static final Logger logger = LoggerFactory.getLogger(HealthCheck.class);
  private static final int TIMEOUT_MILLIS = 1_000;

  private final BackendPool pool;

  HealthCheck(BackendPool pool) {
    this.pool = pool;
  }

  /** Probes every backend once. Blocking: run it on a maintenance thread. */
  void run() {
    for (Backend backend : pool.snapshot().backends()) {
      if (backend.state() == Backend.State.DRAINING) {
        continue;
      }
      boolean healthy = probe(backend.endpoint());
      if (healthy && backend.state() == Backend.State.DOWN) {
        logger.info("backend {} answers again: UP", backend.id());
        pool.setState(backend.id(), Backend.State.UP);
      } else if (!healthy && backend.state() == Backend.State.UP) {
        markDown(backend.id());
      }
    }
  }

  /** Marks a backend {@code DOWN} now, after a failed connection. */
  void markDown(String id) {
    pool.snapshot().get(id).filter(b -> b.state() == Backend.State.UP).ifPresent(b -> {
      logger.warn("backend {} does not answer: DOWN", id);
      pool.setState(id, Backend.State.DOWN);
    });
  }

  static boolean probe(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      InputStream in = socket.getInputStream();
      byte[] greeting = new byte[3];
      int n = in.readNBytes(greeting, 0, 3);
      boolean ok = n == 3 && new String(greeting, StandardCharsets.US_ASCII).equals("220");
      socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      return ok;
    } catch (IOException e) {
      return false;
    }
  }
}
