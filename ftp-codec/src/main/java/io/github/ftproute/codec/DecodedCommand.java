package io.github.ftproute.codec;

/**
 * What {@link FtpCommandDecoder} produces for one line from a client: a {@link FtpCommand}, a
 * {@link Malformed} line, or a {@link LineTooLong} line.
 *
 * <p>Match with {@code instanceof}:
 *
 * <pre>{@code
 * if (decoded instanceof FtpCommand command) {
 *   forward(command);
 * } else if (decoded instanceof Malformed malformed) {
 *   reply(FtpReply.of(500, "Syntax error"));
 * } else if (decoded instanceof LineTooLong tooLong) {
 *   reply(FtpReply.of(500, "Line too long"));
 * }
 * }</pre>
 */
public sealed interface DecodedCommand permits FtpCommand, Malformed, LineTooLong {}
