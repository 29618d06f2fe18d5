/**
 * FTP-aware session routing: {@link io.github.ftproute.routing.FtpSessionRouter} and
 * {@link io.github.ftproute.routing.FtpSession}, which own every FTP rule of a proxied session (what
 * to rewrite, what to refuse, when a reply may go out), the decisions they return, their listener
 * and statistics.
 *
 * <p>Implements the routing-relevant parts of RFC 959 (FTP), RFC 2428 (EPRT, EPSV, EPSV ALL),
 * RFC 1639 (LPRT, LPSV), RFC 2577 (bounce attacks, port stealing) and RFC 4217 (AUTH TLS).
 * The affinity table, backends and selection policies are in
 * {@code io.github.ftproute.routing.affinity}; the MINA transport is in
 * {@code io.github.ftproute.routing.mina}.
 */
@NullMarked
package io.github.ftproute.routing;

import org.jspecify.annotations.NullMarked;
