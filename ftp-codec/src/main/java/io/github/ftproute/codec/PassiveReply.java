package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A parsed passive-mode reply, the endpoint in it, and the means to rewrite it: 227 (PASV, RFC 959),
 * 228 (LPSV, RFC 1639) and 229 (EPSV, RFC 2428).
 *
 * <p>Servers word these replies differently, so parsing scans the text as RFC 1123 §4.1.2.6 asks:
 *
 * <ul>
 *   <li>227: the first run of six comma-separated numbers, wherever it stands:
 *       {@code 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2).}, without parentheses or final dot,
 *       or {@code 227 =h1,h2,h3,h4,p1,p2};
 *   <li>228: the first run that reads as a long address, {@code (4,4,h1,...,h4,2,p1,p2)};
 *   <li>229: the first {@code (<d><d><d>port<d>)}, with one delimiter {@code d} from 33 to 126,
 *       such as {@code (|||6446|)}; the reply names no address.
 * </ul>
 *
 * <p>{@link #rewrite} replaces only the numbers and keeps every other byte of the server's wording,
 * so {@code "227 Entering Passive Mode (10,0,0,5,39,16)."} becomes
 * {@code "227 Entering Passive Mode (192,0,2,1,117,49)."}. Instances are immutable and thread-safe.
 */
public final class PassiveReply {
  private final FtpReply reply;
  private final @Nullable InetAddress address;
  private final int port;
  private final int line;
  private final int start;
  private final int end;

  private PassiveReply(
      FtpReply reply, @Nullable InetAddress address, int port, int line, int start, int end) {
    this.reply = reply;
    this.address = address;
    this.port = port;
    this.line = line;
    this.start = start;
    this.end = end;
  }

  /**
   * Parses a 227, 228 or 229 reply. Other codes, and replies whose text holds no valid endpoint
   * (numbers over 255, port 0, no delimited port), give {@link ParseResult.Invalid}; a 228 with an
   * address family other than 4 or 6 gives {@link ParseResult.Unsupported}.
   */
  public static ParseResult<PassiveReply> parse(FtpReply reply) {
    requireNonNull(reply, "reply");
    int code = reply.code().value();
    if (code != 227 && code != 228 && code != 229) {
      return new ParseResult.Invalid<>(
          "reply code: " + code + " (expected: 227, 228 or 229)");
    }
    byte[][] lines = reply.lineBytes();
    for (int i = 0; i < lines.length; i++) {
      String text = new String(lines[i], StandardCharsets.ISO_8859_1); // one char per byte
      int from = reply.textStart(i);
      ParseResult<PassiveReply> result = code == 227 ? scan227(reply, i, text, from)
          : code == 228 ? scan228(reply, i, text, from)
          : scan229(reply, i, text, from);
      if (result != null) {
        return result;
      }
    }
    return new ParseResult.Invalid<>(
        "reply " + code + ": '" + Ascii.escape(reply.text()) + "' (expected: "
            + (code == 229 ? "(<d><d><d>port<d>)" : code == 227 ? "h1,h2,h3,h4,p1,p2" : "a long address")
            + " in the text)");
  }

  private static @Nullable ParseResult<PassiveReply> scan227(
      FtpReply reply, int line, String text, int from) {
    int[] values = new int[6];
    int[] end = new int[1];
    for (int i = from; i < text.length(); i++) {
      if (!NumberList.isDigit(text.charAt(i)) || (i > from && NumberList.isDigit(text.charAt(i - 1)))) {
        continue;
      }
      if (NumberList.read(text, i, values, end) != 6) {
        continue;
      }
      if (!AddressArguments.bytes(values, 6)
          || (end[0] < text.length() && NumberList.isDigit(text.charAt(end[0])))) {
        return AddressArguments.invalid("227 reply", text, "six numbers 0..255");
      }
      byte[] ip = {(byte) values[0], (byte) values[1], (byte) values[2], (byte) values[3]};
      return endpoint(reply, line, i, end[0], ip, values[4] << 8 | values[5], text);
    }
    return null;
  }

  private static @Nullable ParseResult<PassiveReply> scan228(
      FtpReply reply, int line, String text, int from) {
    for (int i = from; i < text.length(); i++) {
      if (!NumberList.isDigit(text.charAt(i)) || (i > from && NumberList.isDigit(text.charAt(i - 1)))) {
        continue;
      }
      int[] values = new int[2];
      if (NumberList.read(text, i, values, new int[1]) < 2) {
        continue;
      }
      AddressArguments.LongForm form = AddressArguments.parseLong(text, i, false);
      if (form.result() instanceof ParseResult.Ok<InetSocketAddress> ok) {
        InetSocketAddress a = ok.value();
        return new ParseResult.Ok<>(
            new PassiveReply(reply, a.getAddress(), a.getPort(), line, i, form.end()));
      }
      return form.result() instanceof ParseResult.Unsupported<InetSocketAddress> u
          ? new ParseResult.Unsupported<>(u.reason())
          : new ParseResult.Invalid<>(((ParseResult.Invalid<InetSocketAddress>) form.result()).reason());
    }
    return null;
  }

  private static @Nullable ParseResult<PassiveReply> scan229(
      FtpReply reply, int line, String text, int from) {
    for (int open = text.indexOf('(', from); open >= 0; open = text.indexOf('(', open + 1)) {
      if (open + 6 > text.length()) {
        return null;
      }
      char d = text.charAt(open + 1);
      if (d < 33 || d > 126 || NumberList.isDigit(d)
          || text.charAt(open + 2) != d || text.charAt(open + 3) != d) {
        continue;
      }
      int digits = open + 4;
      int stop = digits;
      while (stop < text.length() && NumberList.isDigit(text.charAt(stop))) {
        stop++;
      }
      if (stop == digits || stop - digits > 5 || stop + 1 >= text.length()
          || text.charAt(stop) != d || text.charAt(stop + 1) != ')') {
        continue;
      }
      int port = Integer.parseInt(text.substring(digits, stop));
      if (port < 1 || port > 65535) {
        return AddressArguments.invalid("229 reply", text, "port 1..65535");
      }
      return new ParseResult.Ok<>(new PassiveReply(reply, null, port, line, digits, stop));
    }
    return null;
  }

  private static ParseResult<PassiveReply> endpoint(
      FtpReply reply, int line, int start, int end, byte[] ip, int port, String text) {
    if (port == 0) {
      return AddressArguments.invalid("227 reply", text, "port 1..65535");
    }
    return new ParseResult.Ok<>(
        new PassiveReply(reply, IpLiterals.toAddress(ip), port, line, start, end));
  }

  /** Returns the reply this was parsed from. */
  public FtpReply reply() {
    return reply;
  }

  /** Returns the reply code: 227, 228 or 229. */
  public ReplyCode code() {
    return reply.code();
  }

  /** Returns the address the server announced; empty for a 229, which announces none. */
  public Optional<InetAddress> address() {
    return Optional.ofNullable(address);
  }

  /** Returns the port the server announced, 1..65535. */
  public int port() {
    return port;
  }

  /**
   * Returns the reply with its endpoint replaced by {@code address} and {@code port}, every other byte
   * kept. A 229 names no address, so only its port changes; a 228 takes the family of
   * {@code address}.
   *
   * @throws IllegalArgumentException if {@code port} is not in 1..65535, or this is a 227 and
   *     {@code address} is not IPv4 (a 227 cannot carry IPv6: use EPSV)
   */
  public FtpReply rewrite(InetAddress address, int port) {
    requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    StringBuilder numbers = new StringBuilder(64);
    int code = reply.code().value();
    if (code == 227) {
      byte[] ip = AddressArguments.ipv4(new InetSocketAddress(address, port), "227");
      NumberList.append(numbers, ip[0] & 0xFF, ip[1] & 0xFF, ip[2] & 0xFF, ip[3] & 0xFF,
          port >>> 8, port & 0xFF);
    } else if (code == 228) {
      AddressArguments.appendLong(numbers, address.getAddress(), port);
    } else {
      numbers.append(port);
    }
    byte[] old = reply.lineBytes()[line];
    byte[] replacement = numbers.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] updated = new byte[old.length - (end - start) + replacement.length];
    System.arraycopy(old, 0, updated, 0, start);
    System.arraycopy(replacement, 0, updated, start, replacement.length);
    System.arraycopy(old, end, updated, start + replacement.length, old.length - end);
    return reply.withLine(line, updated);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PassiveReply other && reply.equals(other.reply);
  }

  @Override
  public int hashCode() {
    return reply.hashCode();
  }

  @Override
  public String toString() {
    return "PassiveReply[" + reply.code() + " "
        + (address == null ? "" : IpLiterals.format(address)) + ":" + port + "]";
  }
}
