/**
 * Micrometer meters for ftproute: {@link io.github.ftproute.metrics.FtpRouteMetrics}, a {@code
 * MeterBinder} over the router's, affinity table's, data-port allocator's, backends' and health
 * probes' figures, and {@link io.github.ftproute.metrics.RefusalCounter}, the router listener that
 * counts refusals by reason.
 */
@NullMarked
package io.github.ftproute.metrics;

import org.jspecify.annotations.NullMarked;
