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
 * Decodes the bytes a server sends on the control connection into {@link DecodedReply}s,
 * incrementally: single-line replies and multi-line replies (RFC 959 §4.2), from chunks of any size.
 *
 * <p>A multi-line reply starts with {@code "nnn-"} and ends at the first later line that starts with
 * the same {@code nnn} followed by a space (or is {@code nnn} alone); every line between belongs to it,
 * whatever it starts with. The decoder routes on what each reply says and never pairs replies with
 * commands: servers send extra final replies (Pure-FTPd's transfer statistics reuse the previous code),
 * and a 220 can arrive mid-session (ProFTPD answering {@code HOST}).
 *
 * <p>Bad input never throws. A line that is not a reply start gives {@link Malformed}
 * ({@link Malformation#BAD_REPLY_CODE}, {@code BARE_LF}, {@code BARE_CR}, {@code NUL}); a multi-line
 * reply with such a line inside is read through its end and given as one {@code Malformed}. A line
 * over {@link FtpCodec.Builder#maxLineLength the line limit} or a multi-line reply over
 * {@link FtpCodec.Builder#maxReplyLength the reply limit} gives {@link LineTooLong} at once, and the
 * rest of it is skipped (for a multi-line reply, through its last line). Memory stays bounded by the
 * two limits.
 *
 * <p>The output is the same however the input is split. Not thread-safe: use one decoder per
 * connection, driven by one thread at a time.
 */
public final class FtpReplyDecoder {
  private final Framer framer;
  private final Charset charset;
  private final int maxReplyLength;
  private @Nullable Consumer<? super DecodedReply> sink;

  // The multi-line reply being read, if any.
  private byte @Nullable [] openCode;
  private final List<byte[]> openLines = new ArrayList<>();
  private @Nullable List<byte[]> openWire;
  private int openLength;
  private @Nullable Malformed openProblem;
  private boolean openSkipping;

  FtpReplyDecoder(int maxLineLength, int maxReplyLength, boolean allowBareLf, Charset charset) {
    this.framer = new Framer(maxLineLength, allowBareLf);
    this.maxReplyLength = maxReplyLength;
    this.charset = charset;
  }

  /**
   * Consumes every remaining byte of {@code in} and passes each reply that completes to {@code out},
   * in order. Bytes of an incomplete reply are kept for the next call.
   */
  public void decode(ByteBuffer in, Consumer<? super DecodedReply> out) {
    requireNonNull(in, "in");
    sink = requireNonNull(out, "out");
    try {
      framer.feed(in);
    } finally {
      sink = null;
    }
  }

  /** Decodes {@code bytes} as in {@link #decode(ByteBuffer, Consumer)} and returns the results. */
  public List<DecodedReply> decode(byte[] bytes) {
    List<DecodedReply> out = new ArrayList<>();
    decode(ByteBuffer.wrap(bytes), out::add);
    return out;
  }

  /**
   * Signals the end of input: a line or multi-line reply left incomplete is passed to {@code out} as
   * {@link Malformation#TRUNCATED}. The decoder is then empty and may be used again.
   */
  public void finish(Consumer<? super DecodedReply> out) {
    sink = requireNonNull(out, "out");
    try {
      framer.finish();
      if (openCode != null) {
        byte[] code = openCode;
        closeReply();
        emit(new Malformed(Malformation.TRUNCATED,
            "input ended inside multi-line reply " + new String(code, charset)));
      }
    } finally {
      sink = null;
    }
  }

  /** Returns whether a multi-line reply has begun and not yet ended. */
  public boolean isInsideReply() {
    return openCode != null;
  }

  private void emit(DecodedReply reply) {
    Consumer<? super DecodedReply> out = sink;
    if (out != null) {
      out.accept(reply);
    }
  }

  private void line(byte[] raw, int offset, int length, int flags) {
    Malformed problem = null;
    if ((flags & LineFramer.BARE_LF) != 0) {
      problem = malformed(Malformation.BARE_LF, "reply line ended by LF without CR", raw, offset, length);
    } else if ((flags & LineFramer.NUL) != 0) {
      problem = malformed(Malformation.NUL, "NUL in reply line", raw, offset, length);
    } else if ((flags & LineFramer.BARE_CR) != 0) {
      problem = malformed(Malformation.BARE_CR, "CR without LF in reply line", raw, offset, length);
    }
    byte[] data;
    byte[] wire = null;
    if ((flags & LineFramer.IAC) != 0) {
      Telnet.Split split = Telnet.split(raw, offset, length);
      data = split.data();
      if (split.irregular() || split.prefix().length > 0) {
        wire = Arrays.copyOfRange(raw, offset, offset + length);
        if (split.prefix().length > 0) {
          data = concat(split.prefix(), data); // Telnet commands from a server are data to us
        }
      }
    } else {
      data = Arrays.copyOfRange(raw, offset, offset + length);
    }
    byte[] code = openCode;
    if (code != null) {
      continueReply(code, data, wire, problem);
    } else if (problem != null) {
      emit(problem);
    } else {
      startReply(data, wire, raw, offset, length);
    }
  }

  private void startReply(byte[] data, byte @Nullable [] wire, byte[] raw, int offset, int length) {
    int value = codeOf(data);
    if (value < 0) {
      emit(malformed(Malformation.BAD_REPLY_CODE,
          "expected a reply code 100..699 then a space or a hyphen", raw, offset, length));
      return;
    }
    if (data.length > 3 && data[3] == '-') {
      openCode = Arrays.copyOf(data, 3);
      openLength = data.length + 2;
      openProblem = null;
      openSkipping = false;
      addOpenLine(data, wire, 0);
      checkOpenLength();
      return;
    }
    emit(new FtpReply(ReplyCode.of(value), new byte[][] {data},
        wire == null ? null : new byte[][] {wire}, charset));
  }

  private void continueReply(
      byte[] code, byte[] data, byte @Nullable [] wire, @Nullable Malformed problem) {
    boolean last = FtpReply.endsReply(data, data.length, code);
    if (!openSkipping) {
      if (problem != null && openProblem == null) {
        openProblem = problem;
      }
      openLength += data.length + 2;
      addOpenLine(data, wire, openLines.size());
      checkOpenLength();
    }
    if (!last) {
      return;
    }
    boolean skipped = openSkipping;
    Malformed failure = openProblem;
    byte[][] lines = openLines.toArray(new byte[0][]);
    List<byte[]> wires = openWire;
    closeReply();
    if (skipped) {
      return; // already reported as LineTooLong
    }
    if (failure != null) {
      emit(failure);
      return;
    }
    byte[][] wireLines = wires == null ? null : wires.toArray(new byte[0][]);
    emit(new FtpReply(ReplyCode.of(codeOf(lines[0])), lines, wireLines, charset));
  }

  private void addOpenLine(byte[] data, byte @Nullable [] wire, int index) {
    openLines.add(data);
    if (wire != null && openWire == null) {
      List<byte[]> wires = new ArrayList<>(openLines.size());
      for (int i = 0; i < index; i++) {
        wires.add(escaped(openLines.get(i))); // earlier lines were regular
      }
      openWire = wires;
    }
    List<byte[]> wires = openWire;
    if (wires != null) {
      wires.add(wire != null ? wire : escaped(data));
    }
  }

  private void checkOpenLength() {
    if (openLength > maxReplyLength && !openSkipping) {
      openSkipping = true;
      openLines.clear();
      openWire = null;
      emit(new LineTooLong(maxReplyLength));
    }
  }

  /** A line over the line limit: inside a multi-line reply, it spoils the whole reply. */
  private void tooLong(byte[] head, int headLength) {
    byte[] code = openCode;
    if (code == null) {
      emit(new LineTooLong(headLength));
      if (headLength > 3 && head[3] == '-' && codeOf(Arrays.copyOf(head, 4)) >= 0) {
        openCode = Arrays.copyOf(head, 3); // a multi-line reply began: skip through its end
        openSkipping = true;
      }
      return;
    }
    if (!openSkipping) {
      openSkipping = true;
      openLines.clear();
      openWire = null;
      emit(new LineTooLong(headLength));
    }
    if (FtpReply.endsReply(head, headLength, code)) {
      closeReply(); // the over-long line was the reply's last
    }
  }

  private void closeReply() {
    openCode = null;
    openLines.clear();
    openWire = null;
    openLength = 0;
    openProblem = null;
    openSkipping = false;
  }

  /** Returns the code of a reply's first line, or -1 if it does not start like one. */
  static int codeOf(byte[] line) {
    if (line.length < 3) {
      return -1;
    }
    int d0 = line[0] - '0';
    int d1 = line[1] - '0';
    int d2 = line[2] - '0';
    if (d0 < 1 || d0 > 6 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      return -1;
    }
    if (line.length > 3 && line[3] != ' ' && line[3] != '-') {
      return -1;
    }
    return d0 * 100 + d1 * 10 + d2;
  }

  private static byte[] escaped(byte[] data) {
    byte[] out = new byte[Telnet.escapedLength(data)];
    Telnet.escape(data, out, 0);
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
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
      line(bytes, offset, length, flags);
    }

    @Override
    void onTooLong(byte[] head, int headLength) {
      tooLong(head, headLength);
    }

    @Override
    void onTruncated(byte[] bytes, int length, int flags) {
      if (openCode != null) {
        return; // finish() reports the open reply
      }
      emit(malformed(Malformation.TRUNCATED, "input ended inside a reply line", bytes, 0, length));
    }
  }
}
