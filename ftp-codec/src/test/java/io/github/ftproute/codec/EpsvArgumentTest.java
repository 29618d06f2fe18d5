package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class EpsvArgumentTest {

  @Test
  void parse_forms() {
    assertThat(EpsvArgument.parse(FtpCommand.of(FtpVerb.EPSV)))
        .isEqualTo(new ParseResult.Ok<>(new EpsvArgument.Unspecified()));
    assertThat(EpsvArgument.parse("1")).isEqualTo(new ParseResult.Ok<>(new EpsvArgument.Protocol(1)));
    assertThat(EpsvArgument.parse("2")).isEqualTo(new ParseResult.Ok<>(new EpsvArgument.Protocol(2)));
    assertThat(EpsvArgument.parse("all")).isEqualTo(new ParseResult.Ok<>(new EpsvArgument.All()));
    assertThat(EpsvArgument.parse("ALL")).isEqualTo(new ParseResult.Ok<>(new EpsvArgument.All()));
  }

  @Test
  void parse_otherProtocol_unsupportedFor522() {
    assertThat(EpsvArgument.parse("3")).isInstanceOf(ParseResult.Unsupported.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ALLX", " 1", "1 ", "-1", "1234", "x"})
  void parse_garbage_invalidFor501(String argument) {
    assertThat(EpsvArgument.parse(argument)).isInstanceOf(ParseResult.Invalid.class);
  }

  @Test
  void toArgument_roundTrips() {
    for (EpsvArgument argument : new EpsvArgument[] {new EpsvArgument.Unspecified(),
        new EpsvArgument.Protocol(1), new EpsvArgument.Protocol(2), new EpsvArgument.All()}) {
      assertThat(EpsvArgument.parse(argument.toArgument())).isEqualTo(new ParseResult.Ok<>(argument));
    }
    assertThatIllegalArgumentException().isThrownBy(() -> new EpsvArgument.Protocol(3))
        .withMessage("EPSV protocol: 3 (expected: 1 or 2)");
  }
}
