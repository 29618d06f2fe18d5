/**
 * FTP health checks that any transport drives: {@link io.github.ftproute.routing.health.FtpProbe}, a
 * probe state machine fed bytes and events that answers with what to send (RFC 959 greeting, {@code
 * NOOP}, {@code USER}/{@code PASS}, {@code QUIT}); {@link io.github.ftproute.routing.health.HealthPolicy},
 * the rise and fall counts, jittered interval and slow start; and {@link
 * io.github.ftproute.routing.health.BackendHealth}, which applies probe results to a {@link
 * io.github.ftproute.routing.affinity.BackendPool}.
 *
 * <p>Nothing here starts a thread or reads the clock on its own: time comes from a Guava {@code
 * Ticker}, and the embedder's scheduler runs the probes (the MINA transport does it for its backends).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc959">RFC 959: FTP</a>
 */
@NullMarked
package io.github.ftproute.routing.health;

import org.jspecify.annotations.NullMarked;
