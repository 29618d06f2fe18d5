package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.examples.FtpClients.DataMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;

/** Which backend serves whom: stickiness per client, spread over clients, netmask grouping. */
final class ProxyAffinityTest {

  private static String servedBy(TestBed bed, String client) throws Exception {
    FTPClient ftp = FtpClients.login(bed.address(), client, DataMode.PASV);
    try {
      return FtpClients.whoami(ftp, DataMode.PASV);
    } finally {
      FtpClients.quit(ftp);
    }
  }

  @Test
  void twentyConsecutiveConnections_oneClient_sameBackend() throws Exception {
    try (TestBed bed = TestBed.rewrite()) {
      Set<String> backends = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        backends.add(servedBy(bed, "127.0.0.10"));
      }

      assertThat(backends).hasSize(1);
    }
  }

  @Test
  void thirtyClientAddresses_spreadOverBothBackends() throws Exception {
    try (TestBed bed = TestBed.rewrite()) {
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 30; i++) {
        counts.merge(servedBy(bed, "127.0.0." + (100 + i)), 1, Integer::sum);
      }

      // Maglev over two equal backends: each gets a binomial(30, 1/2) share; below 5 has p < 0.0004
      assertThat(counts).containsOnlyKeys("backend-a", "backend-b");
      assertThat(counts.values()).allMatch(n -> n >= 5);
    }
  }

  @Test
  void netmask24_keepsASubnetTogether() throws Exception {
    try (TestBed bed = TestBed.rewrite("--persistence-netmask", "24", "--policy", "roundrobin")) {
      Set<String> subnet1 = new HashSet<>();
      Set<String> all = new HashSet<>();
      for (int i = 0; i < 8; i++) {
        String backend = servedBy(bed, "127.0.1." + (10 + i));
        subnet1.add(backend);
        all.add(backend);
        all.add(servedBy(bed, "127.0." + (2 + i) + ".10")); // round robin: new subnets alternate
      }

      assertThat(subnet1).hasSize(1);
      assertThat(all).hasSize(2);
    }
  }

  @Test
  void parallelControlConnections_oneClient_allOnOneBackend() throws Exception {
    try (TestBed bed = TestBed.rewrite()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          futures.add(pool.submit((Callable<String>) () -> servedBy(bed, "127.0.0.20")));
        }
        Set<String> backends = new HashSet<>();
        for (Future<String> f : futures) {
          backends.add(f.get(30, TimeUnit.SECONDS));
        }

        assertThat(backends).hasSize(1);
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      }
    }
  }
}
