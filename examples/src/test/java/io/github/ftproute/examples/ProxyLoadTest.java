package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.core.AllocatorStats;
import io.github.ftproute.examples.FtpClients.DataMode;
import io.github.ftproute.routing.RouterStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;

/** Two hundred sessions, sixteen at a time, from forty client addresses, in every data mode. */
final class ProxyLoadTest {
  private static final int SESSIONS = 200;
  private static final int PARALLEL = 16;

  @Test
  void twoHundredSessions_allTransfersCorrect_nothingLeftBehind() throws Exception {
    // 1000 ports: each session leases one or two, and a released port rests for 10 s (the quarantine)
    try (TestBed bed = TestBed.rewrite(1000)) {
      List<String> clients = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        clients.add("127.0.3." + (10 + i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
      List<Future<Boolean>> results = new ArrayList<>();
      try {
        for (int i = 0; i < SESSIONS; i++) {
          String client = clients.get(i % clients.size());
          DataMode mode = DataMode.values()[i % DataMode.values().length];
          int n = i;
          results.add(pool.submit(() -> {
            FTPClient ftp = FtpClients.login(bed.address(), client, mode);
            try {
              if (n % 2 == 0) {
                return Arrays.equals(FtpClients.download(ftp, BackendServer.DATA, mode), BackendServer.data());
              }
              byte[] content = FtpClients.content(n, 64 * 1024);
              String name = "load-" + n + ".bin";
              FtpClients.upload(ftp, name, content, mode);
              return Arrays.equals(FtpClients.download(ftp, name, mode), content);
            } finally {
              FtpClients.quit(ftp);
            }
          }));
        }
        for (Future<Boolean> result : results) {
          assertThat(result.get(120, TimeUnit.SECONDS)).isTrue();
        }
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }
      bed.awaitNoSessions();
      bed.proxy.router().sweep();

      RouterStats stats = bed.proxy.router().stats();
      AllocatorStats ports = bed.proxy.router().dataPorts().stats();
      assertThat(stats.sessionsOpened()).isEqualTo(SESSIONS);
      assertThat(stats.activeSessions()).isZero();
      assertThat(stats.dataRefused()).isZero();
      assertThat(ports.leased()).isZero();
      assertThat(ports.claimed()).isZero();
      assertThat(bed.liveConnections(clients).values()).containsOnly(0);
    }
  }
}
