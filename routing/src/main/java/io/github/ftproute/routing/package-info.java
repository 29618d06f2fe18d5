/**
 * FTP-aware routing: the session-affinity table keyed by client IP (IPVS-style persistence),
 * backends and their states, selection policies, and the session router that sends the control and
 * data connections of one FTP session to one backend.
 */
@NullMarked
package io.github.ftproute.routing;

import org.jspecify.annotations.NullMarked;
