package io.github.ftproute.codec.mina;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpCommandDecoder;
import io.github.ftproute.codec.FtpEncoder;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpReplyDecoder;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFactory;
import org.apache.mina.filter.codec.ProtocolDecoder;
import org.apache.mina.filter.codec.ProtocolDecoderOutput;
import org.apache.mina.filter.codec.ProtocolEncoder;
import org.apache.mina.filter.codec.ProtocolEncoderOutput;

/**
 * Apache MINA codecs for either side of an FTP control connection, wrapping the transport-neutral
 * decoders and {@link FtpEncoder}.
 *
 * <ul>
 *   <li>{@link #clientFacing} for sessions with FTP clients (a server, or a proxy's listener): reads
 *       {@link io.github.ftproute.codec.DecodedCommand}s, writes {@link FtpReply}s;
 *   <li>{@link #serverFacing} for sessions with FTP servers (a client, or a proxy's backend side):
 *       reads {@link io.github.ftproute.codec.DecodedReply}s, writes {@link FtpCommand}s.
 * </ul>
 *
 * <p>Each session gets its own decoder, kept as a session attribute and dropped when the session
 * closes. Besides the value type of its side, the encoder passes {@link IoBuffer}s and {@code byte[]}s
 * through unchanged, for bytes a proxy forwards as they came. The decoder hands every result to the
 * next filter, malformed lines included, so the handler decides how to answer; it never throws for bad
 * input.
 *
 * <pre>{@code
 * acceptor.getFilterChain().addLast("ftp",
 *     new ProtocolCodecFilter(FtpCodecFactory.clientFacing(FtpCodec.defaults())));
 * }</pre>
 *
 * <p>Thread-safe: one factory may serve any number of sessions.
 */
public final class FtpCodecFactory implements ProtocolCodecFactory {
  private final FtpCodec codec;
  private final boolean clientFacing;
  private final AttributeKey decoderKey;
  private final ProtocolDecoder decoder;
  private final ProtocolEncoder encoder;

  private FtpCodecFactory(FtpCodec codec, boolean clientFacing) {
    this.codec = requireNonNull(codec, "codec");
    this.clientFacing = clientFacing;
    this.decoderKey = new AttributeKey(FtpCodecFactory.class, clientFacing ? "commands" : "replies");
    this.decoder = clientFacing ? new CommandSide() : new ReplySide();
    this.encoder = new Encoder();
  }

  /** Returns a factory for sessions with clients: decodes commands, encodes replies. */
  public static FtpCodecFactory clientFacing(FtpCodec codec) {
    return new FtpCodecFactory(codec, true);
  }

  /** Returns a factory for sessions with servers: decodes replies, encodes commands. */
  public static FtpCodecFactory serverFacing(FtpCodec codec) {
    return new FtpCodecFactory(codec, false);
  }

  @Override
  public ProtocolEncoder getEncoder(IoSession session) {
    return encoder;
  }

  @Override
  public ProtocolDecoder getDecoder(IoSession session) {
    return decoder;
  }

  private <T> T state(IoSession session, Class<T> type) {
    Object existing = session.getAttribute(decoderKey);
    if (existing == null) {
      existing = clientFacing ? codec.newCommandDecoder() : codec.newReplyDecoder();
      session.setAttribute(decoderKey, existing);
    }
    return type.cast(existing);
  }

  @Override
  public String toString() {
    return "FtpCodecFactory{" + (clientFacing ? "client-facing" : "server-facing") + ", " + codec + "}";
  }

  private final class CommandSide implements ProtocolDecoder {
    @Override
    public void decode(IoSession session, IoBuffer in, ProtocolDecoderOutput out) {
      state(session, FtpCommandDecoder.class).decode(in.buf(), out::write);
    }

    @Override
    public void finishDecode(IoSession session, ProtocolDecoderOutput out) {
      state(session, FtpCommandDecoder.class).finish(out::write);
    }

    @Override
    public void dispose(IoSession session) {
      session.removeAttribute(decoderKey);
    }
  }

  private final class ReplySide implements ProtocolDecoder {
    @Override
    public void decode(IoSession session, IoBuffer in, ProtocolDecoderOutput out) {
      state(session, FtpReplyDecoder.class).decode(in.buf(), out::write);
    }

    @Override
    public void finishDecode(IoSession session, ProtocolDecoderOutput out) {
      state(session, FtpReplyDecoder.class).finish(out::write);
    }

    @Override
    public void dispose(IoSession session) {
      session.removeAttribute(decoderKey);
    }
  }

  private final class Encoder implements ProtocolEncoder {
    @Override
    public void encode(IoSession session, Object message, ProtocolEncoderOutput out) {
      if (message instanceof IoBuffer buffer) {
        out.write(buffer);
      } else if (message instanceof byte[] bytes) {
        out.write(IoBuffer.wrap(bytes));
      } else if (clientFacing && message instanceof FtpReply reply) {
        out.write(IoBuffer.wrap(FtpEncoder.encode(reply)));
      } else if (!clientFacing && message instanceof FtpCommand command) {
        out.write(IoBuffer.wrap(FtpEncoder.encode(command)));
      } else {
        throw new IllegalArgumentException("message: " + message.getClass().getName()
            + " (expected: " + (clientFacing ? "FtpReply" : "FtpCommand") + ", IoBuffer or byte[])");
      }
    }

    @Override
    public void dispose(IoSession session) {
      // stateless
    }
  }
}
