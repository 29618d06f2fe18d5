/**
 * Protocol-free primitives of ftproute: {@link io.github.ftproute.core.ClientKey client keys} under a
 * {@link io.github.ftproute.core.PersistenceNetmask persistence netmask}, port ranges, and the
 * data-port allocator that leases a proxy's own ports for FTP data connections.
 *
 * <p>Nothing here knows FTP, opens sockets, starts threads or reads the clock: time comes from an
 * injected Guava {@link com.google.common.base.Ticker}.
 */
@NullMarked
package io.github.ftproute.core;

import org.jspecify.annotations.NullMarked;
