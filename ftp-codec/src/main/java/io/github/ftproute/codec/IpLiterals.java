package io.github.ftproute.codec;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * Parses and formats IP address literals without any name lookup: dotted-quad IPv4 and RFC 4291
 * text IPv6 (with {@code ::} and an embedded IPv4 tail), formatted back per RFC 5952.
 */
final class IpLiterals {
  private IpLiterals() {}

  /** Returns the address that {@code s} spells, or null if it is not a literal. */
  static @Nullable InetAddress parse(String s) {
    byte[] bytes = s.indexOf(':') >= 0 ? parseIpv6(s) : parseIpv4(s, 0, s.length());
    return bytes == null ? null : toAddress(bytes);
  }

  /** Returns the four bytes of the dotted quad in {@code s[from, to)}, or null. */
  static byte @Nullable [] parseIpv4(String s, int from, int to) {
    byte[] out = new byte[4];
    int part = 0;
    int i = from;
    while (part < 4) {
      int start = i;
      int value = 0;
      while (i < to && i - start < 3 && isDigit(s.charAt(i))) {
        value = value * 10 + (s.charAt(i++) - '0');
      }
      if (i == start || value > 255 || (i < to && isDigit(s.charAt(i)))) {
        return null;
      }
      out[part++] = (byte) value;
      if (part < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == to ? out : null;
  }

  /** Returns the sixteen bytes of the IPv6 literal {@code s}, or null (zone ids are refused). */
  static byte @Nullable [] parseIpv6(String s) {
    int n = s.length();
    if (n < 2 || n > 45) {
      return null;
    }
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = 0;
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
      if (n == 2) {
        return new byte[16];
      }
    } else if (s.charAt(0) == ':') {
      return null;
    }
    while (i < n) {
      if (count == 8) {
        return null;
      }
      int dot = s.indexOf('.', i);
      int colon = s.indexOf(':', i);
      if (dot >= 0 && (colon < 0 || dot < colon)) { // the embedded IPv4 tail
        if (count > 6) {
          return null;
        }
        byte[] v4 = parseIpv4(s, i, n);
        if (v4 == null) {
          return null;
        }
        groups[count++] = (v4[0] & 0xFF) << 8 | (v4[1] & 0xFF);
        groups[count++] = (v4[2] & 0xFF) << 8 | (v4[3] & 0xFF);
        i = n;
        break;
      }
      int start = i;
      int value = 0;
      while (i < n && i - start < 4 && hex(s.charAt(i)) >= 0) {
        value = value << 4 | hex(s.charAt(i++));
      }
      if (i == start || (i < n && s.charAt(i) != ':')) {
        return null;
      }
      groups[count++] = value;
      if (i < n) {
        i++; // the colon
        if (i == n) {
          return null; // a trailing single colon
        }
        if (s.charAt(i) == ':') {
          if (gap >= 0) {
            return null; // a second "::"
          }
          gap = count;
          i++;
        }
      }
    }
    if (gap < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    int tail = gap < 0 ? 0 : count - gap;
    for (int g = 0; g < count; g++) {
      int slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
      out[2 * slot] = (byte) (groups[g] >>> 8);
      out[2 * slot + 1] = (byte) groups[g];
    }
    return out;
  }

  /** Formats {@code address}: dotted quad for IPv4, RFC 5952 for IPv6 (zone ids dropped). */
  static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return (b[0] & 0xFF) + "." + (b[1] & 0xFF) + "." + (b[2] & 0xFF) + "." + (b[3] & 0xFF);
    }
    int[] groups = new int[8];
    for (int g = 0; g < 8; g++) {
      groups[g] = (b[2 * g] & 0xFF) << 8 | (b[2 * g + 1] & 0xFF);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
    for (int g = 0; g < 8; ) {
      if (groups[g] != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && groups[g] == 0) {
        g++;
      }
      if (g - start > bestLength) {
        bestStart = start;
        bestLength = g - start;
      }
    }
    StringBuilder out = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        out.append("::");
        g += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[g]));
    }
    return out.toString();
  }

  static InetAddress toAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("literal address of length " + bytes.length, e);
    }
  }

  /** Returns {@code address} without an IPv6 scope, so it compares by its bytes alone. */
  static InetAddress withoutScope(InetAddress address) {
    return address instanceof Inet6Address v6 && v6.getScopeId() != 0
        ? toAddress(address.getAddress())
        : address;
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
