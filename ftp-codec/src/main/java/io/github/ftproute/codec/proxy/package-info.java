/**
 * The PROXY protocol, versions 1 and 2, as HAProxy's
 * <a href="https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt">proxy-protocol.txt</a>
 * defines it: an incremental, bounded decoder that reports bad input as values, and an encoder.
 * {@link io.github.ftproute.codec.proxy.ProxyProtocol} is the entry point.
 */
@NullMarked
package io.github.ftproute.codec.proxy;

import org.jspecify.annotations.NullMarked;
