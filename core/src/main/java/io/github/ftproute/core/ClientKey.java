package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client's routing identity: its IP address under a persistence netmask.
 *
 * <p>All addresses whose first {@link #prefixLength()} bits agree share one key, so with a
 * {@code /24} netmask the clients {@code 10.1.2.3} and {@code 10.1.2.200} are the same client for
 * routing purposes (the IPVS "persistent netmask"). An IPv4 address and its IPv4-mapped IPv6 form
 * ({@code ::ffff:10.1.2.3}) give the same key.
 *
 * <p>A key is compact: it holds the masked address as two {@code long}s and the prefix length, and
 * no {@link InetAddress}. Equality and hashing are on the address family, the masked bits and the
 * prefix length; {@code 10.1.2.0/24} and {@code 10.1.2.0/32} are different keys.
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @see PersistenceNetmask
 */
public final class ClientKey {
  private static final long IPV4_MAPPED_PREFIX = 0xFFFFL;

  private final long high;
  private final long low;
  private final int prefixLength;
  private final boolean ipv4;

  private ClientKey(long high, long low, int prefixLength, boolean ipv4) {
    this.high = high;
    this.low = low;
    this.prefixLength = prefixLength;
    this.ipv4 = ipv4;
  }

  /** Returns the key of {@code address} with no masking ({@code /32} for IPv4, {@code /128} for IPv6). */
  public static ClientKey of(InetAddress address) {
    return PersistenceNetmask.NONE.keyOf(address);
  }

  /**
   * Returns the key of an IPv4 address given as its 32 bits in network order (the first octet in the
   * most significant byte), masked to {@code prefixLength} bits.
   *
   * @throws IllegalArgumentException if {@code prefixLength} is not in 0..32
   */
  public static ClientKey ofIpv4(int address, int prefixLength) {
    checkPrefix(prefixLength, 32);
    long mask = prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
    return new ClientKey(0, (address & 0xFFFF_FFFFL) & mask, prefixLength, true);
  }

  /**
   * Returns the key of an IPv6 address given as its 128 bits in two halves (network order), masked
   * to {@code prefixLength} bits. An IPv4-mapped address ({@code ::ffff:a.b.c.d}) gives the IPv4 key
   * of {@code a.b.c.d}, with the prefix length reduced by 96 (at least 0).
   *
   * @throws IllegalArgumentException if {@code prefixLength} is not in 0..128
   */
  public static ClientKey ofIpv6(long high, long low, int prefixLength) {
    checkPrefix(prefixLength, 128);
    if (high == 0 && (low >>> 32) == IPV4_MAPPED_PREFIX) {
      return ofIpv4((int) low, Math.max(0, prefixLength - 96));
    }
    return new ClientKey(
        high & highMask(prefixLength), low & lowMask(prefixLength), prefixLength, false);
  }

  static ClientKey ofAddress(InetAddress address, int ipv4PrefixLength, int ipv6PrefixLength) {
    requireNonNull(address, "address");
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return ofIpv4(intAt(bytes, 0), ipv4PrefixLength);
    }
    long high = ((long) intAt(bytes, 0) << 32) | (intAt(bytes, 4) & 0xFFFF_FFFFL);
    long low = ((long) intAt(bytes, 8) << 32) | (intAt(bytes, 12) & 0xFFFF_FFFFL);
    if (high == 0 && (low >>> 32) == IPV4_MAPPED_PREFIX) {
      return ofIpv4((int) low, ipv4PrefixLength);
    }
    return ofIpv6(high, low, ipv6PrefixLength);
  }

  /**
   * Returns the IPv4 address that an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) stands for,
   * and any other address unchanged. This is the one place where ftproute decides that
   * {@code ::ffff:10.1.2.3} and {@code 10.1.2.3} are the same host (a dual-stack socket reports IPv4
   * peers in the mapped form). The IPv4-compatible form {@code ::a.b.c.d} (deprecated by RFC 4291) is
   * not unmapped. No DNS lookup; allocates only for a mapped address. Thread-safe.
   */
  public static InetAddress unmapped(InetAddress address) {
    requireNonNull(address, "address");
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] b = address.getAddress();
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return address;
      }
    }
    if (b[10] != (byte) 0xFF || b[11] != (byte) 0xFF) {
      return address;
    }
    try {
      return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
    } catch (UnknownHostException e) {
      throw new AssertionError("literal address of length 4", e);
    }
  }

  /**
   * Returns whether two addresses are the same host: equal, or the same IPv4 address written once
   * plainly and once IPv4-mapped ({@link #unmapped}). Host names are ignored, and so are IPv6 scope
   * ids. Does not allocate when both are IPv4. Thread-safe.
   */
  public static boolean sameAddress(InetAddress a, InetAddress b) {
    requireNonNull(a, "a");
    requireNonNull(b, "b");
    if (a.equals(b)) {
      return true;
    }
    if (a instanceof Inet4Address && b instanceof Inet4Address) {
      return false;
    }
    return unmapped(a).equals(unmapped(b));
  }

  /**
   * Returns a non-zero 64-bit identity of {@code address} for the allocator's tables: the exact 32
   * bits (tagged) for IPv4 and IPv4-mapped addresses, a hash of the 128 bits (top bit set) for IPv6.
   * Different IPv6 hosts may collide; the allocator only uses this where a collision makes it more
   * careful (a peer kept off a port it could have had), never to admit a connection.
   */
  static long peerBits(InetAddress address) {
    if (address instanceof Inet4Address) {
      return (address.hashCode() & 0xFFFF_FFFFL) | (1L << 32); // Inet4Address.hashCode() is its address
    }
    byte[] b = address.getAddress();
    long high = ((long) intAt(b, 0) << 32) | (intAt(b, 4) & 0xFFFF_FFFFL);
    long low = ((long) intAt(b, 8) << 32) | (intAt(b, 12) & 0xFFFF_FFFFL);
    if (high == 0 && (low >>> 32) == IPV4_MAPPED_PREFIX) {
      return (low & 0xFFFF_FFFFL) | (1L << 32);
    }
    long h = (high ^ (high >>> 31)) * 0x9E37_79B9_7F4A_7C15L + low;
    h = (h ^ (h >>> 29)) * 0xBF58_476D_1CE4_E5B9L;
    return h ^ (h >>> 32) | Long.MIN_VALUE;
  }

  /** Returns whether this is an IPv4 key (IPv4-mapped IPv6 addresses give IPv4 keys). */
  public boolean isIpv4() {
    return ipv4;
  }

  /**
   * Returns the masked IPv4 address as 32 bits in network order.
   *
   * @throws IllegalStateException if this is an IPv6 key
   */
  public int ipv4Bits() {
    if (!ipv4) {
      throw new IllegalStateException("not an IPv4 key: " + this);
    }
    return (int) low;
  }

  /** Returns the first 64 bits of the masked IPv6 address, or 0 for an IPv4 key. */
  public long high() {
    return high;
  }

  /**
   * Returns the last 64 bits of the masked IPv6 address; for an IPv4 key, the masked IPv4 address in
   * the low 32 bits and zeros above.
   */
  public long low() {
    return low;
  }

  /** Returns the number of leading address bits that make the key: 0..32 for IPv4, 0..128 for IPv6. */
  public int prefixLength() {
    return prefixLength;
  }

  /**
   * Returns whether {@code address} falls under this key, that is, whether it has the same family
   * (IPv4-mapped IPv6 counting as IPv4) and the same first {@link #prefixLength()} bits.
   */
  public boolean contains(InetAddress address) {
    return equals(ofAddress(address, ipv4 ? prefixLength : 32, ipv4 ? 128 : prefixLength));
  }

  /** Returns the masked network address of this key, as a new {@link InetAddress}. */
  public InetAddress networkAddress() {
    byte[] bytes;
    if (ipv4) {
      bytes = new byte[4];
      putInt(bytes, 0, (int) low);
    } else {
      bytes = new byte[16];
      putInt(bytes, 0, (int) (high >>> 32));
      putInt(bytes, 4, (int) high);
      putInt(bytes, 8, (int) (low >>> 32));
      putInt(bytes, 12, (int) low);
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("literal address of length " + bytes.length, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientKey other
        && high == other.high
        && low == other.low
        && prefixLength == other.prefixLength
        && ipv4 == other.ipv4;
  }

  @Override
  public int hashCode() {
    long h = high * 0x9E37_79B9_7F4A_7C15L + low;
    h = (h ^ (h >>> 29)) * 0xBF58_476D_1CE4_E5B9L + prefixLength + (ipv4 ? 0 : 256);
    return (int) (h ^ (h >>> 32));
  }

  /** Returns the key in CIDR notation, such as {@code 10.1.2.0/24} or {@code 2001:db8:0:0:0:0:0:0/64}. */
  @Override
  public String toString() {
    return networkAddress().getHostAddress() + "/" + prefixLength;
  }

  private static void checkPrefix(int prefixLength, int max) {
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException(
          "prefixLength: " + prefixLength + " (expected: 0.." + max + ")");
    }
  }

  private static long highMask(int prefixLength) {
    if (prefixLength >= 64) {
      return -1L;
    }
    return prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
  }

  private static long lowMask(int prefixLength) {
    if (prefixLength <= 64) {
      return 0;
    }
    return prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
  }

  private static int intAt(byte[] b, int i) {
    return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
  }

  private static void putInt(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }
}
