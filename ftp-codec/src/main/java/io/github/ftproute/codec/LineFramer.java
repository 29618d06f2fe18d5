package io.github.ftproute.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits the bytes of one direction of a control connection into lines: the state machine shared by
 * the command and reply decoders.
 *
 * <p>A line ends at CRLF; with {@code allowBareLf} a lone LF also ends it, otherwise the line is
 * delivered flagged {@link #BARE_LF}. A CR not followed by LF stays in the line, flagged
 * {@link #BARE_CR}; a NUL is flagged {@link #NUL}; a 0xFF byte flags {@link #IAC} so that the caller
 * runs the Telnet layer on that line only. The option byte of {@code IAC WILL/WONT/DO/DONT} is never
 * taken for a line end unless it is CR or LF. A line that grows past {@code maxLineLength} bytes is
 * reported once through {@link #onTooLong} and dropped through its LF without being buffered.
 *
 * <p>Every decision is made per byte, so the lines come out the same however the input is split.
 * Not thread-safe: one framer serves one connection direction.
 */
abstract class LineFramer {
  static final int IAC = 1;
  static final int NUL = 2;
  static final int BARE_CR = 4;
  static final int BARE_LF = 8;

  private static final int S_LINE = 0;
  private static final int S_CR = 1;
  private static final int S_IAC = 2;
  private static final int S_IAC_OPTION = 3;
  private static final int S_DISCARD = 4;
  private static final int S_EAGER_CR = 5;

  private static final int INITIAL_CAPACITY = 128;

  private final int maxLineLength;
  private final boolean allowBareLf;
  private byte[] buffer;
  private int length;
  private int flags;
  private int state = S_LINE;

  LineFramer(int maxLineLength, boolean allowBareLf) {
    this.maxLineLength = maxLineLength;
    this.allowBareLf = allowBareLf;
    this.buffer = new byte[Math.min(INITIAL_CAPACITY, maxLineLength)];
  }

  /** Receives one complete line: {@code length} bytes at {@code offset}, line end excluded. */
  abstract void onLine(byte[] bytes, int offset, int length, int flags);

  /**
   * Receives the report of a line over the limit; {@code head} holds its first {@code headLength}
   * bytes (at most the limit).
   */
  abstract void onTooLong(byte[] head, int headLength);

  /** Receives the bytes of a line that the end of input cut off. */
  abstract void onTruncated(byte[] bytes, int length, int flags);

  /**
   * Returns whether a CR after the buffered bytes ends the line at once, before the next byte is
   * seen. A following LF is then dropped as part of that line end.
   */
  boolean endsAtCr(byte[] bytes, int length, int flags) {
    return false;
  }

  /** Consumes every remaining byte of {@code in}, delivering each complete line. */
  final void feed(ByteBuffer in) {
    if (in.hasArray()) {
      int base = in.arrayOffset();
      feed(in.array(), base + in.position(), base + in.limit());
      in.position(in.limit());
    } else {
      while (in.hasRemaining()) {
        step(in.get());
      }
    }
  }

  private void feed(byte[] a, int p, int end) {
    while (p < end) {
      if (state == S_LINE) {
        int start = p;
        while (p < end && !isSpecial(a[p])) {
          p++;
        }
        int n = p - start;
        if (n > 0) {
          if (length + n > maxLineLength) {
            int kept = maxLineLength - length;
            append(a, start, kept);
            tooLong();
            continue; // now discarding from p
          }
          if (length == 0 && flags == 0 && p + 1 < end && a[p] == '\r' && a[p + 1] == '\n') {
            onLine(a, start, n, 0); // the whole line is in this chunk: no copy
            p += 2;
            continue;
          }
          append(a, start, n);
        }
        if (p < end) {
          step(a[p++]);
        }
      } else if (state == S_DISCARD) {
        while (p < end && a[p] != '\n') {
          p++;
        }
        if (p < end) {
          p++;
          reset(S_LINE);
        }
      } else {
        step(a[p++]);
      }
    }
  }

  private static boolean isSpecial(byte b) {
    return b == '\r' || b == '\n' || b == 0 || b == Telnet.IAC;
  }

  private void step(byte b) {
    switch (state) {
      case S_LINE -> inLine(b);
      case S_CR -> {
        if (b == '\n') {
          deliver(flags);
        } else {
          state = S_LINE;
          flags |= BARE_CR;
          if (appendByte((byte) '\r')) {
            inLine(b);
          }
        }
      }
      case S_IAC, S_IAC_OPTION -> {
        if (b == '\r' || b == '\n') {
          state = S_LINE;
          inLine(b);
        } else {
          if (b == 0 && state == S_IAC) {
            flags |= NUL;
          }
          boolean negotiation = state == S_IAC && (b & 0xFF) >= Telnet.WILL && (b & 0xFF) <= Telnet.DONT;
          state = negotiation ? S_IAC_OPTION : S_LINE;
          appendByte(b);
        }
      }
      case S_EAGER_CR -> {
        state = S_LINE;
        if (b != '\n') {
          inLine(b);
        }
      }
      case S_DISCARD -> {
        if (b == '\n') {
          reset(S_LINE);
        }
      }
      default -> throw new AssertionError(state);
    }
  }

  private void inLine(byte b) {
    switch (b) {
      case '\r' -> {
        if (endsAtCr(buffer, length, flags)) {
          onLine(buffer, 0, length, flags);
          reset(S_EAGER_CR);
        } else {
          state = S_CR;
        }
      }
      case '\n' -> deliver(allowBareLf ? flags : flags | BARE_LF);
      case 0 -> {
        flags |= NUL;
        appendByte(b);
      }
      case Telnet.IAC -> {
        flags |= IAC;
        if (appendByte(b)) {
          state = S_IAC;
        }
      }
      default -> appendByte(b);
    }
  }

  private void deliver(int lineFlags) {
    onLine(buffer, 0, length, lineFlags);
    reset(S_LINE);
  }

  /** Appends one byte; returns false if that passed the limit (the line is then being discarded). */
  private boolean appendByte(byte b) {
    if (length == maxLineLength) {
      tooLong();
      return false;
    }
    ensureCapacity(length + 1);
    buffer[length++] = b;
    return true;
  }

  private void append(byte[] a, int from, int n) {
    ensureCapacity(length + n);
    System.arraycopy(a, from, buffer, length, n);
    length += n;
  }

  private void ensureCapacity(int needed) {
    if (needed > buffer.length) {
      int capacity = Math.min(maxLineLength, Math.max(needed, buffer.length * 2));
      buffer = Arrays.copyOf(buffer, capacity);
    }
  }

  private void tooLong() {
    onTooLong(buffer, length);
    reset(S_DISCARD);
  }

  private void reset(int next) {
    length = 0;
    flags = 0;
    state = next;
  }

  /** Reports a line cut off by the end of input, if any, and starts afresh. */
  final void finish() {
    boolean partial = (state == S_LINE && length > 0) || state == S_CR || state == S_IAC
        || state == S_IAC_OPTION;
    if (partial) {
      onTruncated(buffer, length, state == S_CR ? flags | BARE_CR : flags);
    }
    reset(S_LINE);
  }

  /** Returns the bytes currently held for an incomplete line. */
  final int bufferedLength() {
    return length;
  }

  /** Returns the capacity of the line buffer, which never exceeds the line limit. */
  final int bufferCapacity() {
    return buffer.length;
  }
}
