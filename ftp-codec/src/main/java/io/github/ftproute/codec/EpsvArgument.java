package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The argument of {@code EPSV} (RFC 2428 §3): none, a network protocol number, or {@code ALL}.
 *
 * <p>{@code EPSV ALL} tells the server that the client will use EPSV only: afterwards the server must
 * refuse {@code PORT}, {@code EPRT}, {@code PASV} and {@code LPRT}.
 */
public sealed interface EpsvArgument {
  /** {@code EPSV} without an argument: the server uses the protocol of the control connection. */
  record Unspecified() implements EpsvArgument {
    @Override
    public String toArgument() {
      return "";
    }
  }

  /**
   * {@code EPSV 1} (IPv4) or {@code EPSV 2} (IPv6).
   *
   * @param number the network protocol number, 1 or 2
   */
  record Protocol(int number) implements EpsvArgument {
    /**
     * Validates the number.
     *
     * @throws IllegalArgumentException if {@code number} is not 1 or 2
     */
    public Protocol {
      if (number != 1 && number != 2) {
        throw new IllegalArgumentException("EPSV protocol: " + number + " (expected: 1 or 2)");
      }
    }

    @Override
    public String toArgument() {
      return Integer.toString(number);
    }
  }

  /** {@code EPSV ALL}. */
  record All() implements EpsvArgument {
    @Override
    public String toArgument() {
      return "ALL";
    }
  }

  /** Returns the argument text, empty for {@link Unspecified}. */
  String toArgument();

  /**
   * Parses the argument of an EPSV command: {@link ParseResult.Unsupported} for a protocol number other
   * than 1 and 2 (answer 522), {@link ParseResult.Invalid} for anything else that is not a number or
   * {@code ALL} (any case).
   */
  static ParseResult<EpsvArgument> parse(FtpCommand command) {
    requireNonNull(command, "command");
    if (!command.verb().equals(FtpVerb.EPSV)) {
      return new ParseResult.Invalid<>("verb: " + command.verb() + " (expected: EPSV)");
    }
    return command.hasArgument() ? parse(command.argument()) : new ParseResult.Ok<>(new Unspecified());
  }

  /** Parses EPSV argument text as in {@link #parse(FtpCommand)}; empty text is {@link Unspecified}. */
  static ParseResult<EpsvArgument> parse(String argument) {
    requireNonNull(argument, "argument");
    if (argument.isEmpty()) {
      return new ParseResult.Ok<>(new Unspecified());
    }
    if (argument.toUpperCase(Locale.ROOT).equals("ALL")) {
      return new ParseResult.Ok<>(new All());
    }
    boolean digits = argument.length() <= 3;
    for (int i = 0; i < argument.length() && digits; i++) {
      digits = NumberList.isDigit(argument.charAt(i));
    }
    if (!digits) {
      return AddressArguments.invalid("EPSV argument", argument, "1, 2, ALL or nothing");
    }
    int number = Integer.parseInt(argument);
    if (number != 1 && number != 2) {
      return new ParseResult.Unsupported<>("EPSV network protocol: " + argument + " (expected: 1 or 2)");
    }
    return new ParseResult.Ok<>(new Protocol(number));
  }
}
