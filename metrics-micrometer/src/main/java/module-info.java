/** Micrometer meters for ftproute: a {@code MeterBinder} over the router's, table's, allocator's and probes' figures. */
module io.github.ftproute.metrics {
  requires transitive io.github.ftproute.routing;
  requires transitive micrometer.core;
  requires static org.jspecify;

  exports io.github.ftproute.metrics;
}
