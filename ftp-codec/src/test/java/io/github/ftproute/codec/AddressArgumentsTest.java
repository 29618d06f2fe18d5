package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class AddressArgumentsTest {

  private static InetSocketAddress endpoint(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port); // literals only: no lookup
  }

  private static InetSocketAddress ok(ParseResult<InetSocketAddress> result) {
    assertThat(result).isInstanceOf(ParseResult.Ok.class);
    return ((ParseResult.Ok<InetSocketAddress>) result).value();
  }

  @Test
  void parsePort_valid_addressAndPort() throws Exception {
    assertThat(ok(AddressArguments.parsePort("127,0,0,1,144,249"))).isEqualTo(endpoint("127.0.0.1", 37113));
    assertThat(ok(AddressArguments.parsePort("010,000,000,001,0,21"))).isEqualTo(endpoint("10.0.0.1", 21));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127,0,0,1,300,1", "127,0,0,1,4", "127,0,0,1,4,1,7", "127,0,0,1,4,1 ",
      " 127,0,0,1,4,1", "127.0.0.1,4,1", "127,0,0,1,4,-1", "127,0,0,1,0,0", "127,0,0,1,0001,1",
      "256,0,0,1,4,1", "", "a,b,c,d,e,f", "127,0,0,1,,4"})
  void parsePort_invalid_reasonQuotesArgument(String argument) {
    ParseResult<InetSocketAddress> result = AddressArguments.parsePort(argument);

    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    assertThat(((ParseResult.Invalid<?>) result).reason()).startsWith("PORT argument: '");
  }

  @Test
  void formatPort_roundTrips_andRefusesIpv6AndPortZero() throws Exception {
    InetSocketAddress address = endpoint("192.0.2.7", 65535);

    assertThat(AddressArguments.formatPort(address)).isEqualTo("192,0,2,7,255,255");
    assertThat(ok(AddressArguments.parsePort(AddressArguments.formatPort(address)))).isEqualTo(address);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AddressArguments.formatPort(endpoint("::1", 21)))
        .withMessage("PORT address: ::1 (expected: an IPv4 address)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AddressArguments.formatPort(endpoint("10.0.0.1", 0)))
        .withMessage("port: 0 (expected: 1..65535)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AddressArguments.formatPort(InetSocketAddress.createUnresolved("example.com", 21)))
        .withMessageContaining("expected: a resolved address, not a host name");
  }

  static Stream<Arguments> validEprt() {
    return Stream.of(
        Arguments.of("|1|132.235.1.2|6275|", "132.235.1.2", 6275),
        Arguments.of("|2|1080::8:800:200C:417A|5282|", "1080::8:800:200c:417a", 5282),
        Arguments.of("!2!::1!21!", "::1", 21),
        Arguments.of("|2|::ffff:10.1.2.3|1024|", "10.1.2.3", 1024),
        Arguments.of("|2|1:2:3:4:5:6:7:8|1|", "1:2:3:4:5:6:7:8", 1),
        Arguments.of("|2|::|65535|", "::", 65535),
        Arguments.of("|2|fe80::1:2.3.4.5|9|", "fe80::1:203:405", 9));
  }

  @ParameterizedTest
  @MethodSource("validEprt")
  void parseEprt_valid(String argument, String ip, int port) throws Exception {
    assertThat(ok(AddressArguments.parseEprt(argument))).isEqualTo(endpoint(ip, port));
  }

  @ParameterizedTest
  @ValueSource(strings = {"|1|132.235.1.2|6275", "|1|132.235.1.2|6275|x", "|1|132.235.1.256|6275|",
      "|1|132.235.1|6275|", "|1|::1|6275|", "|2|127.0.0.1|21|", "|2|1::2::3|21|", "|2|1:2:3:4:5:6:7:8:9|21|",
      "|2|fe80::1%eth0|21|", "|1|127.0.0.1|0|", "|1|127.0.0.1|65536|", "|1|127.0.0.1|+21|",
      "|1|127.0.0.1||", "|x|127.0.0.1|21|", " |1|127.0.0.1|21|", "|1|localhost|21|", "1127.0.0.1121",
      "|2|12345::1|21|", "|2|:1::|21|", "|2|1:|21|", "|2|\uff11::|21|"})
  void parseEprt_invalid(String argument) {
    assertThat(AddressArguments.parseEprt(argument)).isInstanceOf(ParseResult.Invalid.class);
  }

  @Test
  void parseEprt_otherProtocol_unsupportedFor522() {
    ParseResult<InetSocketAddress> result = AddressArguments.parseEprt("|3|1.2.3.4|21|");

    assertThat(result).isEqualTo(new ParseResult.Unsupported<>(
        "EPRT network protocol: 3 (expected: 1 for IPv4 or 2 for IPv6)"));
  }

  @Test
  void formatEprt_bothFamilies_rfc5952() throws Exception {
    assertThat(AddressArguments.formatEprt(endpoint("10.0.0.1", 2121))).isEqualTo("|1|10.0.0.1|2121|");
    assertThat(AddressArguments.formatEprt(endpoint("2001:db8:0:0:1:0:0:1", 21)))
        .isEqualTo("|2|2001:db8::1:0:0:1|21|");
    assertThat(AddressArguments.formatEprt(endpoint("2001:db8:0:1:1:1:1:1", 21)))
        .isEqualTo("|2|2001:db8:0:1:1:1:1:1|21|");
  }

  @Test
  void parseLprt_bothFamilies() throws Exception {
    assertThat(ok(AddressArguments.parseLprt("4,4,132,235,1,2,2,24,131"))).isEqualTo(endpoint("132.235.1.2", 6275));
    assertThat(ok(AddressArguments.parseLprt("6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,0,21")))
        .isEqualTo(endpoint("::1", 21));
  }

  @ParameterizedTest
  @ValueSource(strings = {"4,4,132,235,1,2,2,24", "4,4,132,235,1,2,2,24,131,1", "4,16,132,235,1,2,2,24,131",
      "4,4,132,235,1,2,3,0,24,131", "4,4,132,235,1,256,2,24,131", "4,4,132,235,1,2,2,0,0", "", "4",
      "6,4,1,2,3,4,2,0,21"})
  void parseLprt_invalid(String argument) {
    assertThat(AddressArguments.parseLprt(argument)).isInstanceOf(ParseResult.Invalid.class);
  }

  @Test
  void parseLprt_otherFamily_unsupportedFor521() {
    assertThat(AddressArguments.parseLprt("5,4,1,2,3,4,2,0,21")).isInstanceOf(ParseResult.Unsupported.class);
  }

  @Test
  void formatLprt_roundTrips() throws Exception {
    for (InetSocketAddress address : new InetSocketAddress[] {endpoint("10.1.2.3", 1025), endpoint("2001:db8::7", 65000)}) {
      assertThat(ok(AddressArguments.parseLprt(AddressArguments.formatLprt(address)))).isEqualTo(address);
    }
  }

  @Test
  void parse_dispatchesOnVerb() throws Exception {
    assertThat(ok(AddressArguments.parse(FtpCommand.of(FtpVerb.PORT, "127,0,0,1,4,1"))))
        .isEqualTo(endpoint("127.0.0.1", 1025));
    assertThat(ok(AddressArguments.parse(FtpCommand.of(FtpVerb.EPRT, "|1|127.0.0.1|1025|"))))
        .isEqualTo(endpoint("127.0.0.1", 1025));
    assertThat(ok(AddressArguments.parse(FtpCommand.of(FtpVerb.LPRT, "4,4,127,0,0,1,2,4,1"))))
        .isEqualTo(endpoint("127.0.0.1", 1025));
    assertThat(AddressArguments.parse(FtpCommand.of(FtpVerb.RETR, "x"))).isInstanceOf(ParseResult.Invalid.class);
  }
}
