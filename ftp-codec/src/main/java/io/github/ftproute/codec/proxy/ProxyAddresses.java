package io.github.ftproute.codec.proxy;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * The addresses a PROXY header carries: the client's ({@code source}) and the one the client dialled
 * ({@code destination}), both IPv4 (TCP4) or both IPv6 (TCP6), resolved, with ports in 0..65535.
 *
 * @param source the original client's address and port
 * @param destination the address and port the client connected to
 */
public record ProxyAddresses(InetSocketAddress source, InetSocketAddress destination) {
  /** Checks that both addresses are resolved and of the same family. */
  public ProxyAddresses {
    requireNonNull(source, "source");
    requireNonNull(destination, "destination");
    if (source.getAddress() == null || destination.getAddress() == null) {
      throw new IllegalArgumentException("addresses: " + source + ", " + destination + " (expected: resolved)");
    }
    if (isIpv6(source) != isIpv6(destination)) {
      throw new IllegalArgumentException(
          "addresses: " + source + ", " + destination + " (expected: the same family, TCP4 or TCP6)");
    }
    if (!(source.getAddress() instanceof Inet4Address) && !(source.getAddress() instanceof Inet6Address)) {
      throw new IllegalArgumentException("source: " + source + " (expected: IPv4 or IPv6)");
    }
  }

  /** Returns whether these are IPv6 addresses (TCP6); otherwise they are IPv4 (TCP4). */
  public boolean isIpv6() {
    return isIpv6(source);
  }

  private static boolean isIpv6(InetSocketAddress address) {
    return address.getAddress() instanceof Inet6Address;
  }
}
