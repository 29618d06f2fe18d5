package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

/**
 * A line (or multi-line reply) that could not be decoded. Decoding goes on after its line end; nothing
 * decoded before is lost.
 *
 * @param kind what was wrong
 * @param message a description that quotes the start of the offending input, escaped and truncated
 */
public record Malformed(Malformation kind, String message) implements DecodedCommand, DecodedReply {
  /** Checks the components for null. */
  public Malformed {
    requireNonNull(kind, "kind");
    requireNonNull(message, "message");
  }
}
