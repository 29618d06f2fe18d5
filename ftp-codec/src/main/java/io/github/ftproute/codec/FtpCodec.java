package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The entry point of the codec: decoder settings, and factories for the two decoders of a control
 * connection. Encoding is stateless: see {@link FtpEncoder}.
 *
 * <pre>{@code
 * FtpCodec codec = FtpCodec.builder().maxLineLength(2048).build();
 * FtpCommandDecoder fromClient = codec.newCommandDecoder();
 * FtpReplyDecoder fromServer = codec.newReplyDecoder();
 * }</pre>
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link Builder#maxLineLength maxLineLength}</td><td>{@value #DEFAULT_MAX_LINE_LENGTH}
 *       bytes</td><td>longest line, line end excluded; longer ones give {@link LineTooLong}</td></tr>
 *   <tr><td>{@link Builder#maxReplyLength maxReplyLength}</td><td>{@value #DEFAULT_MAX_REPLY_LENGTH}
 *       bytes</td><td>largest multi-line reply (a long {@code STAT} listing is the usual giant)</td></tr>
 *   <tr><td>{@link Builder#allowBareLf allowBareLf}</td><td>false</td><td>whether a lone LF ends a
 *       line</td></tr>
 *   <tr><td>{@link Builder#charset charset}</td><td>UTF-8</td><td>how arguments and reply text are
 *       read as strings (RFC 2640); the bytes are kept either way</td></tr>
 * </table>
 *
 * <p>Instances are immutable and thread-safe; the decoders they create are not.
 */
public final class FtpCodec {
  /** The default longest line, in bytes, line end excluded. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 4096;
  /** The default largest multi-line reply, in bytes, line ends included. */
  public static final int DEFAULT_MAX_REPLY_LENGTH = 256 * 1024;

  private static final FtpCodec DEFAULTS = builder().build();

  private final int maxLineLength;
  private final int maxReplyLength;
  private final boolean allowBareLf;
  private final Charset charset;

  private FtpCodec(Builder builder) {
    this.maxLineLength = builder.maxLineLength;
    this.maxReplyLength = builder.maxReplyLength;
    this.allowBareLf = builder.allowBareLf;
    this.charset = builder.charset;
  }

  /** Returns a codec with the default settings. */
  public static FtpCodec defaults() {
    return DEFAULTS;
  }

  /** Returns a builder that starts from the default settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a new decoder for the client-to-server direction. */
  public FtpCommandDecoder newCommandDecoder() {
    return new FtpCommandDecoder(maxLineLength, allowBareLf, charset);
  }

  /** Returns a new decoder for the server-to-client direction. */
  public FtpReplyDecoder newReplyDecoder() {
    return new FtpReplyDecoder(maxLineLength, maxReplyLength, allowBareLf, charset);
  }

  /** Returns the longest line accepted, in bytes, line end excluded. */
  public int maxLineLength() {
    return maxLineLength;
  }

  /** Returns the largest multi-line reply accepted, in bytes. */
  public int maxReplyLength() {
    return maxReplyLength;
  }

  /** Returns whether a lone LF ends a line. */
  public boolean allowsBareLf() {
    return allowBareLf;
  }

  /** Returns the charset that arguments and reply text are read with. */
  public Charset charset() {
    return charset;
  }

  @Override
  public String toString() {
    return "FtpCodec{maxLineLength=" + maxLineLength + ", maxReplyLength=" + maxReplyLength
        + ", allowBareLf=" + allowBareLf + ", charset=" + charset + "}";
  }

  /** Collects settings for a {@link FtpCodec}; each may be set once. Not thread-safe. */
  public static final class Builder {
    private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
    private int maxReplyLength = DEFAULT_MAX_REPLY_LENGTH;
    private boolean allowBareLf;
    private Charset charset = StandardCharsets.UTF_8;
    private int set;

    private Builder() {}

    /**
     * Sets the longest line, in bytes, line end excluded. Default
     * {@value FtpCodec#DEFAULT_MAX_LINE_LENGTH}. Memory per decoder stays below this.
     *
     * @throws IllegalArgumentException if {@code bytes} is not in 16..16777216
     * @throws IllegalStateException if already set
     */
    public Builder maxLineLength(int bytes) {
      once(1, "maxLineLength");
      if (bytes < 16 || bytes > 1 << 24) {
        throw new IllegalArgumentException("maxLineLength: " + bytes + " (expected: 16..16777216)");
      }
      this.maxLineLength = bytes;
      return this;
    }

    /**
     * Sets the largest multi-line reply, in bytes, line ends included. Default
     * {@value FtpCodec#DEFAULT_MAX_REPLY_LENGTH}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not in 16..1073741824
     * @throws IllegalStateException if already set
     */
    public Builder maxReplyLength(int bytes) {
      once(2, "maxReplyLength");
      if (bytes < 16 || bytes > 1 << 30) {
        throw new IllegalArgumentException("maxReplyLength: " + bytes + " (expected: 16..1073741824)");
      }
      this.maxReplyLength = bytes;
      return this;
    }

    /**
     * Sets whether a lone LF ends a line. Default false: a line ended by LF alone is reported as
     * {@link Malformation#BARE_LF}. Accepting bare LF lets sloppy peers through but means this codec and
     * the peer behind it may disagree on where a line ends when the two differ in the same way, the
     * root of command smuggling: turn it on only when every peer behind the codec accepts bare LF too.
     * Lines accepted this way are encoded with CRLF.
     *
     * @throws IllegalStateException if already set
     */
    public Builder allowBareLf(boolean allow) {
      once(4, "allowBareLf");
      this.allowBareLf = allow;
      return this;
    }

    /**
     * Sets the charset used to read arguments and reply text as strings. Default UTF-8 (RFC 2640).
     *
     * @throws IllegalStateException if already set
     */
    public Builder charset(Charset charset) {
      once(8, "charset");
      this.charset = requireNonNull(charset, "charset");
      return this;
    }

    private void once(int bit, String name) {
      if ((set & bit) != 0) {
        throw new IllegalStateException(name + " was already set");
      }
      set |= bit;
    }

    /** Returns a codec with these settings. */
    public FtpCodec build() {
      return new FtpCodec(this);
    }
  }
}
