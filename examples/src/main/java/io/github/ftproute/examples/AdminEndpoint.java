package io.github.ftproute.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.health.BackendHealth;
import io.github.ftproute.routing.health.ProbeStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's admin endpoint ({@code --admin 127.0.0.1:9101}): a small HTTP server on a loopback
 * address, built on the JDK's {@code com.sun.net.httpserver}, to see and change backends at run time.
 *
 * <ul>
 *   <li>{@code GET /backends}: one line per backend, {@code id state weight connections probe},
 *       where {@code probe} is the last probe's status and reason (or {@code -});
 *   <li>{@code PUT /backends/ID/state} with the body {@code UP}, {@code DRAINING} or {@code DOWN}:
 *       DRAINING takes no new clients while live sessions go on and affinity entries expire as
 *       usual; DOWN also drops its affinity entries; answers the backend's new line;
 *   <li>{@code PUT /backends/ID/weight} with the body {@code 0..65535}.
 * </ul>
 *
 * <p>No authentication: it listens on loopback only ({@link ProxyOptions} refuses other addresses)
 * and refuses requests from any other peer. Changes are PUT, which an HTML form cannot send and a
 * cross-origin script cannot send without a CORS preflight that this server never grants. Bodies
 * over 64 bytes are refused. Answers are {@code text/plain}: 200, 400 (bad value), 403, 404 (unknown
 * path or backend), 405 (wrong method).
 */
final class AdminEndpoint implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(AdminEndpoint.class);
  private static final int MAX_BODY = 64;

  private final HttpServer server;
  private final BackendPool pool;
  private final Optional<BackendHealth> health;

  private AdminEndpoint(HttpServer server, BackendPool pool, Optional<BackendHealth> health) {
    this.server = server;
    this.pool = pool;
    this.health = health;
  }

  /** Starts the endpoint on {@code address} (port 0 picks one). */
  static AdminEndpoint start(InetSocketAddress address, BackendPool pool, Optional<BackendHealth> health) {
    try {
      HttpServer server = HttpServer.create(address, 16);
      AdminEndpoint endpoint = new AdminEndpoint(server, pool, health);
      server.createContext("/backends", endpoint::handle);
      server.start();
      logger.info("admin endpoint on http://{}/backends", hostPort(server.getAddress()));
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException("--admin: cannot listen on " + address, e);
    }
  }

  /** Returns the address it listens on. */
  InetSocketAddress address() {
    return server.getAddress();
  }

  static String hostPort(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
        answer(exchange, 403, "loopback only\n");
        return;
      }
      String[] parts = exchange.getRequestURI().getPath().split("/", -1); // "", "backends", id, what
      String method = exchange.getRequestMethod();
      if (parts.length == 2 || (parts.length == 3 && parts[2].isEmpty())) {
        if (!method.equals("GET")) {
          answer(exchange, 405, "GET /backends\n");
          return;
        }
        StringBuilder out = new StringBuilder();
        for (Backend backend : pool.snapshot().backends()) {
          out.append(line(backend));
        }
        answer(exchange, 200, out.toString());
        return;
      }
      if (parts.length != 4 || !(parts[3].equals("state") || parts[3].equals("weight"))) {
        answer(exchange, 404, "unknown path (expected: /backends or /backends/ID/state or /backends/ID/weight)\n");
        return;
      }
      if (!method.equals("PUT")) {
        answer(exchange, 405, "PUT /backends/ID/" + parts[3] + "\n");
        return;
      }
      String id = parts[2];
      if (pool.snapshot().get(id).isEmpty()) {
        answer(exchange, 404, "unknown backend: " + id + "\n");
        return;
      }
      String body = body(exchange.getRequestBody());
      if (body == null) {
        answer(exchange, 400, "body over " + MAX_BODY + " bytes\n");
        return;
      }
      Backend changed;
      try {
        changed = parts[3].equals("state") ? setState(id, body) : pool.setWeight(id, weight(body));
      } catch (IllegalArgumentException e) {
        answer(exchange, 400, e.getMessage() + "\n");
        return;
      }
      logger.info("admin: backend {} {} set to {} by {}", id, parts[3], body, exchange.getRemoteAddress());
      answer(exchange, 200, line(changed));
    }
  }

  private Backend setState(String id, String body) {
    Backend.State state;
    try {
      state = Backend.State.valueOf(body.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("state: " + body + " (expected: UP, DRAINING or DOWN)");
    }
    return pool.setState(id, state);
  }

  private static int weight(String body) {
    try {
      return Integer.parseInt(body);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("weight: " + body + " (expected: 0..65535)");
    }
  }

  private String line(Backend backend) {
    String probe = health.flatMap(h -> h.stats(backend.id())).flatMap(ProbeStats::lastResult)
        .map(r -> r.status() + "/" + r.reason()).orElse("-");
    return backend.id() + " " + backend.state() + " " + backend.weight() + " "
        + pool.liveConnections(backend.id()) + " " + probe + "\n";
  }

  /** Reads the body, trimmed; null when it is over the limit. */
  private static String body(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BODY + 1);
    return bytes.length > MAX_BODY ? null : new String(bytes, StandardCharsets.US_ASCII).trim();
  }

  static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** Stops listening at once. */
  @Override
  public void close() {
    server.stop(0);
  }
}
