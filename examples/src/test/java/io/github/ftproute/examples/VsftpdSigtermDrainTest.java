package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18: the example proxy as its own process ({@code java ... Main proxy}), in front of a real
 * vsftpd. A 200 MiB download is in progress when the proxy gets SIGTERM: the proxy stops listening
 * (a new connection is refused), the transfer completes intact (SHA-256 of every byte), the session
 * ends normally, and the process then exits well within {@code --drain-timeout}.
 */
@Timeout(180)
final class VsftpdSigtermDrainTest {
  private static final int SIZE = 200 << 20;

  @Test
  void sigtermDuring200MiBDownload_transferCompletes_newConnectionsRefused_processExits() throws Exception {
    try (Vsftpd vsftpd = Vsftpd.start("127.0.0.37", 4)) {
      String expected = writeRandom(vsftpd.root().resolve("big.bin"), SIZE);
      int port = FreePorts.block("127.0.0.1", 1).lowest();
      InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port); // a literal
      Path log = Files.createTempFile("ftproute-proxy-", ".log");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), Main.class.getName(), "proxy",
          "--listen", "127.0.0.1:" + port, "--backend", vsftpd.hostPort(),
          "--passive-ports", FreePorts.block("127.0.0.1", 8).toString(), "--drain-timeout", "60"));
      Process proxy = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        awaitGreeting(address, proxy, log);
        FTPClient ftp = FtpClients.login(address, "127.0.0.120", FtpClients.DataMode.PASV);
        try {
          InputStream data = ftp.retrieveFileStream("big.bin");
          assertThat(data).as("RETR started: %s", ftp.getReplyString()).isNotNull();
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          byte[] buffer = new byte[64 * 1024];
          long total = read(data, sha, buffer, 1 << 20); // the transfer is under way

          proxy.destroy(); // SIGTERM
          awaitRefused(address, log);
          assertThat(proxy.isAlive()).as("draining while the transfer goes on").isTrue();

          total += read(data, sha, buffer, Long.MAX_VALUE);
          data.close();
          assertThat(ftp.completePendingCommand()).as("226 after the last byte: %s", ftp.getReplyString()).isTrue();
          assertThat(total).isEqualTo(SIZE);
          assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expected);
        } finally {
          FtpClients.quit(ftp);
        }
        assertThat(proxy.waitFor(30, TimeUnit.SECONDS)).as("exits once drained; log:\n%s", Files.readString(log))
            .isTrue();
        assertThat(Files.readString(log)).contains("draining 1 sessions");
      } finally {
        proxy.destroyForcibly();
        proxy.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(log);
      }
    }
  }

  /** Writes {@code size} pseudo-random bytes to {@code file}; returns their SHA-256 in hex. */
  private static String writeRandom(Path file, int size) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(18);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        sha.update(chunk);
        out.write(chunk);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static long read(InputStream in, MessageDigest sha, byte[] buffer, long atLeast) throws IOException {
    long total = 0;
    while (total < atLeast) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      sha.update(buffer, 0, n);
      total += n;
    }
    return total;
  }

  private static void awaitGreeting(InetSocketAddress address, Process proxy, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!proxy.isAlive()) {
        throw new AssertionError("the proxy exited: " + Files.readString(log));
      }
      try (Socket s = new Socket()) {
        s.connect(address, 1000);
        s.setSoTimeout(10_000);
        if (s.getInputStream().read() == '2') {
          s.getOutputStream().write("QUIT\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the proxy did not greet within 30 s: " + Files.readString(log));
  }

  private static void awaitRefused(InetSocketAddress address, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(address, 1000);
      } catch (ConnectException e) {
        assertThatThrownBy(() -> new Socket().connect(address, 1000)).isInstanceOf(ConnectException.class);
        return; // no longer listening
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the proxy still accepts 30 s after SIGTERM: " + Files.readString(log));
  }
}
