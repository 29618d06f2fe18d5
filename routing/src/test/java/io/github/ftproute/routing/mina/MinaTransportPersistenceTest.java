package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.affinity.BackendPool;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Persistence mode, the IPVS way: two backends on 127.0.0.2 and 127.0.0.3 share the proxy's passive
 * range and announce the proxy's address; the transport reads nothing and sends every connection of
 * a client, port preserved, to that client's backend.
 */
@Timeout(30)
final class MinaTransportPersistenceTest {
  private static final int SIZE = 4 << 20;

  @Test
  void pasvDownloadAndUpload_throughPersistenceMode_arriveIntact() throws Exception {
    PortRange range = FreePorts.block(50, "127.0.0.1", "127.0.0.2", "127.0.0.3");
    try (FtpServerBackend a = FtpServerBackend.start("backend-a", "127.0.0.2", range, "127.0.0.1")
            .withFile("data.bin", Payload.stream(21, SIZE));
        FtpServerBackend b = FtpServerBackend.start("backend-b", "127.0.0.3", range, "127.0.0.1")
            .withFile("data.bin", Payload.stream(21, SIZE))) {
      BackendPool pool = BackendPool.of(a.backend(), b.backend());
      try (ProxyRig proxy = ProxyRig.start(pool, range, FtpSessionRouter.builder().backends(pool).dataPorts(range),
          ProxyRig.noProbes(t -> t.persistence(range).backendTimeout(Duration.ofSeconds(5))))) {
        FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0.80", FtpClients.Mode.PASV);
        String served;
        try {
          assertThat(proxy.transport.openSessions()).isEqualTo(1);
          ByteArrayOutputStream name = new ByteArrayOutputStream();
          FtpClients.download(ftp, FtpServerBackend.WHOAMI, name, FtpClients.Mode.PASV);
          served = name.toString(StandardCharsets.US_ASCII).trim();
          assertThat(served).isIn("backend-a", "backend-b");

          Payload.Sink data = new Payload.Sink();
          FtpClients.download(ftp, "data.bin", data, FtpClients.Mode.PASV);
          assertThat(data.count()).isEqualTo(SIZE);
          assertThat(data.sha256()).isEqualTo(Payload.sha256(21, SIZE));

          FtpClients.upload(ftp, "up.bin", Payload.stream(22, SIZE), FtpClients.Mode.PASV);
        } finally {
          assertThat(FtpClients.quit(ftp)).startsWith("221");
        }
        FtpServerBackend servedBy = served.equals("backend-a") ? a : b;
        assertThat(Payload.sha256(Files.readAllBytes(servedBy.home().resolve("up.bin"))))
            .as("the upload reached the backend that served the control connection")
            .isEqualTo(Payload.sha256(22, SIZE));
        Await.until(Duration.ofSeconds(10), "no session left",
            () -> proxy.transport.openSessions() == 0 && proxy.acceptor.getManagedSessionCount() == 0
                && proxy.connector.getManagedSessionCount() == 0, proxy::state);
      }
    }
  }
}
