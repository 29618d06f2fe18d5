package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Writes commands and replies in their wire format: each line ends with CRLF, a 0xFF data byte is
 * doubled ({@code IAC IAC}, RFC 959 §4.1.3), a command's Telnet prefix is written before its verb, and
 * a multi-line reply is framed as {@code nnn-} ... {@code nnn } (RFC 959 §4.2).
 *
 * <p>A decoded command or reply encodes to exactly the bytes it was decoded from, with two documented
 * exceptions: a line that a lenient decoder accepted with a bare LF is written with CRLF, and an
 * {@code ABOR} whose urgent LF was lost is written with its CRLF restored.
 *
 * <p>The values cannot hold CR, LF or NUL inside a line (their factories reject them), so encoding
 * cannot inject a line. Stateless and thread-safe.
 */
public final class FtpEncoder {
  private static final byte CR = '\r';
  private static final byte LF = '\n';

  private FtpEncoder() {}

  /** Returns the number of bytes {@code command} takes on the wire. */
  public static int encodedLength(FtpCommand command) {
    requireNonNull(command, "command");
    byte[] wire = command.wireBytes();
    if (wire != null) {
      return wire.length + 2;
    }
    return command.telnetPrefixBytes().length + Telnet.escapedLength(command.lineBytes()) + 2;
  }

  /** Returns the wire bytes of {@code command}, line end included. */
  public static byte[] encode(FtpCommand command) {
    byte[] out = new byte[encodedLength(command)];
    write(command, out);
    return out;
  }

  /**
   * Writes {@code command} into {@code dst} at its position, advancing it.
   *
   * @throws BufferOverflowException if fewer than {@link #encodedLength(FtpCommand)} bytes remain;
   *     nothing is written then
   */
  public static void encode(FtpCommand command, ByteBuffer dst) {
    requireNonNull(dst, "dst");
    int length = encodedLength(command);
    if (dst.remaining() < length) {
      throw new BufferOverflowException();
    }
    if (dst.hasArray()) {
      int at = dst.arrayOffset() + dst.position();
      write(command, dst.array(), at);
      dst.position(dst.position() + length);
    } else {
      dst.put(encode(command));
    }
  }

  private static void write(FtpCommand command, byte[] out) {
    write(command, out, 0);
  }

  private static void write(FtpCommand command, byte[] out, int at) {
    byte[] wire = command.wireBytes();
    if (wire != null) {
      System.arraycopy(wire, 0, out, at, wire.length);
      at += wire.length;
    } else {
      byte[] prefix = command.telnetPrefixBytes();
      System.arraycopy(prefix, 0, out, at, prefix.length);
      at = Telnet.escape(command.lineBytes(), out, at + prefix.length);
    }
    out[at] = CR;
    out[at + 1] = LF;
  }

  /** Returns the number of bytes {@code reply} takes on the wire. */
  public static int encodedLength(FtpReply reply) {
    requireNonNull(reply, "reply");
    byte[][] wire = reply.wireLines();
    int length = 0;
    if (wire != null) {
      for (byte[] line : wire) {
        length += line.length + 2;
      }
    } else {
      for (byte[] line : reply.lineBytes()) {
        length += Telnet.escapedLength(line) + 2;
      }
    }
    return length;
  }

  /** Returns the wire bytes of {@code reply}, the end of its last line included. */
  public static byte[] encode(FtpReply reply) {
    byte[] out = new byte[encodedLength(reply)];
    write(reply, out, 0);
    return out;
  }

  /**
   * Writes {@code reply} into {@code dst} at its position, advancing it.
   *
   * @throws BufferOverflowException if fewer than {@link #encodedLength(FtpReply)} bytes remain;
   *     nothing is written then
   */
  public static void encode(FtpReply reply, ByteBuffer dst) {
    requireNonNull(dst, "dst");
    int length = encodedLength(reply);
    if (dst.remaining() < length) {
      throw new BufferOverflowException();
    }
    if (dst.hasArray()) {
      write(reply, dst.array(), dst.arrayOffset() + dst.position());
      dst.position(dst.position() + length);
    } else {
      dst.put(encode(reply));
    }
  }

  private static void write(FtpReply reply, byte[] out, int at) {
    byte[][] wire = reply.wireLines();
    byte[][] lines = wire != null ? wire : reply.lineBytes();
    for (byte[] line : lines) {
      if (wire != null) {
        System.arraycopy(line, 0, out, at, line.length);
        at += line.length;
      } else {
        at = Telnet.escape(line, out, at);
      }
      out[at++] = CR;
      out[at++] = LF;
    }
  }
}
