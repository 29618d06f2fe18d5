package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of parsing an argument or reply that a peer sent: {@link Ok} with the value,
 * {@link Invalid} when the text breaks the grammar (answer {@code 501}), or {@link Unsupported} when it
 * is well-formed but names something this side does not do, such as an address family (answer
 * {@code 522} for EPRT/EPSV, {@code 521} for LPRT).
 *
 * @param <T> the type of the parsed value
 */
public sealed interface ParseResult<T> {
  /**
   * A parsed value.
   *
   * @param value the value
   * @param <T> its type
   */
  record Ok<T>(T value) implements ParseResult<T> {
    /** Checks for null. */
    public Ok {
      requireNonNull(value, "value");
    }
  }

  /**
   * Text that breaks the grammar.
   *
   * @param reason what is wrong, quoting the peer's text escaped and truncated
   * @param <T> the type a successful parse would have had
   */
  record Invalid<T>(String reason) implements ParseResult<T> {
    /** Checks for null. */
    public Invalid {
      requireNonNull(reason, "reason");
    }
  }

  /**
   * Well-formed text that asks for something unsupported.
   *
   * @param reason what is unsupported
   * @param <T> the type a successful parse would have had
   */
  record Unsupported<T>(String reason) implements ParseResult<T> {
    /** Checks for null. */
    public Unsupported {
      requireNonNull(reason, "reason");
    }
  }

  /** Returns whether this is {@link Ok}. */
  default boolean isOk() {
    return this instanceof Ok;
  }
}
