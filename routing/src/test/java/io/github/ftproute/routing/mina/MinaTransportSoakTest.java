package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.routing.affinity.BackendPool;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A soak sized for CI: 8 concurrent Commons Net clients on distinct addresses, each uploading and
 * downloading 8 to 16 MiB three times through the transport, some reading slowly and some writing slowly,
 * every byte checked by digest; afterwards every lease is back and no session, relayed or MINA, is left.
 */
@Timeout(90)
final class MinaTransportSoakTest {
  private static final int CLIENTS = 8;
  private static final int ROUNDS = 3;
  private static final FtpClients.Mode[] MODES = {FtpClients.Mode.PASV, FtpClients.Mode.EPSV, FtpClients.Mode.PORT};

  @Test
  void concurrentClients_mixedModesAndSlowPeers_everyByteIntact_everythingReleased() throws Exception {
    try (FtpServerBackend a = FtpServerBackend.start("soak-a");
        FtpServerBackend b = FtpServerBackend.start("soak-b");
        ProxyRig proxy = ProxyRig.start(BackendPool.of(a.backend(), b.backend()), ProxyRig.noProbes(t -> t
            .backendTimeout(Duration.ofSeconds(10))))) {
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<Future<Long>> done = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          int client = i;
          done.add(clients.submit(() -> run(proxy, client)));
        }
        long bytes = 0;
        for (Future<Long> f : done) {
          bytes += f.get(80, TimeUnit.SECONDS);
        }
        assertThat(bytes).isGreaterThan(CLIENTS * ROUNDS * 2L * (8 << 20));
      } finally {
        clients.shutdownNow();
        assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }
      proxy.awaitQuiet(Duration.ofSeconds(15));
      var stats = proxy.router().dataPorts().stats();
      assertThat(stats.leased() + stats.claimed()).isZero();
      assertThat(stats.leasesGranted()).isEqualTo(CLIENTS * ROUNDS * 2L);
      assertThat(proxy.router().stats().dataAdmitted()).isEqualTo(CLIENTS * ROUNDS * 2L);
      assertThat(proxy.router().stats().dataRefused()).isZero();
      assertThat(proxy.transport.openSessions()).isZero();
      assertThat(proxy.acceptor.getManagedSessionCount()).isZero();
      assertThat(proxy.connector.getManagedSessionCount()).isZero();
    }
  }

  /** One client's work; returns the bytes it moved. */
  private static long run(ProxyRig proxy, int client) throws Exception {
    FtpClients.Mode mode = MODES[client % MODES.length];
    boolean slowReader = client % 4 == 1;
    boolean slowWriter = client % 4 == 2;
    FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0." + (50 + client), mode);
    long moved = 0;
    try {
      for (int round = 0; round < ROUNDS; round++) {
        int size = (8 + (client + round) % 9) << 20;
        long seed = client * 100L + round;
        String file = "c" + client + "-r" + round + ".bin";
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        InputStream source = new DigestInputStream(Payload.stream(seed, size), sent);
        FtpClients.upload(ftp, file, slowWriter ? Throttled.input(source, 64 * 1024, 8) : source, mode);
        Payload.Sink received = new Payload.Sink();
        FtpClients.download(ftp, file, slowReader ? Throttled.output(received, 64 * 1024, 8) : received, mode);
        assertThat(received.count()).as("client %d round %d (%s)", client, round, mode).isEqualTo(size);
        assertThat(received.sha256()).as("client %d round %d (%s)", client, round, mode)
            .isEqualTo(HexFormat.of().formatHex(sent.digest()));
        moved += 2L * size;
      }
    } finally {
      FtpClients.quit(ftp);
    }
    return moved;
  }
}
