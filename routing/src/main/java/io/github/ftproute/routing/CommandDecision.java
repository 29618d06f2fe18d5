package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;

/**
 * What a proxy does with one line from the client, as {@link FtpSession#onClientCommand} decides:
 * send it to the backend as it came, send a rewritten command instead, or answer the client itself
 * and send nothing to the backend.
 */
public sealed interface CommandDecision {
  /**
   * Send the command to the backend unchanged.
   *
   * @param command the command, exactly as decoded
   */
  record Forward(FtpCommand command) implements CommandDecision {
    /** Checks for null. */
    public Forward {
      requireNonNull(command, "command");
    }
  }

  /**
   * Send {@code replacement} to the backend instead of {@code original} (an active-mode address
   * rewritten to the proxy's backend-facing side, or an EPSV protocol dropped).
   *
   * @param original the command the client sent
   * @param replacement the command to send to the backend
   */
  record Rewrite(FtpCommand original, FtpCommand replacement) implements CommandDecision {
    /** Checks for null. */
    public Rewrite {
      requireNonNull(original, "original");
      requireNonNull(replacement, "replacement");
    }
  }

  /**
   * Send {@code reply} to the client and nothing to the backend: a refused command (bounce attempt,
   * EPSV ALL in effect, bad syntax, no data port left).
   *
   * @param reply the reply for the client
   */
  record Answer(FtpReply reply) implements CommandDecision {
    /** Checks for null. */
    public Answer {
      requireNonNull(reply, "reply");
    }
  }
}
