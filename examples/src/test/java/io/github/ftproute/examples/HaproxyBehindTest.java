package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.github.ftproute.routing.health.ProbeStats;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real HAProxy behind the proxy, as an independent parser of the PROXY headers ftproute sends: a
 * {@code listen} section with {@code accept-proxy} in front of an Apache FtpServer backend, whose log
 * shows the client and dialled addresses HAProxy read from each header. Data connections go straight
 * to the backend's passive ports, without a header (HAProxy is not on that path, and the transfer
 * must be exact). Health probes (LOCAL in v2, PROXY UNKNOWN in v1) must pass HAProxy too, or the
 * backend would go DOWN and the session be refused.
 */
@Timeout(120)
final class HaproxyBehindTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"v1", "v2"})
  void backendBehindAcceptProxy_seesTheClientAddress_transferExact(String version) throws Exception {
    Haproxy.binary();
    int front = FreePorts.block("127.0.0.1", 1).lowest();
    try (BackendServer backend = BackendServer.start("behind", "127.0.0.1", FreePorts.block("127.0.0.1", 20).toString(), null);
        Haproxy haproxy = Haproxy.start(String.join("\n",
            "listen backend",
            "  bind 127.0.0.1:" + front + " accept-proxy",
            "  server ftp 127.0.0.1:" + backend.address().getPort()),
            List.of(new InetSocketAddress(TestBed.ip("127.0.0.1"), front)));
        FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(List.of("--listen", "127.0.0.1:0", "--passive-ports",
            FreePorts.block("127.0.0.1", 20).toString(), "--backend", "127.0.0.1:" + front + ",proxy-protocol=" + version)))) {
      // health probes (LOCAL, or PROXY UNKNOWN) pass through accept-proxy: the backend is UP
      String id = "127.0.0.1:" + front;
      var health = proxy.transport().health().orElseThrow();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (health.stats(id).map(ProbeStats::up).orElse(0L) < 1 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(health.stats(id)).hasValueSatisfying(stats -> {
        assertThat(stats.up()).isPositive();
        assertThat(stats.down()).isZero();
      });
      Path download = dir.resolve("data.bin");
      HaproxyInFrontTest.run(List.of("curl", "-sS", "--max-time", "30", "--interface", "127.0.0.17", "-o",
          download.toString(), "ftp://127.0.0.1:" + proxy.address().getPort() + "/" + BackendServer.DATA));

      assertThat(HaproxyInFrontTest.sha256(Files.readAllBytes(download)))
          .isEqualTo(HaproxyInFrontTest.sha256(BackendServer.data()));
      assertThat(haproxy.log()).contains("client=127.0.0.17:")
          .contains("dialled=127.0.0.1:" + proxy.address().getPort());
    }
  }
}
