package io.github.ftproute.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.ftproute.metrics.FtpRouteMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's Prometheus scrape endpoint ({@code --metrics 127.0.0.1:9102}): {@code GET /metrics}
 * answers Micrometer's Prometheus registry's scrape of {@link FtpRouteMetrics} (text format 0.0.4).
 * Loopback only, like {@link AdminEndpoint}.
 */
final class MetricsEndpoint implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final HttpServer server;
  private final PrometheusMeterRegistry registry;

  private MetricsEndpoint(HttpServer server, PrometheusMeterRegistry registry) {
    this.server = server;
    this.registry = registry;
  }

  /** Binds {@code metrics} to a new Prometheus registry and serves it on {@code address}. */
  static MetricsEndpoint start(InetSocketAddress address, FtpRouteMetrics metrics) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.bindTo(registry);
    try {
      HttpServer server = HttpServer.create(address, 16);
      MetricsEndpoint endpoint = new MetricsEndpoint(server, registry);
      server.createContext("/metrics", endpoint::handle);
      server.start();
      logger.info("metrics on http://{}/metrics", AdminEndpoint.hostPort(server.getAddress()));
      return endpoint;
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException("--metrics: cannot listen on " + address, e);
    }
  }

  /** Returns the address it listens on. */
  InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
        AdminEndpoint.answer(exchange, 403, "loopback only\n");
      } else if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals("/metrics")) {
        AdminEndpoint.answer(exchange, 404, "GET /metrics\n");
      } else {
        byte[] bytes = registry.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    registry.close();
  }
}
