package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.affinity.redis.RedisAffinityTable;
import io.github.ftproute.examples.FtpClients.DataMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two example proxies started with {@code --affinity-store} on one real redis-server, in front of two
 * real Apache FtpServer backends: a client whose sessions alternate between the proxies stays on one
 * backend, and keeps being served when the store dies.
 */
final class ProxySharedAffinityTest {
  private RedisServer redis;
  private final List<BackendServer> backends = new ArrayList<>();
  private final List<FtpProxy> proxies = new ArrayList<>();

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    backends.add(BackendServer.start("backend-a", "127.0.0.1", FreePorts.block("127.0.0.1", 50).toString(), null));
    backends.add(BackendServer.start("backend-b", "127.0.0.1", FreePorts.block("127.0.0.1", 50).toString(), null));
  }

  @AfterEach
  void stop() {
    proxies.forEach(FtpProxy::close);
    backends.forEach(BackendServer::close);
    if (redis != null) {
      redis.close();
    }
  }

  private FtpProxy proxy(String policy) {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0",
        "--passive-ports", FreePorts.block("127.0.0.1", 50).toString(),
        "--policy", policy, "--affinity-store", redis.uri()));
    for (BackendServer b : backends) {
      args.add("--backend");
      args.add(b.address().getAddress().getHostAddress() + ":" + b.address().getPort());
    }
    FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(args));
    proxies.add(proxy);
    return proxy;
  }

  private static String servedBy(FtpProxy proxy, String client) throws Exception {
    FTPClient ftp = FtpClients.login(proxy.address(), client, DataMode.PASV);
    try {
      return FtpClients.whoami(ftp, DataMode.PASV); // a listing: control and data on one backend
    } finally {
      FtpClients.quit(ftp);
    }
  }

  private static RedisAffinityTable table(FtpProxy proxy) {
    return (RedisAffinityTable) proxy.router().affinityTable();
  }

  @Test
  void sessionsAlternatingBetweenTwoProxies_stayOnOneBackend() throws Exception {
    // round robin keeps its turn in each proxy: without the store the two would split clients
    FtpProxy one = proxy("roundrobin");
    FtpProxy two = proxy("roundrobin");
    Set<String> used = new HashSet<>();
    for (int c = 0; c < 8; c++) {
      String client = "127.0.0." + (10 + c);
      Set<String> seen = new HashSet<>();
      for (int s = 0; s < 4; s++) {
        seen.add(servedBy((c + s) % 2 == 0 ? one : two, client));
      }
      assertThat(seen).as("client %s", client).hasSize(1);
      used.addAll(seen);
    }
    assertThat(used).containsExactlyInAnyOrder("backend-a", "backend-b");
    // the second proxy of each client found the first one's entry in the store
    assertThat(table(one).redisStats().storeHitCount() + table(two).redisStats().storeHitCount())
        .isGreaterThanOrEqualTo(8);
    assertThat(table(one).redisStats().createdCount() + table(two).redisStats().createdCount()).isEqualTo(8);
  }

  @Test
  void storeKilledMidRun_noFailedSession_proxiesStillAgree() throws Exception {
    FtpProxy one = proxy("maglev");
    FtpProxy two = proxy("maglev");
    for (int c = 0; c < 4; c++) {
      String client = "127.0.0." + (30 + c);
      assertThat(servedBy(one, client)).isEqualTo(servedBy(two, client));
    }
    redis.kill();
    for (int c = 0; c < 8; c++) {
      String client = "127.0.0." + (30 + c);
      String first = servedBy(one, client);
      assertThat(servedBy(two, client)).as("client %s", client).isEqualTo(first);
      assertThat(servedBy(one, client)).as("client %s", client).isEqualTo(first);
    }
    assertThat(table(one).redisStats().fallbackCount()).isPositive();
    assertThat(table(two).redisStats().fallbackCount()).isPositive();
  }
}
