package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ValueHygieneTest {

  @Test
  void ftpCommand_equalityOnBytesAndCharset() {
    new EqualsTester()
        .addEqualityGroup(FtpCommand.of(FtpVerb.RETR, "a"), Wire.commands(FtpCodec.defaults(), Wire.crlf("RETR a")).get(0))
        .addEqualityGroup(Wire.commands(FtpCodec.defaults(), Wire.crlf("retr a")).get(0))
        .addEqualityGroup(FtpCommand.of(FtpVerb.RETR, "a".getBytes(StandardCharsets.US_ASCII), StandardCharsets.ISO_8859_1))
        .addEqualityGroup(FtpCommand.of(FtpVerb.RETR))
        .addEqualityGroup(FtpCommand.of(FtpVerb.RETR, ""))
        .testEquals();
  }

  @Test
  void ftpReply_equalityOnBytes() {
    new EqualsTester()
        .addEqualityGroup(FtpReply.of(200, "Ok"), FtpReply.of(ReplyCode.COMMAND_OKAY, List.of("Ok")))
        .addEqualityGroup(FtpReply.of(200, "ok"))
        .addEqualityGroup(FtpReply.of(ReplyCode.COMMAND_OKAY, List.of("Ok", "Ok")))
        .addEqualityGroup(Wire.replies(FtpCodec.defaults(), Wire.crlf("200")).get(0))
        .testEquals();
  }

  @Test
  void replyCode_sharedInstancesAndCategories() {
    assertThat(ReplyCode.of(227)).isSameAs(ReplyCode.ENTERING_PASSIVE_MODE);
    assertThat(ReplyCode.of(100).category()).isEqualTo(ReplyCategory.POSITIVE_PRELIMINARY);
    assertThat(ReplyCode.of(350).category()).isEqualTo(ReplyCategory.POSITIVE_INTERMEDIATE);
    assertThat(ReplyCode.of(421).category()).isEqualTo(ReplyCategory.TRANSIENT_NEGATIVE);
    assertThat(ReplyCode.of(599).category()).isEqualTo(ReplyCategory.PERMANENT_NEGATIVE);
    assertThat(ReplyCode.of(631).category()).isEqualTo(ReplyCategory.PROTECTED);
    assertThat(ReplyCode.of(199).isFinal()).isFalse();
    assertThat(ReplyCode.of(200).isFinal()).isTrue();
    assertThat(ReplyCode.of(227).compareTo(ReplyCode.of(229))).isNegative();
  }

  @Test
  void toString_masksPasswordsAndEscapes() {
    assertThat(FtpCommand.of(FtpVerb.PASS, "secret")).hasToString("FtpCommand[PASS '***']");
    assertThat(Wire.commands(FtpCodec.defaults(), Wire.bytes("\u00ff\u00f4ABOR\r\n")).get(0))
        .hasToString("FtpCommand[<interrupt> ABOR]");
    assertThat(FtpReply.of(ReplyCode.SYSTEM_STATUS, List.of("a", "b")).toString())
        .isEqualTo("FtpReply[211 (2 lines) 'a\\nb']");
  }

  @Test
  void publicApi_rejectsNulls() throws Exception {
    NullPointerTester tester = new NullPointerTester()
        .setDefault(int.class, 200)
        .setDefault(FtpVerb.class, FtpVerb.NOOP)
        .setDefault(ReplyCode.class, ReplyCode.COMMAND_OKAY)
        .setDefault(FtpReply.class, FtpReply.of(227, "(127,0,0,1,4,1)"))
        .setDefault(FtpCommand.class, FtpCommand.of(FtpVerb.PORT, "127,0,0,1,4,1"));
    for (Class<?> type : List.of(FtpCommand.class, FtpReply.class, FtpEncoder.class, AddressArguments.class,
        PassiveReply.class, EpsvArgument.class, ReplyCode.class, FtpCodec.class)) {
      tester.testAllPublicStaticMethods(type);
    }
    tester.testAllPublicInstanceMethods(FtpCommand.of(FtpVerb.RETR, "x"));
    tester.testAllPublicInstanceMethods(FtpReply.of(200, "x"));
    tester.testAllPublicInstanceMethods(FtpCodec.defaults().newCommandDecoder());
    tester.testAllPublicInstanceMethods(FtpCodec.defaults().newReplyDecoder());
    tester.testAllPublicInstanceMethods(FtpCodec.builder());
    tester.testAllPublicInstanceMethods(
        ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(FtpReply.of(227, "(127,0,0,1,4,1)"))).value());
    tester.testConstructors(Malformed.class, NullPointerTester.Visibility.PUBLIC);
  }

  @Test
  void builder_settingTwice_illegalState() {
    FtpCodec.Builder builder = FtpCodec.builder().maxLineLength(100);

    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> builder.maxLineLength(200))
        .withMessage("maxLineLength was already set");
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> FtpCodec.builder().maxLineLength(15))
        .withMessage("maxLineLength: 15 (expected: 16..16777216)");
  }
}
