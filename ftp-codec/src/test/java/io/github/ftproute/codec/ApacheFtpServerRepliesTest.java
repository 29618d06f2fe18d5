package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records a conversation with a real Apache FtpServer on loopback and decodes it. */
final class ApacheFtpServerRepliesTest {
  @TempDir Path home;
  private FtpServer server;
  private int port;

  @BeforeEach
  void startServer() throws Exception {
    Files.writeString(home.resolve("hello.txt"), "hello");
    FtpServerFactory factory = new FtpServerFactory();
    ListenerFactory listener = new ListenerFactory();
    listener.setServerAddress("127.0.0.1");
    listener.setPort(0);
    factory.addListener("default", listener.createListener());
    BaseUser user = new BaseUser();
    user.setName("anonymous");
    user.setHomeDirectory(home.toString());
    user.setAuthorities(List.<Authority>of(new WritePermission()));
    factory.getUserManager().save(user);
    server = factory.createServer();
    server.start();
    port = ((org.apache.ftpserver.impl.DefaultFtpServer) server).getListener("default").getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop();
  }

  @Test
  void liveConversation_decodesToReplies_reencodesExactly_passiveRepliesParse() throws IOException {
    byte[] wire = converse("USER anonymous", "PASS test@", "SYST", "FEAT", "HELP", "STAT", "TYPE I",
        "PASV", "EPSV", "SIZE hello.txt", "QUIT");

    List<DecodedReply> out = Wire.replies(FtpCodec.defaults(), wire);

    assertThat(out).allMatch(FtpReply.class::isInstance);
    assertThat(Wire.encodeAll(out)).isEqualTo(wire);
    List<FtpReply> replies = out.stream().map(FtpReply.class::cast).toList();
    assertThat(replies.get(0).code()).isEqualTo(ReplyCode.SERVICE_READY);
    assertThat(replies).anyMatch(r -> r.code().value() == 211 && r.isMultiLine()); // FEAT
    FtpReply pasv = replies.stream().filter(r -> r.code().value() == 227).findFirst().orElseThrow();
    PassiveReply parsed = ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(pasv)).value();
    assertThat(parsed.address()).contains(InetAddress.getByName("127.0.0.1"));
    FtpReply epsv = replies.stream().filter(r -> r.code().value() == 229).findFirst().orElseThrow();
    assertThat(PassiveReply.parse(epsv).isOk()).isTrue();
    assertThat(replies.get(replies.size() - 1).code()).isEqualTo(ReplyCode.CLOSING_CONTROL_CONNECTION);
  }

  /** Sends each command after the previous final reply and returns every byte the server sent. */
  private byte[] converse(String... commands) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      FtpReplyDecoder decoder = FtpCodec.defaults().newReplyDecoder();
      awaitFinalReply(in, decoder, received);
      for (String command : commands) {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        awaitFinalReply(in, decoder, received);
      }
    }
    return received.toByteArray();
  }

  private static void awaitFinalReply(InputStream in, FtpReplyDecoder decoder, ByteArrayOutputStream sink)
      throws IOException {
    boolean[] done = {false};
    byte[] buffer = new byte[4096];
    while (!done[0]) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("server closed the connection");
      }
      sink.write(buffer, 0, n);
      decoder.decode(java.nio.ByteBuffer.wrap(buffer, 0, n), r -> done[0] |= r instanceof FtpReply reply && reply.isFinal());
    }
  }
}
