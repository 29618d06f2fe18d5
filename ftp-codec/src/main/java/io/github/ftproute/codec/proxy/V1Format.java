package io.github.ftproute.codec.proxy;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The version 1 line: {@code PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n} or {@code PROXY
 * UNKNOWN...\r\n}. Addresses are literals (never resolved); ports are decimal without leading zeros.
 */
final class V1Format {
  private V1Format() {}

  /** Parses the line {@code line[0..length)}, which starts with {@code "PROXY "} and ends with LF. */
  static ProxyDecodeResult parse(byte[] line, int length) {
    if (length < 2 || line[length - 2] != '\r') {
      return bad("v1 header without CR before LF", line, length);
    }
    for (int i = 0; i < length - 2; i++) {
      if (line[i] < 0x20 || line[i] > 0x7E) {
        return bad("v1 header with a control or non-ASCII byte", line, length);
      }
    }
    String text = new String(line, ProxyProtocol.V1_PREFIX.length, length - 2 - ProxyProtocol.V1_PREFIX.length,
        StandardCharsets.US_ASCII);
    if (text.equals("UNKNOWN") || text.startsWith("UNKNOWN ")) {
      return new ProxyDecodeResult.Decoded(ProxyHeader.unknown(ProxyVersion.V1), length);
    }
    String[] parts = text.split(" ", -1);
    if (parts.length != 5 || !(parts[0].equals("TCP4") || parts[0].equals("TCP6"))) {
      return bad("v1 header grammar", line, length);
    }
    boolean v6 = parts[0].equals("TCP6");
    InetAddress source = v6 ? ipv6(parts[1]) : ipv4(parts[1]);
    InetAddress destination = v6 ? ipv6(parts[2]) : ipv4(parts[2]);
    int sourcePort = port(parts[3]);
    int destinationPort = port(parts[4]);
    if (source == null || destination == null || sourcePort < 0 || destinationPort < 0) {
      return bad("v1 header address or port", line, length);
    }
    ProxyAddresses addresses = new ProxyAddresses(new InetSocketAddress(source, sourcePort),
        new InetSocketAddress(destination, destinationPort));
    return new ProxyDecodeResult.Decoded(
        new ProxyHeader(ProxyVersion.V1, ProxyCommand.PROXY, Optional.of(addresses), java.util.List.of()), length);
  }

  private static ProxyDecodeResult bad(String what, byte[] line, int length) {
    return Faults.malformed(ProxyDecodeResult.Reason.BAD_LINE, what, line, length);
  }

  /** Strict dotted quad: four decimal parts 0..255, no leading zeros (which some parsers read as octal). */
  static @Nullable InetAddress ipv4(String s) {
    byte[] bytes = new byte[4];
    int part = 0;
    int start = 0;
    for (int i = 0; i <= s.length(); i++) {
      if (i == s.length() || s.charAt(i) == '.') {
        int n = decimal(s, start, i, 255);
        if (n < 0 || part == 4) {
          return null;
        }
        bytes[part++] = (byte) n;
        start = i + 1;
      }
    }
    if (part != 4) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      return null; // cannot happen for 4 bytes
    }
  }

  /** An IPv6 literal, kept as an {@link Inet6Address} even when IPv4-mapped; never a DNS lookup. */
  static @Nullable InetAddress ipv6(String s) {
    if (s.isEmpty() || s.length() > 45) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
        return null;
      }
    }
    if (s.indexOf(':') < 0) {
      return null;
    }
    try {
      // brackets make the JDK parse an IPv6 literal or fail; it never resolves a bracketed name
      InetAddress parsed = InetAddress.getByName("[" + s + "]");
      byte[] bytes = parsed.getAddress();
      if (bytes.length == 4) { // IPv4-mapped: the JDK folds it to IPv4
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        bytes = mapped;
      }
      return Inet6Address.getByAddress(null, bytes, -1);
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  private static int port(String s) {
    return decimal(s, 0, s.length(), 65535);
  }

  private static int decimal(String s, int from, int to, int max) {
    if (to - from < 1 || to - from > 5 || (to - from > 1 && s.charAt(from) == '0')) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n <= max ? n : -1;
  }

  static byte[] encode(ProxyHeader header) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes(ProxyProtocol.V1_PREFIX);
    if (header.addresses().isEmpty()) {
      out.writeBytes("UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
      return out.toByteArray();
    }
    ProxyAddresses a = header.addresses().get();
    String line = (a.isIpv6() ? "TCP6 " : "TCP4 ") + text(a.source().getAddress()) + " "
        + text(a.destination().getAddress()) + " " + a.source().getPort() + " " + a.destination().getPort() + "\r\n";
    out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  /** An address literal without a scope: the IPv6 form has eight groups (at most 39 characters). */
  private static String text(InetAddress address) {
    if (address instanceof Inet6Address) {
      try {
        return Inet6Address.getByAddress(null, address.getAddress(), -1).getHostAddress();
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // 16 bytes: cannot happen
      }
    }
    return address.getHostAddress();
  }
}
