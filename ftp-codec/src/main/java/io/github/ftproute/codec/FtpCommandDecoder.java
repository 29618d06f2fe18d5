package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the bytes a client sends on the control connection into {@link DecodedCommand}s,
 * incrementally: feed it chunks of any size as they arrive and it delivers each complete line.
 *
 * <p>This decoder faces untrusted input and never throws because of it. Every line gives exactly one
 * result: a {@link FtpCommand}, a {@link Malformed} line (empty, bare LF, bare CR, NUL, no verb), or a
 * {@link LineTooLong} line, reported as soon as the line passes {@link FtpCodec.Builder#maxLineLength
 * the limit} and then skipped through its LF. Decoding always goes on with the next line, and memory
 * stays bounded by the limit whatever arrives.
 *
 * <p>Telnet (RFC 959 §4.1.3): {@code IAC IAC} decodes to the byte 0xFF; {@code IAC IP}, {@code IAC DM}
 * and other Telnet commands before a verb are kept as the command's prefix and flag
 * {@link FtpCommand#hasTelnetInterrupt()}. A Python-ftplib style {@code ABOR} whose LF was sent as TCP
 * urgent data and lost (so {@code "ABOR\r"} is followed by the next command) ends at its CR: a line
 * that is exactly {@code ABOR} (any case, Telnet prefix allowed) is delivered as soon as its CR
 * arrives, and an LF right after that CR is dropped. This is the only case where a line end is not
 * CRLF; it re-encodes as {@code "ABOR\r\n"}.
 *
 * <p>The output is the same however the input is split into chunks. Not thread-safe: use one decoder
 * per connection, driven by one thread at a time.
 */
public final class FtpCommandDecoder {
  private static final byte[] ABOR = {'A', 'B', 'O', 'R'};

  private final Framer framer;
  private final Charset charset;
  private @Nullable Consumer<? super DecodedCommand> sink;

  FtpCommandDecoder(int maxLineLength, boolean allowBareLf, Charset charset) {
    this.framer = new Framer(maxLineLength, allowBareLf);
    this.charset = charset;
  }

  /**
   * Consumes every remaining byte of {@code in} and passes each result that completes to
   * {@code out}, in order. Bytes of an incomplete line are kept for the next call.
   */
  public void decode(ByteBuffer in, Consumer<? super DecodedCommand> out) {
    requireNonNull(in, "in");
    sink = requireNonNull(out, "out");
    try {
      framer.feed(in);
    } finally {
      sink = null;
    }
  }

  /** Decodes {@code bytes} as in {@link #decode(ByteBuffer, Consumer)} and returns the results. */
  public List<DecodedCommand> decode(byte[] bytes) {
    List<DecodedCommand> out = new ArrayList<>();
    decode(ByteBuffer.wrap(bytes), out::add);
    return out;
  }

  /**
   * Signals the end of input: a line left without its end is passed to {@code out} as
   * {@link Malformation#TRUNCATED}. The decoder is then empty and may be used again.
   */
  public void finish(Consumer<? super DecodedCommand> out) {
    sink = requireNonNull(out, "out");
    try {
      framer.finish();
    } finally {
      sink = null;
    }
  }

  /** Returns the number of bytes held for an incomplete line; never more than the line limit. */
  public int bufferedBytes() {
    return framer.bufferedLength();
  }

  int bufferCapacity() {
    return framer.bufferCapacity();
  }

  private void emit(DecodedCommand result) {
    Consumer<? super DecodedCommand> out = sink;
    if (out != null) {
      out.accept(result);
    }
  }

  private DecodedCommand parse(byte[] raw, int offset, int length, int flags) {
    if ((flags & LineFramer.BARE_LF) != 0) {
      return malformed(Malformation.BARE_LF, "line ended by LF without CR", raw, offset, length);
    }
    if ((flags & LineFramer.NUL) != 0) {
      return malformed(Malformation.NUL, "NUL in command line", raw, offset, length);
    }
    if ((flags & LineFramer.BARE_CR) != 0) {
      return malformed(Malformation.BARE_CR, "CR without LF in command line", raw, offset, length);
    }
    byte[] line;
    byte[] prefix = Telnet.EMPTY;
    byte[] wire = null;
    boolean interrupt = false;
    if ((flags & LineFramer.IAC) != 0) {
      Telnet.Split split = Telnet.split(raw, offset, length);
      line = split.data();
      prefix = split.prefix();
      interrupt = split.interrupt();
      if (split.irregular()) {
        wire = Arrays.copyOfRange(raw, offset, offset + length);
      }
    } else {
      line = Arrays.copyOfRange(raw, offset, offset + length);
    }
    if (line.length == 0) {
      return malformed(Malformation.EMPTY_LINE, "empty command line", raw, offset, length);
    }
    int verbLength = 0;
    while (verbLength < line.length && FtpVerb.isVerbByte(line[verbLength], verbLength == 0)) {
      verbLength++;
    }
    if (verbLength == 0
        || verbLength > FtpVerb.MAX_LENGTH
        || (verbLength < line.length && line[verbLength] != ' ')) {
      return malformed(
          Malformation.BAD_VERB,
          "expected a verb of 1.." + FtpVerb.MAX_LENGTH
              + " letters or digits, then a space or the line end",
          raw, offset, length);
    }
    FtpVerb verb = FtpVerb.of(line, 0, verbLength);
    return new FtpCommand(verb, line, verbLength, prefix, wire, interrupt, charset);
  }

  private static Malformed malformed(
      Malformation kind, String what, byte[] raw, int offset, int length) {
    return new Malformed(kind, what + ": '" + Ascii.escape(raw, offset, length) + "'");
  }

  private final class Framer extends LineFramer {
    Framer(int maxLineLength, boolean allowBareLf) {
      super(maxLineLength, allowBareLf);
    }

    @Override
    void onLine(byte[] bytes, int offset, int length, int flags) {
      emit(parse(bytes, offset, length, flags));
    }

    @Override
    void onTooLong(byte[] head, int headLength) {
      emit(new LineTooLong(headLength));
    }

    @Override
    void onTruncated(byte[] bytes, int length, int flags) {
      emit(malformed(Malformation.TRUNCATED, "input ended inside a line", bytes, 0, length));
    }

    @Override
    boolean endsAtCr(byte[] bytes, int length, int flags) {
      if (length < 4 || (flags & (NUL | BARE_CR)) != 0) {
        return false;
      }
      for (int i = 0; i < 4; i++) {
        if ((bytes[length - 4 + i] & 0xDF) != ABOR[i]) {
          return false;
        }
      }
      if (length == 4) {
        return true;
      }
      if ((flags & IAC) == 0) {
        return false;
      }
      Telnet.Split split = Telnet.split(bytes, 0, length);
      return split.data().length == 4 && !split.irregular();
    }
  }
}
