package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpReply;

/**
 * What a proxy does with one reply from the backend, as {@link FtpSession#onServerReply} decides.
 */
public sealed interface ReplyDecision {
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
  }

  /**
   * Send {@code replacement} to the client instead of {@code original}: a passive-mode reply
   * rewritten to the proxy's address and a leased port, or a {@code 425} when no port could be leased.
   *
   * @param original the reply the backend sent
   * @param replacement the reply to send to the client
   */
  record Rewrite(FtpReply original, FtpReply replacement) implements ReplyDecision {
    /** Checks for null. */
    public Rewrite {
      requireNonNull(original, "original");
      requireNonNull(replacement, "replacement");
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
  }
}
