package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

final class DecodeConversationTest {

  @Test
  void run_bundledConversation_printsCommandsRepliesAndRewrite() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    int status = DecodeConversation.run(List.of(), new PrintStream(buffer, true, StandardCharsets.UTF_8));

    String out = buffer.toString(StandardCharsets.UTF_8);
    assertThat(status).isZero();
    assertThat(out).contains("FtpCommand[PASV]", "FtpReply[227 'Entering Passive Mode (127,0,0,1,157,179)']",
        "sends: 227 Entering Passive Mode (127,0,0,1,117,48)", "every line decoded");
  }
}
