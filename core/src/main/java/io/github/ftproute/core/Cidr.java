package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address block, {@code 10.0.0.0/8} or {@code 2001:db8::/32}: for lists of trusted
 * upstreams and for tables keyed by client network. Host bits below the prefix are ignored ({@code
 * 10.1.2.3/8} is {@code 10.0.0.0/8}); an IPv4-mapped IPv6 block ({@code ::ffff:10.0.0.0/104}) is the
 * IPv4 block it maps, and an IPv4 block contains the IPv4-mapped forms of its addresses. Immutable,
 * thread-safe; equal when family, network bits and prefix length are.
 */
public final class Cidr {
  private final ClientKey key;

  private Cidr(ClientKey key) {
    this.key = key;
  }

  /**
   * Parses {@code a.b.c.d/n}, {@code ipv6/n}, or a bare address (a single host: {@code /32} or
   * {@code /128}). Literals only: a host name is refused, never resolved.
   *
   * @throws IllegalArgumentException if {@code text} is not such a block
   */
  public static Cidr parse(String text) {
    requireNonNull(text, "text");
    int slash = text.indexOf('/');
    String literal = slash < 0 ? text : text.substring(0, slash);
    if (!InetAddresses.isInetAddress(literal) || literal.indexOf('%') >= 0) {
      throw new IllegalArgumentException("cidr: '" + text + "' (expected: an IPv4 or IPv6 literal, optionally /prefix)");
    }
    InetAddress address = InetAddresses.forString(literal);
    // Guava folds ::ffff:a.b.c.d to IPv4; its prefix is then counted in 128 bits
    boolean mapped = literal.indexOf(':') >= 0 && address.getAddress().length == 4;
    int max = mapped ? 128 : address.getAddress().length * 8;
    int prefix = max;
    if (slash >= 0) {
      String digits = text.substring(slash + 1);
      if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(digits) > max || (mapped && Integer.parseInt(digits) < 96)) {
        throw new IllegalArgumentException(
            "cidr: '" + text + "' (expected: a prefix length " + (mapped ? 96 : 0) + ".." + max + ")");
      }
      prefix = Integer.parseInt(digits);
    }
    if (mapped) {
      prefix -= 96;
    }
    return of(address, prefix);
  }

  /**
   * Returns the block of {@code address} under {@code prefixLength} bits.
   *
   * @throws IllegalArgumentException if {@code prefixLength} is out of 0..32 (IPv4) or 0..128 (IPv6)
   */
  public static Cidr of(InetAddress address, int prefixLength) {
    requireNonNull(address, "address");
    boolean ipv4 = address.getAddress().length == 4;
    return new Cidr(ClientKey.ofAddress(address, ipv4 ? prefixLength : 32, ipv4 ? 128 : prefixLength));
  }

  /** Returns whether {@code address} is in this block (IPv4-mapped IPv6 counting as IPv4). */
  public boolean contains(InetAddress address) {
    requireNonNull(address, "address");
    return key.contains(address);
  }

  /** Returns the block's network address. */
  public InetAddress network() {
    return key.networkAddress();
  }

  /** Returns the prefix length: 0..32 for IPv4, 0..128 for IPv6. */
  public int prefixLength() {
    return key.prefixLength();
  }

  /** Returns whether this is an IPv4 block. */
  public boolean isIpv4() {
    return key.isIpv4();
  }

  /** Returns whether any of {@code blocks} contains {@code address}. */
  public static boolean anyContains(Iterable<Cidr> blocks, InetAddress address) {
    for (Cidr block : blocks) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  /** Returns the block as {@code network/prefix}, the form {@link #parse} reads. */
  @Override
  public String toString() {
    return InetAddresses.toAddrString(network()) + "/" + prefixLength();
  }
}
