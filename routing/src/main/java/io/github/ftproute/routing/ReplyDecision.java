package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpReply;
import java.util.List;
import java.util.OptionalInt;

/**
 * What a proxy does with one reply from the backend, as {@link FtpSession#onServerReply} decides.
 * Every case answers through plain accessors: {@link #toClient()} is what to write to the client
 * now, in order (empty while the reply is held), {@link #dataPort()} the proxy port leased by a
 * rewritten passive reply, which the transport must be listening on before it writes the reply, and
 * {@link #securesControl()} whether the control channel turns to TLS after this reply.
 *
 * <p>Instances are immutable.
 */
public sealed interface ReplyDecision {
  /** Returns the replies to write to the client now, in order; empty while the reply is held. */
  List<FtpReply> toClient();

  /** Returns the proxy port leased for a passive transfer, if this reply leased one. */
  default OptionalInt dataPort() {
    return OptionalInt.empty();
  }

  /**
   * Returns whether the control channel is encrypted after this reply (a {@code 234} to AUTH): see
   * {@link SecureControl}.
   */
  default boolean securesControl() {
    return false;
  }

  /**
   * Send the reply to the client unchanged.
   *
   * @param reply the reply, exactly as decoded
   */
  record Forward(FtpReply reply) implements ReplyDecision {
    /** Checks for null. */
    public Forward {
      requireNonNull(reply, "reply");
    }

    @Override
    public List<FtpReply> toClient() {
      return List.of(reply);
    }
  }

  /**
   * Send {@code replacement} to the client instead of {@code original}: a passive reply rewritten to
   * the proxy's address and a leased port, or a {@code 425} when no port could be leased or the
   * backend's announcement was refused.
   *
   * @param original the reply the backend sent
   * @param replacement the reply to send to the client
   * @param dataPort the proxy port leased for the transfer; empty for a {@code 425}
   */
  record Rewrite(FtpReply original, FtpReply replacement, OptionalInt dataPort) implements ReplyDecision {
    /** Checks for null. */
    public Rewrite {
      requireNonNull(original, "original");
      requireNonNull(replacement, "replacement");
      requireNonNull(dataPort, "dataPort");
    }

    @Override
    public List<FtpReply> toClient() {
      return List.of(replacement);
    }
  }

  /**
   * Send nothing now: the reply (as it will go out, rewritten if it had to be) waits until the
   * session's data connections have delivered their last byte and closed, so that a {@code 226}
   * never overtakes the data it ends; {@link DataConnection#close()} returns it, in order with every
   * reply held after it.
   *
   * @param reply the reply that waits
   * @param dataPort the proxy port leased if the held reply is a rewritten passive reply
   */
  record Hold(FtpReply reply, OptionalInt dataPort) implements ReplyDecision {
    /** Checks for null. */
    public Hold {
      requireNonNull(reply, "reply");
      requireNonNull(dataPort, "dataPort");
    }

    @Override
    public List<FtpReply> toClient() {
      return List.of();
    }
  }

  /**
   * Send the reply (a {@code 234} accepting {@code AUTH TLS} or {@code AUTH SSL}) to the client in
   * clear; after it the control channel is encrypted on both sides. The proxy must then either
   * terminate TLS itself and go on feeding the session the decrypted conversation
   * ({@link FtpSession#continueDecrypted()}), or stop reading it and route the session's connections
   * by client address alone ({@link FtpSession#switchToPersistence()}).
   *
   * @param reply the reply to forward before the switch
   */
  record SecureControl(FtpReply reply) implements ReplyDecision {
    /** Checks for null. */
    public SecureControl {
      requireNonNull(reply, "reply");
    }

    @Override
    public List<FtpReply> toClient() {
      return List.of(reply);
    }

    @Override
    public boolean securesControl() {
      return true;
    }
  }

  /** Do nothing: the session is closed, and a late reply after the client left is normal. */
  record Ignore() implements ReplyDecision {
    @Override
    public List<FtpReply> toClient() {
      return List.of();
    }
  }
}
