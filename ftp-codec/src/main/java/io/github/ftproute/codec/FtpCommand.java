package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One FTP command from a client: a {@link FtpVerb verb} and an optional argument (RFC 959 §5.3).
 *
 * <p>A command is bytes first. It keeps the verb as the client spelled it ({@code "retr"} stays
 * lower case on the wire), the argument as the exact bytes that followed the first space (pathnames are
 * often UTF-8 as RFC 2640 asks, but Latin-1 and others occur), and any Telnet commands that preceded it
 * on its line (the {@code IAC IP IAC DM} synch before {@code ABOR}). {@link FtpEncoder} therefore writes
 * a decoded command back as the bytes it came from. {@link #argument()} decodes the argument with the
 * command's charset (UTF-8 unless the decoder was configured otherwise; malformed sequences become
 * U+FFFD).
 *
 * <p>An argument never contains CR, LF or NUL: the factories reject them, so a command cannot smuggle
 * a second command onto the wire. {@code "NOOP"} has no argument; {@code "NOOP "} has an empty one.
 *
 * <p>Instances are immutable and thread-safe. Equality is on the bytes (prefix, line, and the
 * original wire form of an irregular line) and the charset.
 */
public final class FtpCommand implements DecodedCommand {
  private final FtpVerb verb;
  private final byte[] line;
  private final int verbLength;
  private final byte[] telnetPrefix;
  private final byte @Nullable [] wire;
  private final boolean interrupt;
  private final Charset charset;

  FtpCommand(
      FtpVerb verb,
      byte[] line,
      int verbLength,
      byte[] telnetPrefix,
      byte @Nullable [] wire,
      boolean interrupt,
      Charset charset) {
    this.verb = verb;
    this.line = line;
    this.verbLength = verbLength;
    this.telnetPrefix = telnetPrefix;
    this.wire = wire;
    this.interrupt = interrupt;
    this.charset = charset;
  }

  /** Returns a command without an argument, such as {@code PASV}. */
  public static FtpCommand of(FtpVerb verb) {
    requireNonNull(verb, "verb");
    byte[] line = verb.name().getBytes(StandardCharsets.US_ASCII);
    return new FtpCommand(verb, line, line.length, Telnet.EMPTY, null, false, StandardCharsets.UTF_8);
  }

  /**
   * Returns a command with {@code argument} encoded in UTF-8, such as {@code RETR file.txt}.
   *
   * @throws IllegalArgumentException if the argument contains CR, LF or NUL
   */
  public static FtpCommand of(FtpVerb verb, String argument) {
    requireNonNull(argument, "argument");
    return of(verb, argument.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  /**
   * Returns a command whose argument is {@code argument}'s bytes, read back with {@code charset}.
   *
   * @throws IllegalArgumentException if the argument contains CR, LF or NUL
   */
  public static FtpCommand of(FtpVerb verb, byte[] argument, Charset charset) {
    requireNonNull(verb, "verb");
    requireNonNull(argument, "argument");
    requireNonNull(charset, "charset");
    checkArgument(argument);
    byte[] name = verb.name().getBytes(StandardCharsets.US_ASCII);
    byte[] line = Arrays.copyOf(name, name.length + 1 + argument.length);
    line[name.length] = ' ';
    System.arraycopy(argument, 0, line, name.length + 1, argument.length);
    return new FtpCommand(verb, line, name.length, Telnet.EMPTY, null, false, charset);
  }

  private static void checkArgument(byte[] argument) {
    for (int i = 0; i < argument.length; i++) {
      byte b = argument[i];
      if (b == '\r' || b == '\n' || b == 0) {
        throw new IllegalArgumentException(
            "argument: '" + Ascii.escape(argument, 0, argument.length)
                + "' (expected: no CR, LF or NUL; found at index " + i + ")");
      }
    }
  }

  /** Returns the verb. */
  public FtpVerb verb() {
    return verb;
  }

  /** Returns the verb as the client spelled it, such as {@code "retr"}. */
  public String verbText() {
    return new String(line, 0, verbLength, StandardCharsets.US_ASCII);
  }

  /** Returns whether the command has an argument (possibly empty: {@code "NOOP "}). */
  public boolean hasArgument() {
    return line.length > verbLength;
  }

  /** Returns the argument decoded with {@link #charset()}, or {@code ""} if there is none. */
  public String argument() {
    return argument(charset);
  }

  /** Returns the argument decoded with {@code charset}, or {@code ""} if there is none. */
  public String argument(Charset charset) {
    requireNonNull(charset, "charset");
    int start = argumentOffset();
    return new String(line, start, line.length - start, charset);
  }

  /** Returns a copy of the argument's bytes (empty if there is none), Telnet escapes removed. */
  public byte[] argumentBytes() {
    return Arrays.copyOfRange(line, argumentOffset(), line.length);
  }

  /** Returns the number of bytes in the argument. */
  public int argumentLength() {
    return line.length - argumentOffset();
  }

  /** Returns the charset {@link #argument()} uses. */
  public Charset charset() {
    return charset;
  }

  /**
   * Returns whether the line carried a Telnet interrupt: {@code IAC IP} or a synch ({@code IAC DM},
   * or an {@code IAC} whose urgent {@code DM} was lost). Clients send them before {@code ABOR}.
   */
  public boolean hasTelnetInterrupt() {
    return interrupt;
  }

  /** Returns a copy of the Telnet commands that preceded the verb on the line (usually empty). */
  public byte[] telnetPrefix() {
    return telnetPrefix.clone();
  }

  /**
   * Returns this command with its argument replaced by {@code argument} in UTF-8, keeping the verb's
   * spelling and any Telnet prefix.
   *
   * @throws IllegalArgumentException if the argument contains CR, LF or NUL
   */
  public FtpCommand withArgument(String argument) {
    requireNonNull(argument, "argument");
    byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
    checkArgument(bytes);
    byte[] newLine = Arrays.copyOf(line, verbLength + 1 + bytes.length);
    newLine[verbLength] = ' ';
    System.arraycopy(bytes, 0, newLine, verbLength + 1, bytes.length);
    return new FtpCommand(verb, newLine, verbLength, telnetPrefix, null, interrupt, charset);
  }

  private int argumentOffset() {
    return line.length > verbLength ? verbLength + 1 : verbLength;
  }

  /** The line without Telnet escapes: verb, space, argument. Not a copy: callers must not modify it. */
  byte[] lineBytes() {
    return line;
  }

  byte[] telnetPrefixBytes() {
    return telnetPrefix;
  }

  byte @Nullable [] wireBytes() {
    return wire;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FtpCommand other
        && Arrays.equals(line, other.line)
        && Arrays.equals(telnetPrefix, other.telnetPrefix)
        && Arrays.equals(wire, other.wire)
        && charset.equals(other.charset);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(line) + Arrays.hashCode(telnetPrefix);
  }

  /**
   * Returns a debugging form such as {@code FtpCommand[RETR 'a.txt']}; the password of {@code PASS}
   * is masked. Not the wire format: see {@link FtpEncoder}.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("FtpCommand[");
    if (interrupt) {
      s.append("<interrupt> ");
    }
    s.append(verbText());
    if (hasArgument()) {
      s.append(" '");
      if (verb.equals(FtpVerb.PASS)) {
        s.append("***");
      } else {
        s.append(Ascii.escape(argument()));
      }
      s.append('\'');
    }
    return s.append(']').toString();
  }
}
