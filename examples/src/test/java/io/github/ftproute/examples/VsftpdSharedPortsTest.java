package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.examples.FtpClients.DataMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 item 1: {@code --share-passive-ports} with only 4 data ports in front of vsftpd. Thirty
 * client addresses download at once, each its own file, every data connection open at the same
 * time, so each port serves several clients at once; and a connection from an address that holds
 * no lease on a port is refused without a byte, leaving the owner's transfer intact.
 */
final class VsftpdSharedPortsTest {
  private static final int CLIENTS = 30;
  private static final int SIZE = 2 << 20;
  private static final int PORTS = 4;
  private static final String FOREIGN = "127.0.0.99";
  private static final long DEADLINE_SECONDS = 30;

  private static Vsftpd vsftpd;
  private static FtpProxy proxy;
  private static PortRange proxyPorts;

  @BeforeAll
  static void start() throws Exception {
    vsftpd = Vsftpd.start("127.0.0.7", 100); // vsftpd itself needs a port per concurrent transfer
    try {
      for (int i = 0; i <= CLIENTS; i++) {
        vsftpd.put(file(i), content(i));
      }
      proxyPorts = FreePorts.block("127.0.0.1", PORTS);
      List<String> args = List.of("--listen", "127.0.0.1:0", "--backend", vsftpd.hostPort(),
          "--passive-ports", proxyPorts.toString(), "--share-passive-ports", "--mode", "rewrite");
      proxy = FtpProxy.start(ProxyOptions.parse(args));
    } catch (Exception | Error e) {
      vsftpd.close();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (vsftpd != null) {
      vsftpd.close();
    }
  }

  @Test
  void thirtyClientsOnFourSharedPorts_concurrentDownloads_allBytesIntact() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch allOpen = new CountDownLatch(CLIENTS);
    CountDownLatch foreignDone = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long refusedBefore = proxy.router().stats().dataRefused();
    try {
      List<Future<String>> digests = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        int client = i;
        digests.add(pool.submit(() -> download(client, go, allOpen, foreignDone)));
      }
      go.countDown();
      assertThat(allOpen.await(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("all 30 data connections open").isTrue();

      // every port now carries leases of several clients, all claimed: a stranger gets none of them
      for (int port : proxyPorts) {
        assertThat(foreignConnect(port)).as("bytes a foreign address read on port %d", port).isZero();
      }
      foreignDone.countDown();

      for (int i = 0; i < CLIENTS; i++) {
        assertThat(digests.get(i).get(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("client %d", i)
            .isEqualTo(sha256(content(i)));
      }
      assertThat(proxy.router().stats().dataRefused() - refusedBefore).isEqualTo(PORTS);
    } finally {
      go.countDown();
      foreignDone.countDown();
      pool.shutdownNow();
      assertThat(pool.awaitTermination(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void foreignAddressOnALeasedPort_refusedWithoutData_ownerTransferIntact() throws Exception {
    String owner = "127.0.0.60";
    FTPClient ftp = FtpClients.login(proxy.address(), owner, DataMode.PASV);
    try {
      long refusedBefore = proxy.router().stats().dataRefused();
      assertThat(ftp.pasv()).isEqualTo(227);
      int port = port227(ftp.getReplyString());
      assertThat(proxyPorts.contains(port)).isTrue();

      assertThat(foreignConnect(port)).isZero(); // the lease is live and unclaimed: still not theirs
      assertThat(proxy.router().stats().dataRefused() - refusedBefore).isEqualTo(1);

      try (Socket data = new Socket()) {
        data.bind(new InetSocketAddress(InetAddress.getByName(owner), 0)); // a literal
        data.connect(new InetSocketAddress(proxy.address().getAddress(), port), 10_000);
        data.setSoTimeout(20_000);
        assertThat(FTPReply.isPositivePreliminary(ftp.sendCommand("RETR", file(CLIENTS)))).isTrue();
        byte[] got = data.getInputStream().readAllBytes();
        assertThat(sha256(got)).isEqualTo(sha256(content(CLIENTS)));
      }
      assertThat(ftp.getReply()).isEqualTo(226);
    } finally {
      FtpClients.quit(ftp);
    }
  }

  /** One client: log in, wait for the start, open the download, read a little, wait for all, read the rest. */
  private static String download(int client, CountDownLatch go, CountDownLatch allOpen, CountDownLatch foreignDone)
      throws Exception {
    FTPClient ftp = FtpClients.login(proxy.address(), address(client), DataMode.PASV);
    try {
      if (!go.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no start signal");
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = ftp.retrieveFileStream(file(client))) {
        if (in == null) {
          throw new IOException("RETR refused: " + ftp.getReplyString().trim());
        }
        byte[] buffer = new byte[16 * 1024];
        int n = in.readNBytes(buffer, 0, buffer.length);
        sha.update(buffer, 0, n);
        allOpen.countDown(); // this data connection is open and moving; hold it open until all are
        if (!allOpen.await(DEADLINE_SECONDS, TimeUnit.SECONDS) || !foreignDone.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the other clients did not open their data connections");
        }
        while ((n = in.read(buffer)) >= 0) {
          sha.update(buffer, 0, n);
        }
      }
      if (!ftp.completePendingCommand()) {
        throw new IOException("RETR did not complete: " + ftp.getReplyString().trim());
      }
      return HexFormat.of().formatHex(sha.digest());
    } finally {
      FtpClients.quit(ftp);
    }
  }

  /** Connects to {@code port} from {@link #FOREIGN} and returns how many bytes came before the close. */
  private static int foreignConnect(int port) throws IOException {
    try (Socket stranger = new Socket()) {
      stranger.bind(new InetSocketAddress(InetAddress.getByName(FOREIGN), 0)); // a literal
      stranger.connect(new InetSocketAddress(proxy.address().getAddress(), port), 10_000);
      stranger.setSoTimeout(10_000); // the proxy closes at once; a timeout here fails the test
      try {
        return stranger.getInputStream().readAllBytes().length;
      } catch (SocketException reset) {
        return 0; // closed with a reset: no data either
      }
    }
  }

  private static int port227(String reply) {
    Matcher m = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)").matcher(reply);
    assertThat(m.find()).as("227 reply %s", reply).isTrue();
    return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
  }

  private static String address(int client) {
    return "127.0.0." + (30 + client);
  }

  private static String file(int client) {
    return "shared-" + client + ".bin";
  }

  private static byte[] content(int client) {
    return FtpClients.content(1400 + client, SIZE + client);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
