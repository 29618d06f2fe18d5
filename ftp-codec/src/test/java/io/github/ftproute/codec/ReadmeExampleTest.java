package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The code example of README.md, compiled and asserted here; keep the two in step. */
final class ReadmeExampleTest {

  @Test
  void readmeExample() throws Exception {
    // --- README example begins
    FtpCodec codec = FtpCodec.defaults();

    // Client -> server: decode commands incrementally, whatever the chunking.
    FtpCommandDecoder commands = codec.newCommandDecoder();
    List<DecodedCommand> fromClient = new ArrayList<>();
    commands.decode(ByteBuffer.wrap("USER anonymous\r\nPA".getBytes(StandardCharsets.US_ASCII)), fromClient::add);
    commands.decode(ByteBuffer.wrap("SV\r\nCWD a\0b\r\n".getBytes(StandardCharsets.US_ASCII)), fromClient::add);
    // fromClient: [FtpCommand[USER 'anonymous'], FtpCommand[PASV], Malformed[kind=NUL, ...]]

    // Server -> client: decode the 227 and rewrite it to the proxy's address and port.
    FtpReplyDecoder replies = codec.newReplyDecoder();
    FtpReply reply = (FtpReply) replies.decode(
        "227 Entering Passive Mode (10,0,0,5,39,16).\r\n".getBytes(StandardCharsets.US_ASCII)).get(0);
    if (PassiveReply.parse(reply) instanceof ParseResult.Ok<PassiveReply> ok) {
      PassiveReply passive = ok.value();            // 10.0.0.5:10000 announced by the backend
      FtpReply rewritten = passive.rewrite(InetAddress.getByName("192.0.2.1"), 30001);
      byte[] wire = FtpEncoder.encode(rewritten);   // "227 Entering Passive Mode (192,0,2,1,117,49).\r\n"
      // --- README example ends
      assertThat(passive.port()).isEqualTo(10000);
      assertThat(new String(wire, StandardCharsets.US_ASCII))
          .isEqualTo("227 Entering Passive Mode (192,0,2,1,117,49).\r\n");
    } else {
      throw new AssertionError("227 did not parse");
    }
    assertThat(fromClient).hasSize(3);
    assertThat(fromClient.get(0)).hasToString("FtpCommand[USER 'anonymous']");
    assertThat(fromClient.get(1)).hasToString("FtpCommand[PASV]");
    assertThat(((Malformed) fromClient.get(2)).kind()).isEqualTo(Malformation.NUL);
  }
}
