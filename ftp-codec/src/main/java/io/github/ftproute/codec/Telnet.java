package io.github.ftproute.codec;

import java.util.Arrays;

/**
 * The Telnet layer of the control connection (RFC 959 §4.1.3, RFC 854), applied to one raw line.
 *
 * <p>{@code IAC IAC} is a data byte 0xFF. Other {@code IAC} commands ({@code IP}, {@code DM},
 * {@code NOP} ..., and the three-byte {@code WILL}/{@code WONT}/{@code DO}/{@code DONT} option
 * negotiations) are not data. Those at the start of a line, which is where clients put the
 * {@code IAC IP IAC DM} "synch" before {@code ABOR}, form the line's prefix and are kept verbatim. An
 * {@code IAC} followed there by a byte that is no Telnet command is the {@code IAC} of a synch whose
 * {@code DM} byte was sent as TCP urgent data and did not arrive in line: it also belongs to the prefix.
 * Telnet commands inside a line, and a lone {@code IAC} that starts no command, make the line
 * <em>irregular</em>: the data keeps the lone byte, drops the commands, and the original bytes are kept
 * so the line re-encodes exactly.
 */
final class Telnet {
  static final byte IAC = (byte) 0xFF;
  static final int SE = 0xF0;
  static final int DM = 0xF2;
  static final int IP = 0xF4;
  static final int WILL = 0xFB;
  static final int DONT = 0xFE;

  static final byte[] EMPTY = new byte[0];

  /** The result of splitting one raw line. */
  record Split(byte[] prefix, byte[] data, boolean irregular, boolean interrupt) {}

  private Telnet() {}

  /** Splits {@code length} raw bytes of one line (without its end) into prefix and data. */
  static Split split(byte[] raw, int offset, int length) {
    int end = offset + length;
    int i = offset;
    boolean interrupt = false;
    boolean commandSeen = false;
    while (i + 1 < end && raw[i] == IAC) {
      int c = raw[i + 1] & 0xFF;
      if (c == 0xFF) {
        break;
      }
      if (c >= SE) {
        interrupt |= c == IP || c == DM;
        i += commandLength(c, i, end);
        commandSeen = true;
      } else if (commandSeen) {
        interrupt = true; // a synch whose DM went out of band
        i += 1;
        break;
      } else {
        break;
      }
    }
    int prefixEnd = i;
    byte[] out = new byte[end - prefixEnd];
    int j = 0;
    boolean irregular = false;
    for (int k = prefixEnd; k < end; k++) {
      byte b = raw[k];
      if (b != IAC) {
        out[j++] = b;
        continue;
      }
      int c = k + 1 < end ? raw[k + 1] & 0xFF : -1;
      if (c == 0xFF) {
        out[j++] = IAC;
        k++;
      } else if (c >= SE) {
        interrupt |= c == IP || c == DM;
        k += commandLength(c, k, end) - 1;
        irregular = true;
      } else {
        out[j++] = IAC;
        irregular = true;
      }
    }
    byte[] prefix = prefixEnd == offset ? EMPTY : Arrays.copyOfRange(raw, offset, prefixEnd);
    byte[] data = j == out.length ? out : Arrays.copyOf(out, j);
    return new Split(prefix, data, irregular, interrupt);
  }

  private static int commandLength(int command, int at, int end) {
    boolean negotiation = command >= WILL && command <= DONT;
    return negotiation && at + 2 < end ? 3 : 2;
  }

  /** Returns the number of bytes {@code data} takes once each 0xFF is doubled. */
  static int escapedLength(byte[] data) {
    int n = data.length;
    for (byte b : data) {
      if (b == IAC) {
        n++;
      }
    }
    return n;
  }

  /** Writes {@code data} with each 0xFF doubled into {@code dst} at {@code at}; returns the new index. */
  static int escape(byte[] data, byte[] dst, int at) {
    for (byte b : data) {
      dst[at++] = b;
      if (b == IAC) {
        dst[at++] = IAC;
      }
    }
    return at;
  }
}
