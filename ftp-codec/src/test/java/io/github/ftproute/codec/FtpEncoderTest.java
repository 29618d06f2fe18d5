package io.github.ftproute.codec;

import static io.github.ftproute.codec.Wire.bytes;
import static io.github.ftproute.codec.Wire.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class FtpEncoderTest {

  @Test
  void encodeCommand_verbSpaceArgumentCrlf() {
    assertThat(FtpEncoder.encode(FtpCommand.of(FtpVerb.RETR, "a b.txt"))).isEqualTo(crlf("RETR a b.txt"));
    assertThat(FtpEncoder.encode(FtpCommand.of(FtpVerb.PASV))).isEqualTo(crlf("PASV"));
    assertThat(FtpEncoder.encodedLength(FtpCommand.of(FtpVerb.PASV))).isEqualTo(6);
  }

  @Test
  void encodeCommand_ffDoubled() {
    FtpCommand command = FtpCommand.of(FtpVerb.STOR, new byte[] {'a', -1}, StandardCharsets.ISO_8859_1);

    assertThat(FtpEncoder.encode(command)).isEqualTo(bytes("STOR a\u00ff\u00ff\r\n"));
    assertThat(command.argument()).isEqualTo("a\u00ff");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\r\nDELE b", "a\nb", "a\rb", "a\u0000b"})
  void command_injectedLineBreakOrNul_rejected(String argument) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FtpCommand.of(FtpVerb.RETR, argument))
        .withMessageStartingWith("argument: '")
        .withMessageContaining("(expected: no CR, LF or NUL; found at index 1)");
    FtpCommand retr = FtpCommand.of(FtpVerb.RETR, "ok");
    assertThatIllegalArgumentException().isThrownBy(() -> retr.withArgument(argument));
  }

  @Test
  void withArgument_keepsVerbSpellingAndPrefix() {
    FtpCommand decoded = (FtpCommand) Wire.commands(FtpCodec.defaults(), bytes("\u00ff\u00f4port 1,2,3,4,5,6\r\n")).get(0);

    FtpCommand rewritten = decoded.withArgument("10,0,0,1,4,1");

    assertThat(FtpEncoder.encode(rewritten)).isEqualTo(bytes("\u00ff\u00f4port 10,0,0,1,4,1\r\n"));
  }

  @Test
  void encodeReply_multiLineFraming() {
    FtpReply reply = FtpReply.of(ReplyCode.SYSTEM_STATUS, List.of("Features:", " EPSV", " MDTM", "End"));

    assertThat(FtpEncoder.encode(reply)).isEqualTo(crlf("211-Features:", " EPSV", " MDTM", "211 End"));
    assertThat(FtpEncoder.encodedLength(reply)).isEqualTo(FtpEncoder.encode(reply).length);
  }

  @Test
  void reply_innerLineThatWouldEndTheReply_rejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FtpReply.of(ReplyCode.SYSTEM_STATUS, List.of("a", "211 early", "end")))
        .withMessage("line 1: '211 early' (expected: an inner line must not start with '211 ')");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FtpReply.of(ReplyCode.SYSTEM_STATUS, List.of("a", "211", "end")));
    assertThat(FtpReply.of(ReplyCode.SYSTEM_STATUS, List.of("a", "211-fine", "2110 fine", "end")).lineCount())
        .isEqualTo(4);
  }

  @Test
  void reply_injectedLineBreak_rejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FtpReply.of(200, "ok\r\n230 logged in"))
        .withMessage("line 0: 'ok\\r\\n230 logged in' (expected: no CR, LF or NUL; found at index 2)");
    assertThatIllegalArgumentException().isThrownBy(() -> FtpReply.of(ReplyCode.COMMAND_OKAY, List.of()))
        .withMessage("lines: [] (expected: at least one line)");
    assertThatIllegalArgumentException().isThrownBy(() -> FtpReply.of(99, "x"))
        .withMessage("reply code: 99 (expected: 100..699)");
  }

  @Test
  void encodeIntoBuffer_heapAndDirect_advancePosition() {
    FtpReply reply = FtpReply.of(226, "Transfer complete");
    FtpCommand command = FtpCommand.of(FtpVerb.QUIT);
    for (ByteBuffer buffer : new ByteBuffer[] {ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64)}) {
      buffer.position(3);
      FtpEncoder.encode(reply, buffer);
      FtpEncoder.encode(command, buffer);

      assertThat(buffer.position()).isEqualTo(3 + 23 + 6);
      byte[] written = new byte[29];
      buffer.flip().position(3);
      buffer.get(written);
      assertThat(written).isEqualTo(crlf("226 Transfer complete", "QUIT"));
    }
  }

  @Test
  void encodeIntoBuffer_tooSmall_overflowAndNothingWritten() {
    ByteBuffer buffer = ByteBuffer.allocate(5);

    assertThatThrownBy(() -> FtpEncoder.encode(FtpCommand.of(FtpVerb.QUIT), buffer))
        .isInstanceOf(BufferOverflowException.class);
    assertThat(buffer.position()).isZero();
  }
}
