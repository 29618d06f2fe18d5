package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.routing.BackendTraffic;
import io.github.ftproute.routing.affinity.BackendPool;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real Commons Net clients through the MINA transport to a real Apache FtpServer: uploads and
 * downloads in every data mode arrive intact, listings work, and once the clients quit every lease
 * and session is gone.
 */
@Timeout(60)
final class MinaTransportTransferTest {
  private static final int SIZE = 4 << 20;

  private static FtpServerBackend server;
  private static ProxyRig proxy;

  @BeforeAll
  static void start() {
    server = FtpServerBackend.start("backend-a");
    proxy = ProxyRig.start(BackendPool.of(server.backend()), b -> b.backendTimeout(Duration.ofSeconds(5)));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void everythingCameBack() {
    proxy.awaitQuiet(Duration.ofSeconds(10));
  }

  @ParameterizedTest
  @EnumSource(FtpClients.Mode.class)
  void uploadThenDownload_4MiB_arrivesIntactInEveryMode(FtpClients.Mode mode) throws Exception {
    String client = "127.0.0." + (10 + mode.ordinal());
    String file = "up-" + mode + ".bin";
    long seed = 100 + mode.ordinal();
    BackendTraffic before = proxy.router().traffic(server.backend().id());
    FTPClient ftp = FtpClients.login(proxy.address(), client, mode);
    try {
      FtpClients.upload(ftp, file, Payload.stream(seed, SIZE), mode);
      // the data connection ended before the 226: its bytes are counted to the backend
      BackendTraffic uploaded = proxy.router().traffic(server.backend().id());
      assertThat(uploaded.bytesFromClients() - before.bytesFromClients()).as("upload bytes").isEqualTo(SIZE);
      assertThat(uploaded.connections() - before.connections()).isEqualTo(1);
      assertThat(Payload.sha256(Files.readAllBytes(server.home().resolve(file))))
          .as("the file the backend stored").isEqualTo(Payload.sha256(seed, SIZE));

      Payload.Sink downloaded = new Payload.Sink();
      FtpClients.download(ftp, file, downloaded, mode);
      assertThat(downloaded.count()).isEqualTo(SIZE);
      assertThat(downloaded.sha256()).isEqualTo(Payload.sha256(seed, SIZE));
      BackendTraffic after = proxy.router().traffic(server.backend().id());
      assertThat(after.bytesToClients() - uploaded.bytesToClients()).as("download bytes").isEqualTo(SIZE);
      assertThat(after.bytesFromClients()).isEqualTo(uploaded.bytesFromClients());
    } finally {
      assertThat(FtpClients.quit(ftp)).startsWith("221");
    }
    assertThat(proxy.router().stats().dataAdmitted()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void list_passiveAndActive_showsTheBackendsFiles() throws Exception {
    for (FtpClients.Mode mode : new FtpClients.Mode[] {FtpClients.Mode.PASV, FtpClients.Mode.PORT}) {
      FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0.20", mode);
      try {
        FTPFile[] files = ftp.listFiles();
        assertThat(files).as("LIST in %s", mode).isNotNull();
        assertThat(Arrays.stream(files).map(FTPFile::getName)).as("LIST in %s", mode)
            .contains(FtpServerBackend.WHOAMI);
        assertThat(ftp.listNames()).as("NLST in %s", mode).contains(FtpServerBackend.WHOAMI);
        Payload.Sink whoami = new Payload.Sink();
        FtpClients.download(ftp, FtpServerBackend.WHOAMI, whoami, mode);
        assertThat(whoami.sha256()).isEqualTo(Payload.sha256("backend-a\n".getBytes()));
      } finally {
        assertThat(FtpClients.quit(ftp)).startsWith("221");
      }
    }
  }

  @Test
  void quit_afterTransfers_leavesNoLeaseNoSessionNoMinaSession() throws Exception {
    FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0.21", FtpClients.Mode.EPSV);
    try {
      assertThat(proxy.transport.openSessions()).isEqualTo(1);
      FtpClients.download(ftp, FtpServerBackend.WHOAMI, new Payload.Sink(), FtpClients.Mode.EPSV);
      // a PASV reply whose port the client never uses still holds a lease, until the session ends
      assertThat(ftp.pasv()).isEqualTo(227);
      assertThat(proxy.router().dataPorts().stats().leased()).isEqualTo(1);
    } finally {
      FtpClients.quit(ftp);
    }
    proxy.awaitQuiet(Duration.ofSeconds(10));
    assertThat(proxy.transport.openSessions()).isZero();
    assertThat(proxy.router().dataPorts().stats().leased() + proxy.router().dataPorts().stats().claimed()).isZero();
  }
}
