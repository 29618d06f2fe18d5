package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class PassiveReplyTest {

  private static PassiveReply parsed(String wireLine) {
    FtpReply reply = (FtpReply) Wire.replies(FtpCodec.defaults(), Wire.crlf(wireLine)).get(0);
    ParseResult<PassiveReply> result = PassiveReply.parse(reply);
    assertThat(result).as(wireLine).isInstanceOf(ParseResult.Ok.class);
    return ((ParseResult.Ok<PassiveReply>) result).value();
  }

  private static String rewritten(String wireLine, String ip, int port) throws Exception {
    FtpReply out = parsed(wireLine).rewrite(InetAddress.getByName(ip), port);
    return new String(FtpEncoder.encode(out), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "227 Entering Passive Mode (127,0,0,1,157,100).;227 Entering Passive Mode (192,0,2,1,117,49).",
      "227 Entering Passive Mode (127,0,0,1,157,179);227 Entering Passive Mode (192,0,2,1,117,49)",
      "227 =127,0,0,1,157,179;227 =192,0,2,1,117,49",
      "227 Entering Passive Mode 127,0,0,1,157,179 ok;227 Entering Passive Mode 192,0,2,1,117,49 ok",
      "227 Mode 2 of 3 (10,0,0,5,39,16);227 Mode 2 of 3 (192,0,2,1,117,49)"})
  void rewrite227_keepsWording(String in, String expected) throws Exception {
    assertThat(rewritten(in, "192.0.2.1", 30001)).isEqualTo(expected + "\r\n");
  }

  @Test
  void parse227_addressAndPort() throws Exception {
    PassiveReply reply = parsed("227 Entering Passive Mode (10,0,0,5,39,16).");

    assertThat(reply.address()).contains(InetAddress.getByName("10.0.0.5"));
    assertThat(reply.port()).isEqualTo(10000);
    assertThat(reply.code()).isEqualTo(ReplyCode.ENTERING_PASSIVE_MODE);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "229 Entering Extended Passive Mode (|||6446|);229 Entering Extended Passive Mode (|||30001|)",
      "229 Extended Passive mode OK (|||40368|);229 Extended Passive mode OK (|||30001|)",
      "229 x (!!!1!) y;229 x (!!!30001!) y"})
  void rewrite229_onlyThePort(String in, String expected) throws Exception {
    assertThat(parsed(in).address()).isEmpty();
    assertThat(rewritten(in, "2001:db8::1", 30001)).isEqualTo(expected + "\r\n");
  }

  @Test
  void rewrite228_takesNewFamily() throws Exception {
    String in = "228 Entering Long Passive Mode (4,4,127,0,0,1,2,4,1)";

    assertThat(parsed(in).port()).isEqualTo(1025);
    assertThat(rewritten(in, "::1", 21)).isEqualTo(
        "228 Entering Long Passive Mode (6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,0,21)\r\n");
  }

  @Test
  void rewrite_multiLine_onlyTheLineWithTheNumbers() throws Exception {
    FtpReply reply = FtpReply.of(ReplyCode.ENTERING_EXTENDED_PASSIVE_MODE,
        List.of("Entering Extended Passive Mode", "(|||1025|)"));

    FtpReply out = ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(reply)).value()
        .rewrite(InetAddress.getByName("10.0.0.1"), 2048);

    assertThat(out.lines()).containsExactly("Entering Extended Passive Mode", "(|||2048|)");
  }

  @Test
  void rewrite227_ipv6OrBadPort_rejected() {
    PassiveReply reply = parsed("227 Entering Passive Mode (127,0,0,1,4,1)");

    assertThatIllegalArgumentException().isThrownBy(() -> reply.rewrite(InetAddress.getByName("::1"), 21))
        .withMessage("227 address: ::1 (expected: an IPv4 address)");
    assertThatIllegalArgumentException().isThrownBy(() -> reply.rewrite(InetAddress.getByName("10.0.0.1"), 0))
        .withMessage("port: 0 (expected: 1..65535)");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "227 Entering Passive Mode (127,0,0,1,300,1)", "227 Entering Passive Mode (127,0,0,1,0,0)",
      "227 Entering Passive Mode (127,0,0,1,4)", "227 Entering Passive Mode", "229 Entering (|||0|)",
      "229 Entering (|||70000|)", "229 Entering (||6446|)", "229 Entering (|||6446)", "229 Entering |||6446|",
      "229 Entering (111222|)", "228 (4,4,127,0,0,1,3,0,4,1)", "200 Command okay (127,0,0,1,4,1)"})
  void parse_noValidEndpoint_invalid(String line) {
    FtpReply reply = (FtpReply) Wire.replies(FtpCodec.defaults(), Wire.crlf(line)).get(0);

    assertThat(PassiveReply.parse(reply)).isInstanceOf(ParseResult.Invalid.class);
  }

  @Test
  void parse228_otherFamily_unsupported() {
    FtpReply reply = FtpReply.of(228, "Entering Long Passive Mode (5,4,1,2,3,4,2,4,1)");

    assertThat(PassiveReply.parse(reply)).isInstanceOf(ParseResult.Unsupported.class);
  }
}
