package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a client that sends {@code RETR} and at once half-closes its control connection (it has
 * nothing more to say, but still reads) gets the whole file and the 226, straight from vsftpd and
 * through the proxy alike. The proxy must pass the FIN on to the backend after the RETR, not abort
 * the session.
 */
final class VsftpdHalfCloseTest {
  private static final String FILE = "big.bin";
  private static final int SIZE = 50 << 20;

  private static Vsftpd vsftpd;
  private static String digest;

  @BeforeAll
  static void startVsftpd() throws Exception {
    vsftpd = Vsftpd.start("127.0.0.2", 10);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(13);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = java.nio.file.Files.newOutputStream(vsftpd.root().resolve(FILE))) {
      for (int i = 0; i < SIZE / chunk.length; i++) {
        random.nextBytes(chunk);
        sha.update(chunk);
        out.write(chunk);
      }
    }
    digest = HexFormat.of().formatHex(sha.digest());
  }

  @AfterAll
  static void stopVsftpd() {
    if (vsftpd != null) {
      vsftpd.close();
    }
  }

  @Test
  void retrThenHalfClose_direct_allBytesAnd226() throws Exception {
    Outcome outcome = retrThenHalfClose(vsftpd.address(), "127.0.0.10");

    assertThat(outcome.bytes()).isEqualTo(SIZE);
    assertThat(outcome.digest()).isEqualTo(digest);
    assertThat(outcome.finalReply()).startsWith("226");
    assertThat(outcome.afterwards()).isNull(); // vsftpd read the FIN after the transfer and left
  }

  @Test
  void retrThenHalfClose_throughProxy_allBytesAnd226() throws Exception {
    List<String> args = List.of("--listen", "127.0.0.1:0", "--backend", vsftpd.hostPort(),
        "--passive-ports", FreePorts.block("127.0.0.1", 10).toString(), "--mode", "rewrite");
    try (FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(args))) {
      Outcome outcome = retrThenHalfClose(proxy.address(), "127.0.0.11");

      assertThat(outcome.bytes()).isEqualTo(SIZE);
      assertThat(outcome.digest()).isEqualTo(digest);
      assertThat(outcome.finalReply()).startsWith("226");
      assertThat(outcome.afterwards()).isNull(); // the FIN reached vsftpd, which left after the 226
      assertThat(proxy.router().stats().dataAdmitted()).isEqualTo(1);
    }
  }

  @Test
  void retrThenHalfClose_throughProxyTwiceInARow_eachSessionComplete() throws Exception {
    // the half-closed session must end cleanly on the proxy, leaving nothing that spoils the next one
    List<String> args = List.of("--listen", "127.0.0.1:0", "--backend", vsftpd.hostPort(),
        "--passive-ports", FreePorts.block("127.0.0.1", 10).toString(), "--mode", "rewrite");
    try (FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(args))) {
      for (String client : List.of("127.0.0.12", "127.0.0.12")) {
        Outcome outcome = retrThenHalfClose(proxy.address(), client);
        assertThat(outcome.digest()).isEqualTo(digest);
        assertThat(outcome.finalReply()).startsWith("226");
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (proxy.openSessions() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(proxy.openSessions()).isZero();
    }
  }

  /** What the client saw: the data it read, the reply after the transfer, and the next line (null at EOF). */
  record Outcome(long bytes, String digest, String finalReply, String afterwards) {}

  /** Logs in, EPSV, connects, RETR, half-closes the control connection, then reads everything. */
  static Outcome retrThenHalfClose(InetSocketAddress server, String clientAddress) throws Exception {
    InetAddress local = InetAddress.getByName(clientAddress); // a literal: no lookup
    try (Socket control = new Socket()) {
      control.bind(new InetSocketAddress(local, 0));
      control.connect(server, 10_000);
      control.setSoTimeout(20_000);
      InputStream in = new BufferedInputStream(control.getInputStream());
      OutputStream out = control.getOutputStream();
      expect(in, "220");
      send(out, "USER anonymous");
      expect(in, "331");
      send(out, "PASS test@ftproute");
      expect(in, "230");
      send(out, "TYPE I");
      expect(in, "200");
      send(out, "EPSV");
      String epsv = expect(in, "229");
      Matcher port = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)").matcher(epsv);
      assertThat(port.find()).as("229 reply %s", epsv).isTrue();
      try (Socket data = new Socket()) {
        data.bind(new InetSocketAddress(local, 0));
        data.connect(new InetSocketAddress(server.getAddress(), Integer.parseInt(port.group(1))), 10_000);
        data.setSoTimeout(20_000);
        send(out, "RETR " + FILE);
        control.shutdownOutput(); // nothing more to say; still reading

        expect(in, "150");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        InputStream dataIn = data.getInputStream();
        for (int n; (n = dataIn.read(buffer)) >= 0; ) {
          sha.update(buffer, 0, n);
          bytes += n;
        }
        String finalReply = reply(in);
        String afterwards = reply(in);
        return new Outcome(bytes, HexFormat.of().formatHex(sha.digest()), finalReply, afterwards);
      }
    }
  }

  private static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String expect(InputStream in, String code) throws IOException {
    String reply = reply(in);
    assertThat(reply).as("reply").isNotNull().startsWith(code);
    return reply;
  }

  /** Reads one reply (the last line of a multi-line one), or null at end of stream. */
  private static String reply(InputStream in) throws IOException {
    while (true) {
      String line = line(in);
      if (line == null || line.length() >= 4 && Character.isDigit(line.charAt(0)) && line.charAt(3) == ' ') {
        return line;
      }
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) >= 0; ) {
      if (b == '\n') {
        return line.toString(StandardCharsets.US_ASCII).stripTrailing();
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }
}
