package io.github.ftproute.core;

import java.net.InetAddress;

/**
 * The netmask under which client addresses are grouped into {@link ClientKey}s: one prefix length
 * for IPv4 and one for IPv6 (the IPVS "persistent netmask").
 *
 * <p>{@link #NONE} ({@code /32} and {@code /128}) is the default: every address is its own client.
 * {@code /24} for IPv4 keeps the clients of one subnet together, which helps when a client's
 * connections leave through several addresses of a NAT pool; {@code /64} is the typical IPv6 choice.
 *
 * @param ipv4PrefixLength leading bits kept of an IPv4 address, 0..32 (0 puts every IPv4 client
 *     under one key)
 * @param ipv6PrefixLength leading bits kept of an IPv6 address, 0..128
 */
public record PersistenceNetmask(int ipv4PrefixLength, int ipv6PrefixLength) {
  /** No grouping: {@code /32} for IPv4 and {@code /128} for IPv6. */
  public static final PersistenceNetmask NONE = new PersistenceNetmask(32, 128);

  /**
   * Validates the prefix lengths.
   *
   * @throws IllegalArgumentException if a prefix length is out of range
   */
  public PersistenceNetmask {
    if (ipv4PrefixLength < 0 || ipv4PrefixLength > 32) {
      throw new IllegalArgumentException(
          "ipv4PrefixLength: " + ipv4PrefixLength + " (expected: 0..32)");
    }
    if (ipv6PrefixLength < 0 || ipv6PrefixLength > 128) {
      throw new IllegalArgumentException(
          "ipv6PrefixLength: " + ipv6PrefixLength + " (expected: 0..128)");
    }
  }

  /** Returns a netmask of {@code ipv4PrefixLength} bits for IPv4 and {@code /128} for IPv6. */
  public static PersistenceNetmask ofIpv4(int ipv4PrefixLength) {
    return new PersistenceNetmask(ipv4PrefixLength, 128);
  }

  /** Returns the key of {@code address} under this netmask. */
  public ClientKey keyOf(InetAddress address) {
    return ClientKey.ofAddress(address, ipv4PrefixLength, ipv6PrefixLength);
  }

  /** Returns this netmask as {@code /ipv4,/ipv6}, for example {@code /24,/64}. */
  @Override
  public String toString() {
    return "/" + ipv4PrefixLength + ",/" + ipv6PrefixLength;
  }
}
