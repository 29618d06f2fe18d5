package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The address arguments of the active-mode commands: parse and format, from literals only (no name
 * is ever looked up).
 *
 * <ul>
 *   <li>{@code PORT h1,h2,h3,h4,p1,p2} (RFC 959): each number 0..255, one to three digits;
 *   <li>{@code EPRT |1|132.235.1.2|6275|} and {@code EPRT |2|1080::8:800:200C:417A|5282|}
 *       (RFC 2428): any delimiter from 33 to 126, the same four times;
 *   <li>{@code LPRT 4,4,h1,h2,h3,h4,2,p1,p2} and {@code LPRT 6,16,h1,...,h16,2,p1,p2} (RFC 1639).
 * </ul>
 *
 * <p>Port 0 is refused everywhere: no data connection can be made to it. Parsing returns
 * {@link ParseResult.Invalid} for text that breaks the grammar and {@link ParseResult.Unsupported} for
 * an address family other than IPv4 and IPv6. Stateless and thread-safe.
 */
public final class AddressArguments {
  private AddressArguments() {}

  /** Parses the argument of an active-mode command: PORT, EPRT or LPRT, chosen by its verb. */
  public static ParseResult<InetSocketAddress> parse(FtpCommand command) {
    requireNonNull(command, "command");
    FtpVerb verb = command.verb();
    String argument = command.argument();
    if (verb.equals(FtpVerb.PORT)) {
      return parsePort(argument);
    } else if (verb.equals(FtpVerb.EPRT)) {
      return parseEprt(argument);
    } else if (verb.equals(FtpVerb.LPRT)) {
      return parseLprt(argument);
    }
    return new ParseResult.Invalid<>("verb: " + verb + " (expected: PORT, EPRT or LPRT)");
  }

  /** Parses a PORT argument such as {@code 127,0,0,1,4,1}. */
  public static ParseResult<InetSocketAddress> parsePort(String argument) {
    requireNonNull(argument, "argument");
    int[] values = new int[7];
    int[] end = new int[1];
    int count = NumberList.read(argument, 0, values, end);
    if (count != 6 || end[0] != argument.length() || !bytes(values, 6)) {
      return invalid("PORT argument", argument, "h1,h2,h3,h4,p1,p2 with each number 0..255");
    }
    return endpoint(
        new byte[] {(byte) values[0], (byte) values[1], (byte) values[2], (byte) values[3]},
        values[4] << 8 | values[5], "PORT argument", argument);
  }

  /**
   * Formats {@code address} as a PORT argument.
   *
   * @throws IllegalArgumentException if the address is not IPv4 or the port is 0
   */
  public static String formatPort(InetSocketAddress address) {
    byte[] ip = ipv4(address, "PORT");
    int port = port(address);
    StringBuilder out = new StringBuilder(23);
    NumberList.append(out, ip[0] & 0xFF, ip[1] & 0xFF, ip[2] & 0xFF, ip[3] & 0xFF, port >>> 8, port & 0xFF);
    return out.toString();
  }

  /** Parses an EPRT argument such as {@code |1|132.235.1.2|6275|} or {@code |2|::1|5282|}. */
  public static ParseResult<InetSocketAddress> parseEprt(String argument) {
    requireNonNull(argument, "argument");
    String expected = "<d><1|2><d><address><d><port><d> with one delimiter d from '!' to '~'";
    if (argument.length() < 7) {
      return invalid("EPRT argument", argument, expected);
    }
    char d = argument.charAt(0);
    int second = argument.indexOf(d, 1);
    int third = second < 0 ? -1 : argument.indexOf(d, second + 1);
    int fourth = third < 0 ? -1 : argument.indexOf(d, third + 1);
    if (d < 33 || d > 126 || fourth != argument.length() - 1) {
      return invalid("EPRT argument", argument, expected);
    }
    String protocol = argument.substring(1, second);
    String host = argument.substring(second + 1, third);
    String port = argument.substring(third + 1, fourth);
    if (!isDigits(protocol, 1, 3)) {
      return invalid("EPRT argument", argument, expected);
    }
    if (!protocol.equals("1") && !protocol.equals("2")) {
      return new ParseResult.Unsupported<>(
          "EPRT network protocol: " + protocol + " (expected: 1 for IPv4 or 2 for IPv6)");
    }
    byte[] ip = protocol.equals("1") ? IpLiterals.parseIpv4(host, 0, host.length())
        : IpLiterals.parseIpv6(host);
    if (ip == null || !isDigits(port, 1, 5)) {
      return invalid("EPRT argument", argument, expected);
    }
    return endpoint(ip, Integer.parseInt(port), "EPRT argument", argument);
  }

  /**
   * Formats {@code address} as an EPRT argument with the delimiter {@code '|'}: protocol 1 for IPv4,
   * 2 for IPv6 (written per RFC 5952).
   *
   * @throws IllegalArgumentException if the port is 0
   */
  public static String formatEprt(InetSocketAddress address) {
    InetAddress ip = resolved(address, "EPRT");
    int port = port(address);
    return "|" + (ip instanceof Inet4Address ? 1 : 2) + "|" + IpLiterals.format(ip) + "|" + port + "|";
  }

  /** Parses an LPRT argument such as {@code 4,4,127,0,0,1,2,4,1}. */
  public static ParseResult<InetSocketAddress> parseLprt(String argument) {
    requireNonNull(argument, "argument");
    return parseLong(argument, 0, true).result();
  }

  /**
   * Formats {@code address} as an LPRT argument: family 4 with 4 address bytes or family 6 with 16,
   * then 2 port bytes.
   *
   * @throws IllegalArgumentException if the port is 0
   */
  public static String formatLprt(InetSocketAddress address) {
    StringBuilder out = new StringBuilder(64);
    appendLong(out, resolved(address, "LPRT").getAddress(), port(address));
    return out.toString();
  }

  static void appendLong(StringBuilder out, byte[] ip, int port) {
    out.append(ip.length == 4 ? 4 : 6).append(',').append(ip.length);
    for (byte b : ip) {
      out.append(',').append(b & 0xFF);
    }
    out.append(",2,").append(port >>> 8).append(',').append(port & 0xFF);
  }

  /** The outcome of reading the long-address grammar at some offset, and where it ended. */
  record LongForm(ParseResult<InetSocketAddress> result, int end) {}

  /**
   * Reads the RFC 1639 long address at {@code from}; with {@code whole}, nothing may follow it.
   */
  static LongForm parseLong(String s, int from, boolean whole) {
    String what = whole ? "LPRT argument" : "228 address";
    String expected = "af,hal,h1,...,pal,p1,p2 with af 4 (hal 4) or 6 (hal 16), pal 2, numbers 0..255";
    int[] head = new int[2];
    int[] end = new int[1];
    int count = NumberList.read(s, from, head, end);
    if (count < 2 || !bytes(head, 2)) {
      return new LongForm(invalid(what, s, expected), end[0]);
    }
    int family = head[0];
    int hal = head[1];
    if (family != 4 && family != 6) {
      return new LongForm(new ParseResult.Unsupported<>(
          what + " address family: " + family + " (expected: 4 or 6)"), end[0]);
    }
    if (hal != (family == 4 ? 4 : 16)) {
      return new LongForm(invalid(what, s, expected), end[0]);
    }
    int[] values = new int[2 + hal + 3];
    count = NumberList.read(s, from, values, end);
    if (count != values.length || !bytes(values, count) || values[2 + hal] != 2
        || (whole && end[0] != s.length())) {
      return new LongForm(invalid(what, s, expected), end[0]);
    }
    byte[] ip = new byte[hal];
    for (int i = 0; i < hal; i++) {
      ip[i] = (byte) values[2 + i];
    }
    int port = values[3 + hal] << 8 | values[4 + hal];
    return new LongForm(endpoint(ip, port, what, s), end[0]);
  }

  static ParseResult<InetSocketAddress> endpoint(byte[] ip, int port, String what, String text) {
    if (port < 1 || port > 65535) {
      return new ParseResult.Invalid<>(what + ": '" + Ascii.escape(text) + "' (expected: port 1..65535)");
    }
    return new ParseResult.Ok<>(new InetSocketAddress(IpLiterals.toAddress(ip), port));
  }

  static <T> ParseResult<T> invalid(String what, String text, String expected) {
    return new ParseResult.Invalid<>(what + ": '" + Ascii.escape(text) + "' (expected: " + expected + ")");
  }

  static boolean bytes(int[] values, int count) {
    for (int i = 0; i < count; i++) {
      if (values[i] > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(String s, int min, int max) {
    if (s.length() < min || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!NumberList.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static InetAddress resolved(InetSocketAddress address, String what) {
    requireNonNull(address, "address");
    InetAddress ip = address.getAddress();
    if (ip == null) {
      throw new IllegalArgumentException(
          what + " address: " + address + " (expected: a resolved address, not a host name)");
    }
    return ip;
  }

  static byte[] ipv4(InetSocketAddress address, String what) {
    InetAddress ip = resolved(address, what);
    if (ip instanceof Inet6Address) {
      throw new IllegalArgumentException(
          what + " address: " + IpLiterals.format(ip) + " (expected: an IPv4 address)");
    }
    return ip.getAddress();
  }

  static int port(InetSocketAddress address) {
    int port = address.getPort();
    if (port == 0) {
      throw new IllegalArgumentException("port: 0 (expected: 1..65535)");
    }
    return port;
  }
}
