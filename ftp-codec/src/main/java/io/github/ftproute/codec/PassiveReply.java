package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
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
  /** Reads eight bytes of an array as one little-endian long. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private final FtpReply reply;
  private final int ipv4;
  private final byte @Nullable [] ip; // 228 only; a 227 keeps its address in ipv4
  private final int port;
  private final int line;
  private final int start;
  private final int end;

  private PassiveReply(
      FtpReply reply, int ipv4, byte @Nullable [] ip, int port, int line, int start, int end) {
    this.reply = reply;
    this.ipv4 = ipv4;
    this.ip = ip;
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
      return new ParseResult.Invalid<>("reply code: " + code + " (expected: 227, 228 or 229)");
    }
    byte[][] lines = reply.lineBytes();
    for (int i = 0; i < lines.length; i++) {
      int from = reply.textStart(i);
      ParseResult<PassiveReply> result = code == 227 ? scan227(reply, i, lines[i], from)
          : code == 228 ? scan228(reply, i, lines[i], from)
          : scan229(reply, i, lines[i], from);
      if (result != null) {
        return result;
      }
    }
    return new ParseResult.Invalid<>(
        "reply " + code + ": '" + Ascii.escape(reply.text()) + "' (expected: "
            + (code == 229 ? "(<d><d><d>port<d>)" : code == 227 ? "h1,h2,h3,h4,p1,p2" : "a long address")
            + " in the text)");
  }

  /**
   * Scans for six comma-separated numbers; works on the bytes, allocating only the result. The
   * text before the numbers is skipped eight bytes at a time ({@link #firstDigit}), and the numbers
   * are read in one pass that packs the address as it goes.
   */
  private static @Nullable ParseResult<PassiveReply> scan227(
      FtpReply reply, int line, byte[] text, int from) {
    int n = text.length;
    for (int i = firstDigit(text, from); i < n; i = firstDigit(text, i + 1)) {
      if (i > from && isDigit(text[i - 1])) {
        continue; // inside a number that did not start a run
      }
      int at = i;
      int ip = 0;
      int p1 = 0;
      int value = 0;
      int count = 0;
      boolean tooBig = false;
      while (true) {
        // one to three digits; a fourth makes the value 1000, out of range
        int d;
        if (at >= n || (d = digit(text[at])) < 0) {
          break;
        }
        value = d;
        if (++at < n && (d = digit(text[at])) >= 0) {
          value = value * 10 + d;
          if (++at < n && (d = digit(text[at])) >= 0) {
            value = value * 10 + d;
            while (++at < n && digit(text[at]) >= 0) {
              value = 1000;
            }
          }
        }
        tooBig |= value > 255;
        if (++count == 6) {
          break;
        }
        if (count <= 4) {
          ip = ip << 8 | value & 0xFF;
        } else {
          p1 = value;
        }
        if (at < n && text[at] == ',') {
          at++;
        } else {
          break;
        }
      }
      if (count != 6) {
        continue;
      }
      if (tooBig) {
        return AddressArguments.invalid("227 reply", latin1(text), "six numbers 0..255");
      }
      int port = p1 << 8 | value;
      if (port == 0) {
        return AddressArguments.invalid("227 reply", latin1(text), "port 1..65535");
      }
      return new ParseResult.Ok<>(new PassiveReply(reply, ip, null, port, line, i, at));
    }
    return null;
  }

  /**
   * Returns the index of the first ASCII digit in {@code text} at or after {@code from}, or
   * {@code text.length} if there is none. Eight bytes are tested at once: a byte {@code b} is a
   * digit exactly when {@code b ^ '0'} is below 10, and the usual has-less-than word trick flags
   * such bytes; a borrow can only flag bytes above a true one, so the lowest flag is exact.
   */
  static int firstDigit(byte[] text, int from) {
    int i = from;
    int n = text.length;
    for (; i + Long.BYTES <= n; i += Long.BYTES) {
      long t = (long) LONGS.get(text, i) ^ 0x3030303030303030L;
      long found = (t - 10 * ONES) & ~t & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < n; i++) {
      if (isDigit(text[i])) {
        return i;
      }
    }
    return n;
  }

  private static @Nullable ParseResult<PassiveReply> scan228(
      FtpReply reply, int line, byte[] bytes, int from) {
    String text = latin1(bytes); // one char per byte, so indexes match
    for (int i = from; i < text.length(); i++) {
      if (!NumberList.isDigit(text.charAt(i)) || (i > from && NumberList.isDigit(text.charAt(i - 1)))) {
        continue;
      }
      if (NumberList.read(text, i, new int[2], new int[1]) < 2) {
        continue;
      }
      AddressArguments.LongForm form = AddressArguments.parseLong(text, i, false);
      if (form.result() instanceof ParseResult.Ok<InetSocketAddress> ok) {
        InetSocketAddress a = ok.value();
        return new ParseResult.Ok<>(new PassiveReply(
            reply, 0, a.getAddress().getAddress(), a.getPort(), line, i, form.end()));
      }
      return form.result() instanceof ParseResult.Unsupported<InetSocketAddress> u
          ? new ParseResult.Unsupported<>(u.reason())
          : new ParseResult.Invalid<>(((ParseResult.Invalid<InetSocketAddress>) form.result()).reason());
    }
    return null;
  }

  private static @Nullable ParseResult<PassiveReply> scan229(
      FtpReply reply, int line, byte[] text, int from) {
    for (int open = from; open < text.length; open++) {
      if (text[open] != '(') {
        continue;
      }
      if (open + 6 > text.length) {
        return null;
      }
      byte d = text[open + 1];
      if (d < 33 || d > 126 || isDigit(d) || text[open + 2] != d || text[open + 3] != d) {
        continue;
      }
      int digits = open + 4;
      int stop = digits;
      int port = 0;
      while (stop < text.length && isDigit(text[stop]) && stop - digits < 6) {
        port = port * 10 + (text[stop++] - '0');
      }
      if (stop == digits || stop - digits > 5 || stop + 1 >= text.length
          || text[stop] != d || text[stop + 1] != ')') {
        continue;
      }
      if (port < 1 || port > 65535) {
        return AddressArguments.invalid("229 reply", latin1(text), "port 1..65535");
      }
      return new ParseResult.Ok<>(new PassiveReply(reply, 0, null, port, line, digits, stop));
    }
    return null;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** Returns the value of an ASCII digit, or -1 for any other byte. */
  private static int digit(byte b) {
    int d = b - '0';
    return Integer.compareUnsigned(d, 10) < 0 ? d : -1;
  }

  private static String latin1(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
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
    int code = reply.code().value();
    if (code == 229) {
      return Optional.empty();
    }
    byte[] bytes = ip != null ? ip
        : new byte[] {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
    return Optional.of(IpLiterals.toAddress(bytes.clone()));
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
    byte[] replacement;
    int code = reply.code().value();
    if (code == 227) {
      byte[] a = AddressArguments.ipv4(new InetSocketAddress(address, port), "227");
      replacement = Digits.commaList(a[0] & 0xFF, a[1] & 0xFF, a[2] & 0xFF, a[3] & 0xFF, port >>> 8, port & 0xFF);
    } else if (code == 228) {
      StringBuilder numbers = new StringBuilder(64);
      AddressArguments.appendLong(numbers, address.getAddress(), port);
      replacement = numbers.toString().getBytes(StandardCharsets.US_ASCII);
    } else {
      replacement = Digits.commaList(port);
    }
    byte[] old = reply.lineBytes()[line];
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
        + address().map(IpLiterals::format).orElse("") + ":" + port + "]";
  }
}
