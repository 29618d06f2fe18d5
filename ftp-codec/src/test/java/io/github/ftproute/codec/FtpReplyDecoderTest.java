package io.github.ftproute.codec;

import static io.github.ftproute.codec.Wire.bytes;
import static io.github.ftproute.codec.Wire.crlf;
import static io.github.ftproute.codec.Wire.replies;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class FtpReplyDecoderTest {
  private static final FtpCodec CODEC = FtpCodec.defaults();

  @Test
  void decode_singleLine_codeCategoryText() {
    FtpReply reply = (FtpReply) replies(CODEC, crlf("150 Opening BINARY mode")).get(0);

    assertThat(reply.code()).isSameAs(ReplyCode.FILE_STATUS_OKAY);
    assertThat(reply.code().category()).isEqualTo(ReplyCategory.POSITIVE_PRELIMINARY);
    assertThat(reply.isFinal()).isFalse();
    assertThat(reply.isMultiLine()).isFalse();
    assertThat(reply.text()).isEqualTo("Opening BINARY mode");
  }

  @Test
  void decode_multiLine_innerLinesMayStartWithDigitsAndOtherCodes() {
    byte[] wire = crlf(
        "211-Status:",
        "123 not the end: another code",
        "211-still inside",
        "2110 no space after the code",
        " 211 leading space",
        "",
        "211 End");

    List<DecodedReply> out = replies(CODEC, wire);

    assertThat(out).hasSize(1);
    FtpReply reply = (FtpReply) out.get(0);
    assertThat(reply.lineCount()).isEqualTo(7);
    assertThat(reply.lines()).containsExactly("Status:", "123 not the end: another code",
        "still inside", "2110 no space after the code", " 211 leading space", "", "End");
    assertThat(reply.isFinal()).isTrue();
    assertThat(FtpEncoder.encode(reply)).isEqualTo(wire);
  }

  @Test
  void decode_pureFtpdBanner_firstLineIsCodeHyphenDashes() {
    byte[] wire = crlf(
        "220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------",
        "220-You are user number 1 of 50 allowed.",
        "220 You will be disconnected after 15 minutes of inactivity.");

    FtpReply reply = (FtpReply) replies(CODEC, wire).get(0);

    assertThat(reply.code()).isEqualTo(ReplyCode.SERVICE_READY);
    assertThat(reply.lines().get(0)).isEqualTo("--------- Welcome to Pure-FTPd [privsep] [TLS] ----------");
    assertThat(FtpEncoder.encode(reply)).isEqualTo(wire);
  }

  @Test
  void decode_codeAlone_acceptedAsLastLineWithEmptyText() {
    List<DecodedReply> out = replies(CODEC, crlf("226", "211-Features:", " EPSV", "211"));

    assertThat(((FtpReply) out.get(0)).text()).isEmpty();
    assertThat(((FtpReply) out.get(1)).lines()).containsExactly("Features:", " EPSV", "");
    assertThat(Wire.encodeAll(out)).isEqualTo(crlf("226", "211-Features:", " EPSV", "211"));
  }

  @Test
  void decode_extraFinalRepliesReusingCode_eachDeliveredAlone() {
    // Pure-FTPd after ABOR: the stats line reuses the previous code as a separate reply
    byte[] wire = crlf("150-Accepted data connection", "150 262144.0 kbytes to download",
        "150 3.005 seconds (measured here), 1.25 Mbytes per second",
        "226 Since you see this ABOR must've succeeded");

    List<DecodedReply> out = replies(CODEC, wire);

    assertThat(out).extracting(r -> ((FtpReply) r).code().value()).containsExactly(150, 150, 226);
  }

  @Test
  void decode_nonUtf8AndIac_bytesKept() {
    byte[] wire = bytes("257 \"/caf\u00e9 \u00ff\u00ff\" created\r\n");

    FtpReply reply = (FtpReply) replies(CODEC, wire).get(0);

    assertThat(reply.text()).isEqualTo("\"/caf\uFFFD \uFFFD\" created");
    assertThat(FtpEncoder.encode(reply)).isEqualTo(wire);
  }

  @Test
  void decode_unescapedFfFromALatin1Server_reencodedExactly() {
    byte[] wire = bytes("257 \"/\u00ffa\" created\r\n"); // a lone 0xFF that starts no Telnet command

    FtpReply reply = (FtpReply) replies(CODEC, wire).get(0);

    assertThat(FtpEncoder.encode(reply)).isEqualTo(wire);
  }

  @Test
  void decode_multiLineWithNulInside_oneMalformedThenGoesOn() {
    List<DecodedReply> out = replies(CODEC, bytes("211-a\r\n b\u0000c\r\n211 End\r\n200 ok\r\n"));

    assertThat(out).hasSize(2);
    assertThat(((Malformed) out.get(0)).kind()).isEqualTo(Malformation.NUL);
    assertThat(((FtpReply) out.get(1)).code().value()).isEqualTo(200);
  }

  @Test
  void decode_replyOverReplyLimit_reportedOnceAndSkippedToItsEnd() {
    FtpCodec codec = FtpCodec.builder().maxReplyLength(64).build();
    String[] lines = new String[12];
    lines[0] = "212-Status of /:";
    for (int i = 1; i < 11; i++) {
      lines[i] = " -rw-r--r-- file" + i;
    }
    lines[11] = "212 End of status";
    byte[] wire = concat(crlf(lines), crlf("200 next"));

    List<DecodedReply> out = replies(codec, wire);

    assertThat(out).hasSize(2);
    assertThat(out.get(0)).isEqualTo(new LineTooLong(64));
    assertThat(((FtpReply) out.get(1)).text()).isEqualTo("next");
  }

  @Test
  void decode_overLongLastLineOfMultiLine_replyEndsThere() {
    FtpCodec codec = FtpCodec.builder().maxLineLength(32).build();
    byte[] wire = crlf("211-a", "211 " + "x".repeat(40), "200 next");

    List<DecodedReply> out = replies(codec, wire);

    assertThat(out).containsExactly(new LineTooLong(32), FtpReply.of(200, "next"));
  }

  @Test
  void decode_overLongFirstLineOfMultiLine_skipsThroughItsEnd() {
    FtpCodec codec = FtpCodec.builder().maxLineLength(32).build();
    byte[] wire = crlf("211-" + "x".repeat(40), " inner", "211 End", "200 next");

    List<DecodedReply> out = replies(codec, wire);

    assertThat(out).containsExactly(new LineTooLong(32), FtpReply.of(200, "next"));
  }

  @Test
  void finish_insideMultiLine_truncated() {
    List<DecodedReply> out = replies(CODEC, crlf("211-Features:", " EPSV"));

    assertThat(out).hasSize(1);
    assertThat(((Malformed) out.get(0)).kind()).isEqualTo(Malformation.TRUNCATED);
  }

  static Stream<Arguments> malformedReplies() {
    String expected = "expected a reply code 100..699 then a space or a hyphen: ";
    return Stream.of(
        Arguments.of("2x0 Ok\r\n", Malformation.BAD_REPLY_CODE, expected + "'2x0 Ok'"),
        Arguments.of("099 low\r\n", Malformation.BAD_REPLY_CODE, expected + "'099 low'"),
        Arguments.of("700 high\r\n", Malformation.BAD_REPLY_CODE, expected + "'700 high'"),
        Arguments.of("20\r\n", Malformation.BAD_REPLY_CODE, expected + "'20'"),
        Arguments.of("200:Ok\r\n", Malformation.BAD_REPLY_CODE, expected + "'200:Ok'"),
        Arguments.of(" 200 Ok\r\n", Malformation.BAD_REPLY_CODE, expected + "' 200 Ok'"),
        Arguments.of("\r\n", Malformation.BAD_REPLY_CODE, expected + "''"),
        Arguments.of("200 a\u0000b\r\n", Malformation.NUL, "NUL in reply line: '200 a\\x00b'"),
        Arguments.of("200 a\rb\r\n", Malformation.BARE_CR, "CR without LF in reply line: '200 a\\rb'"),
        Arguments.of("200 Ok\n", Malformation.BARE_LF, "reply line ended by LF without CR: '200 Ok'"),
        Arguments.of("200 O", Malformation.TRUNCATED, "input ended inside a reply line: '200 O'"));
  }

  @ParameterizedTest
  @MethodSource("malformedReplies")
  void decode_malformedReply_typedResultWithMessage_nextReplyDecoded(
      String line, Malformation kind, String message) {
    byte[] wire = line.endsWith("\n") ? bytes(line + "221 Bye\r\n") : bytes(line);

    List<DecodedReply> out = replies(CODEC, wire);

    assertThat(out.get(0)).isEqualTo(new Malformed(kind, message));
    if (line.endsWith("\n")) {
      assertThat(out).hasSize(2).last().isEqualTo(FtpReply.of(221, "Bye"));
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
