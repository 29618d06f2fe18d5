package io.github.ftproute.routing.health;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpEncoder;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;

/**
 * What the transport does after feeding a {@link FtpProbe} an event: send {@link #commands()} to the
 * backend ({@link #toBackend()} has their wire bytes), then close the connection if {@link
 * #closeConnection()} (after the bytes are flushed). {@link #result()} is present on the one step
 * that decided the probe's outcome.
 *
 * @param commands commands to send, in order; often none
 * @param closeConnection whether to close the connection once they are written
 * @param result the probe's outcome, on the step that decided it
 */
public record ProbeStep(List<FtpCommand> commands, boolean closeConnection, Optional<ProbeResult> result) {
  static final ProbeStep NOTHING = new ProbeStep(List.of(), false, Optional.empty());
  static final ProbeStep CLOSE = new ProbeStep(List.of(), true, Optional.empty());

  /** Copies the command list. */
  public ProbeStep {
    commands = List.copyOf(requireNonNull(commands, "commands"));
    requireNonNull(result, "result");
  }

  /** Returns the wire bytes of {@link #commands()}, CRLF-terminated; empty when there are none. */
  public byte[] toBackend() {
    if (commands.isEmpty()) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (FtpCommand command : commands) {
      out.writeBytes(FtpEncoder.encode(command));
    }
    return out.toByteArray();
  }
}
