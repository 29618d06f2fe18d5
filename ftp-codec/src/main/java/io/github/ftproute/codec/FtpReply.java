package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One FTP reply from a server: a {@link ReplyCode code} and one or more lines of text (RFC 959 §4.2).
 *
 * <p>A single-line reply is {@code "227 Entering Passive Mode (...)"}. A multi-line reply starts with
 * the code and a hyphen and ends with a line that starts with the same code and a space:
 *
 * <pre>
 * 211-Extensions supported:
 *  EPSV
 *  MDTM
 * 211 End
 * </pre>
 *
 * Lines in between may hold anything but CR, LF and NUL, including other codes such as
 * {@code "220-..."} or {@code "123 ..."} that are not the reply's own code and a space.
 *
 * <p>A reply is bytes first: it keeps every line as received, so a decoded reply encodes back to the
 * same bytes (including non-UTF-8 pathnames in 257 replies and trailing spaces). {@link #lines()}
 * decodes the text with the reply's charset (UTF-8 unless the decoder was configured otherwise).
 * A line that is the code alone ({@code "226"}) is accepted as a last line with empty text.
 *
 * <p>Instances are immutable and thread-safe. Equality is on the bytes and the charset.
 */
public final class FtpReply implements DecodedReply {
  private final ReplyCode code;
  private final byte[][] lines;
  private final byte @Nullable [][] wire;
  private final Charset charset;

  FtpReply(ReplyCode code, byte[][] lines, byte @Nullable [][] wire, Charset charset) {
    this.code = code;
    this.lines = lines;
    this.wire = wire;
    this.charset = charset;
  }

  /**
   * Returns a single-line reply such as {@code 200 Command okay}.
   *
   * @throws IllegalArgumentException if {@code code} is not in 100..699 or {@code text} contains
   *     CR, LF or NUL
   */
  public static FtpReply of(int code, String text) {
    return of(ReplyCode.of(code), List.of(text));
  }

  /**
   * Returns a single-line reply such as {@code 200 Command okay}.
   *
   * @throws IllegalArgumentException if {@code text} contains CR, LF or NUL
   */
  public static FtpReply of(ReplyCode code, String text) {
    return of(code, List.of(text));
  }

  /**
   * Returns a reply of the given lines of text, in UTF-8: one line gives a single-line reply; more
   * give a multi-line reply whose first line is prefixed with the code and {@code '-'}, whose last line
   * is prefixed with the code and {@code ' '}, and whose inner lines are sent as they are.
   *
   * @throws IllegalArgumentException if there are no lines, a line contains CR, LF or NUL, or an inner
   *     line starts with the code followed by a space or the line end (it would end the reply early)
   */
  public static FtpReply of(ReplyCode code, List<String> lines) {
    requireNonNull(code, "code");
    requireNonNull(lines, "lines");
    int n = lines.size();
    if (n == 0) {
      throw new IllegalArgumentException("lines: [] (expected: at least one line)");
    }
    byte[] digits = code.toString().getBytes(StandardCharsets.US_ASCII);
    byte[][] raw = new byte[n][];
    for (int i = 0; i < n; i++) {
      byte[] text = requireNonNull(lines.get(i), "line").getBytes(StandardCharsets.UTF_8);
      checkText(text, i);
      if (i == 0 || i == n - 1) {
        byte[] line = Arrays.copyOf(digits, 4 + text.length);
        line[3] = (byte) (i == 0 && n > 1 ? '-' : ' ');
        System.arraycopy(text, 0, line, 4, text.length);
        raw[i] = line;
      } else {
        if (endsReply(text, text.length, digits)) {
          throw new IllegalArgumentException(
              "line " + i + ": '" + Ascii.escape(lines.get(i))
                  + "' (expected: an inner line must not start with '" + code + " ')");
        }
        raw[i] = text;
      }
    }
    return new FtpReply(code, raw, null, StandardCharsets.UTF_8);
  }

  private static void checkText(byte[] text, int lineIndex) {
    for (int i = 0; i < text.length; i++) {
      byte b = text[i];
      if (b == '\r' || b == '\n' || b == 0) {
        throw new IllegalArgumentException(
            "line " + lineIndex + ": '" + Ascii.escape(text, 0, text.length)
                + "' (expected: no CR, LF or NUL; found at index " + i + ")");
      }
    }
  }

  /** Returns whether a line of {@code length} bytes ends a multi-line reply with code {@code digits}. */
  static boolean endsReply(byte[] line, int length, byte[] digits) {
    return length >= 3
        && line[0] == digits[0]
        && line[1] == digits[1]
        && line[2] == digits[2]
        && (length == 3 || line[3] == ' ');
  }

  /** Returns the reply code. */
  public ReplyCode code() {
    return code;
  }

  /** Returns whether this reply ends the exchange of a command; see {@link ReplyCode#isFinal()}. */
  public boolean isFinal() {
    return code.isFinal();
  }

  /** Returns whether the reply spans more than one line. */
  public boolean isMultiLine() {
    return lines.length > 1;
  }

  /** Returns the number of lines. */
  public int lineCount() {
    return lines.length;
  }

  /**
   * Returns the text of each line, decoded with {@link #charset()}: the first and last lines without
   * their code and separator; inner lines whole, except that an inner line that repeats the reply's
   * code with a hyphen ({@code "220-You are user number 1"}, as Pure-FTPd and FileZilla Server send)
   * loses that prefix too.
   */
  public List<String> lines() {
    List<String> out = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      out.add(lineText(i));
    }
    return Collections.unmodifiableList(out);
  }

  /** Returns the text of line {@code index}, as in {@link #lines()}. */
  public String lineText(int index) {
    byte[] line = lines[index];
    int start = textStart(index);
    return new String(line, start, line.length - start, charset);
  }

  /** Returns the text of the whole reply: {@link #lines()} joined with {@code '\n'}. */
  public String text() {
    return lines.length == 1 ? lineText(0) : String.join("\n", lines());
  }

  /** Returns the charset {@link #lines()} and {@link #text()} use. */
  public Charset charset() {
    return charset;
  }

  /** Returns the offset of line {@code index}'s text within its bytes. */
  int textStart(int index) {
    byte[] line = lines[index];
    if (index == 0 || index == lines.length - 1) {
      return Math.min(4, line.length);
    }
    byte[] first = lines[0];
    boolean repeatsCode = line.length >= 4 && line[3] == '-'
        && line[0] == first[0] && line[1] == first[1] && line[2] == first[2];
    return repeatsCode ? 4 : 0;
  }

  /** The lines as decoded, code prefixes included. Not a copy: callers must not modify them. */
  byte[][] lineBytes() {
    return lines;
  }

  byte @Nullable [][] wireLines() {
    return wire;
  }

  /**
   * Returns this reply with line {@code index} replaced by {@code line} (whole, with its code prefix
   * where it has one), dropping the original wire form.
   */
  FtpReply withLine(int index, byte[] line) {
    byte[][] copy = lines.clone();
    copy[index] = line;
    return new FtpReply(code, copy, null, charset);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FtpReply other
        && code == other.code
        && Arrays.deepEquals(lines, other.lines)
        && Arrays.deepEquals(wire, other.wire)
        && charset.equals(other.charset);
  }

  @Override
  public int hashCode() {
    return 31 * code.value() + Arrays.deepHashCode(lines);
  }

  /** Returns a debugging form such as {@code FtpReply[227 'Entering Passive Mode (...)']}. */
  @Override
  public String toString() {
    return "FtpReply[" + code + (isMultiLine() ? " (" + lines.length + " lines)" : "") + " '"
        + Ascii.escape(text()) + "']";
  }
}
