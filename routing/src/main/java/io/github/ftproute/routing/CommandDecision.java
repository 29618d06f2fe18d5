package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a proxy does with one line from the client, as {@link FtpSession#onClientCommand} decides.
 * Every case answers the same three questions through plain accessors, so a transport needs no
 * {@code instanceof} ladder: {@link #toBackend()} is the command to send to the backend (if any),
 * {@link #toClient()} the replies to send to the client now, in order, and {@link #dataPort()} the
 * proxy port leased for an active-mode transfer, which the transport must be listening on before it
 * sends the command to the backend.
 *
 * <p>A local answer may be held back, like a backend reply, while a transfer's final reply waits for
 * its data connection: then {@link #toClient()} is empty and the answer comes out of {@link
 * DataConnection#close()} in order. Instances are immutable.
 */
public sealed interface CommandDecision {
  /** Returns the command to send to the backend, or empty when nothing goes there. */
  Optional<FtpCommand> toBackend();

  /** Returns the replies to send to the client now, in order; often empty. */
  List<FtpReply> toClient();

  /** Returns the proxy port leased for an active-mode transfer (the rewritten PORT/EPRT/LPRT names it). */
  default OptionalInt dataPort() {
    return OptionalInt.empty();
  }

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

    @Override
    public Optional<FtpCommand> toBackend() {
      return Optional.of(command);
    }

    @Override
    public List<FtpReply> toClient() {
      return List.of();
    }
  }

  /**
   * Send {@code replacement} to the backend instead of {@code original}: an active-mode address
   * rewritten to the proxy's backend-facing side and a leased port, or an EPSV protocol dropped.
   *
   * @param original the command the client sent
   * @param replacement the command to send to the backend
   * @param dataPort the proxy port leased for the transfer, if the rewrite leased one
   */
  record Rewrite(FtpCommand original, FtpCommand replacement, OptionalInt dataPort) implements CommandDecision {
    /** Checks for null. */
    public Rewrite {
      requireNonNull(original, "original");
      requireNonNull(replacement, "replacement");
      requireNonNull(dataPort, "dataPort");
    }

    @Override
    public Optional<FtpCommand> toBackend() {
      return Optional.of(replacement);
    }

    @Override
    public List<FtpReply> toClient() {
      return List.of();
    }
  }

  /**
   * Answer the client and send nothing to the backend: a refused command (bounce attempt, EPSV ALL in
   * effect, bad syntax, no data port left).
   *
   * @param reply the answer
   * @param held whether the answer waits behind a held transfer reply ({@link #toClient()} is then
   *     empty and {@link DataConnection#close()} releases it)
   */
  record Answer(FtpReply reply, boolean held) implements CommandDecision {
    /** Checks for null. */
    public Answer {
      requireNonNull(reply, "reply");
    }

    @Override
    public Optional<FtpCommand> toBackend() {
      return Optional.empty();
    }

    @Override
    public List<FtpReply> toClient() {
      return held ? List.of() : List.of(reply);
    }
  }

  /** Do nothing: the session is closed, and a late line after the other side closed is normal. */
  record Ignore() implements CommandDecision {
    @Override
    public Optional<FtpCommand> toBackend() {
      return Optional.empty();
    }

    @Override
    public List<FtpReply> toClient() {
      return List.of();
    }
  }
}
