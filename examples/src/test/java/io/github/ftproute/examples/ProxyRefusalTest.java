package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpReplyDecoder;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import io.github.ftproute.examples.FtpClients.DataMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile and broken input: port stealing, bounce attempts, garbage, giant lines. */
final class ProxyRefusalTest {
  private static TestBed bed;

  @BeforeAll
  static void start() {
    bed = TestBed.rewrite();
  }

  @AfterAll
  static void stop() {
    bed.close();
  }

  @Test
  void dataConnectionFromAnotherAddress_refused_ownerTransferStillWorks() throws Exception {
    FTPClient ftp = FtpClients.login(bed.address(), "127.0.0.70", DataMode.PASV);
    try {
      assertThat(ftp.pasv()).isEqualTo(227);
      FtpReply reply = FtpReply.of(227, ftp.getReplyString().trim().substring(4));
      int port = ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(reply)).value().port();
      long refusedBefore = bed.proxy.router().stats().dataRefused();

      try (Socket thief = new Socket()) {
        thief.bind(new InetSocketAddress(TestBed.ip("127.0.0.71"), 0));
        thief.connect(new InetSocketAddress(bed.address().getAddress(), port), 5_000);
        thief.setSoTimeout(10_000);
        assertThat(thief.getInputStream().read()).isEqualTo(-1); // closed at once, nothing spliced
      }
      assertThat(bed.proxy.router().stats().dataRefused()).isEqualTo(refusedBefore + 1);

      try (Socket owner = new Socket()) {
        owner.bind(new InetSocketAddress(TestBed.ip("127.0.0.70"), 0));
        owner.connect(new InetSocketAddress(bed.address().getAddress(), port), 5_000);
        owner.setSoTimeout(10_000);
        assertThat(FTPReply.isPositivePreliminary(ftp.sendCommand("RETR", BackendServer.DATA))).isTrue();
        byte[] content = owner.getInputStream().readAllBytes();
        assertThat(content).isEqualTo(BackendServer.data());
      }
      assertThat(ftp.completePendingCommand()).isTrue();
    } finally {
      FtpClients.quit(ftp);
    }
  }

  @Test
  void portToAThirdParty_refused504_notForwarded() throws Exception {
    FTPClient ftp = FtpClients.login(bed.address(), "127.0.0.72", DataMode.PORT);
    try {
      assertThat(ftp.sendCommand("PORT", "127,0,0,99,156,64")).isEqualTo(504);
      assertThat(ftp.sendCommand("EPRT", "|1|192.0.2.1|40000|")).isEqualTo(504);
      assertThat(ftp.sendCommand("PORT", "127,0,0,72,0,21")).isEqualTo(504); // privileged port
      assertThat(ftp.sendCommand("NOOP")).isEqualTo(200);
    } finally {
      FtpClients.quit(ftp);
    }
  }

  @Test
  void garbageAndAMebibyteLine_500_sessionGoesOn() throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(TestBed.ip("127.0.0.73"), 0));
      socket.connect(bed.address(), 5_000);
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      List<FtpReply> replies = new ArrayList<>();
      FtpReplyDecoder decoder = FtpCodec.defaults().newReplyDecoder();
      read(in, decoder, replies, 1); // 220

      out.write("{\"not\": \"ftp\"}\r\n\u0000\u0001\u0002\r\n".getBytes(StandardCharsets.ISO_8859_1));
      byte[] huge = new byte[1 << 20];
      java.util.Arrays.fill(huge, (byte) 'A');
      out.write("SIZE ".getBytes(StandardCharsets.US_ASCII));
      out.write(huge);
      out.write("\r\nUSER anonymous\r\nPASS x@\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      read(in, decoder, replies, 7);

      assertThat(replies).extracting(r -> r.code().value()).containsExactly(220, 500, 500, 500, 331, 230, 200);
    }
  }

  @Test
  void aborWithLostUrgentByte_stillAborts() throws Exception {
    // Python ftplib sends ABOR\r\n with the LF as TCP urgent data; without SO_OOBINLINE it is lost
    try (Socket socket = new Socket(bed.address().getAddress(), bed.address().getPort())) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      List<FtpReply> replies = new ArrayList<>();
      FtpReplyDecoder decoder = FtpCodec.defaults().newReplyDecoder();
      read(in, decoder, replies, 1);

      socket.getOutputStream().write("ABOR\r".getBytes(StandardCharsets.US_ASCII));
      read(in, decoder, replies, 2);

      assertThat(replies.get(1).code().isFinal()).isTrue(); // the backend answered the ABOR
    }
  }

  private static void read(InputStream in, FtpReplyDecoder decoder, List<FtpReply> replies, int count)
      throws IOException {
    byte[] buffer = new byte[8192];
    while (replies.size() < count) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new IOException("closed after " + replies);
      }
      decoder.decode(ByteBuffer.wrap(buffer, 0, n), r -> replies.add((FtpReply) r));
    }
  }
}
