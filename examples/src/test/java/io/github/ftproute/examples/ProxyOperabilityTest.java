package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.ftproute.metrics.FtpRouteMetrics;
import io.github.ftproute.routing.affinity.Backend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18: the example proxy's admin endpoint ({@code --admin}) and Prometheus scrape endpoint
 * ({@code --metrics}), and the Micrometer binder, against two real vsftpd 3 backends, real Commons
 * Net clients and the JDK's HTTP client. A backend put in DRAINING over HTTP takes no new clients
 * while a live session on it goes on (a 3 MiB download intact) and a client with affinity keeps it;
 * the scrape shows the session, lease, port-pool and probe meters moving.
 */
@Timeout(120)
final class ProxyOperabilityTest {
  private static final byte[] CONTENT = FtpClients.content(18, 3 << 20);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static Vsftpd a;
  private static Vsftpd b;
  private static FtpProxy proxy;
  private static Map<String, String> idByRoot;

  @BeforeAll
  static void start() throws Exception {
    a = Vsftpd.start("127.0.0.35", 6);
    try {
      b = Vsftpd.start("127.0.0.36", 6);
      a.put("big.bin", CONTENT);
      b.put("big.bin", CONTENT);
      proxy = FtpProxy.start(ProxyOptions.parse(List.of("--listen", "127.0.0.1:0", "--backend", a.hostPort(),
          "--backend", b.hostPort(), "--policy", "roundrobin", "--passive-ports",
          FreePorts.block("127.0.0.1", 20).toString(), "--admin", "127.0.0.1:0", "--metrics", "127.0.0.1:0")));
      idByRoot = Map.of(a.root().toString(), a.hostPort(), b.root().toString(), b.hostPort());
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private static HttpResponse<String> http(String method, InetSocketAddress at, String path, String body)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + AdminEndpoint.hostPort(at) + path))
        .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return http(method, proxy.adminAddress().orElseThrow(), path, body);
  }

  private static String scrape() throws Exception {
    HttpResponse<String> response = http("GET", proxy.metricsAddress().orElseThrow(), "/metrics", null);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** The value of the first sample named {@code name} whose labels contain {@code labels}. */
  private static double sample(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
    while (m.find()) {
      if (labels.isEmpty() || (m.group(1) != null && m.group(1).contains(labels))) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no sample " + name + " " + labels + " in:\n" + scrape);
  }

  /** The sum of every sample named {@code name} whose labels contain {@code labels}. */
  private static double sum(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
    double total = 0;
    while (m.find()) {
      if (m.group(1) != null && m.group(1).contains(labels)) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }

  /** The backend id (HOST:PORT) a client's session reached, from its login directory. */
  private static String backendOf(FTPClient ftp) throws Exception {
    return idByRoot.get(ftp.printWorkingDirectory());
  }

  @Test
  void draining_overHttp_noNewClients_liveSessionGoesOn_affinityKept_thenUpAgain() throws Exception {
    FTPClient live = FtpClients.login(proxy.address(), "127.0.0.80", FtpClients.DataMode.PASV);
    try {
      String drained = backendOf(live);
      String other = drained.equals(a.hostPort()) ? b.hostPort() : a.hostPort();

      HttpResponse<String> put = admin("PUT", "/backends/" + drained + "/state", "DRAINING");
      assertThat(put.statusCode()).isEqualTo(200);
      assertThat(put.body()).startsWith(drained + " DRAINING 1 ");
      assertThat(admin("GET", "/backends", null).body()).contains(drained + " DRAINING").contains(other + " UP");

      for (int i = 0; i < 4; i++) {
        FTPClient fresh = FtpClients.login(proxy.address(), "127.0.0." + (81 + i), FtpClients.DataMode.PASV);
        try {
          assertThat(backendOf(fresh)).as("a new client while %s drains", drained).isEqualTo(other);
        } finally {
          FtpClients.quit(fresh);
        }
      }
      byte[] got = FtpClients.download(live, "big.bin", FtpClients.DataMode.EPSV);
      assertThat(FtpClients.sha256(got)).as("the live session goes on").isEqualTo(FtpClients.sha256(CONTENT));
      FTPClient again = FtpClients.login(proxy.address(), "127.0.0.80", FtpClients.DataMode.PASV);
      try {
        assertThat(backendOf(again)).as("affinity to a DRAINING backend is honoured").isEqualTo(drained);
      } finally {
        FtpClients.quit(again);
      }

      assertThat(admin("PUT", "/backends/" + drained + "/state", "UP").statusCode()).isEqualTo(200);
      Set<String> reached = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        FTPClient fresh = FtpClients.login(proxy.address(), "127.0.0." + (90 + i), FtpClients.DataMode.PASV);
        try {
          reached.add(backendOf(fresh));
        } finally {
          FtpClients.quit(fresh);
        }
      }
      assertThat(reached).as("UP again: round robin reaches both").containsExactlyInAnyOrder(drained, other);
    } finally {
      FtpClients.quit(live);
    }
  }

  @Test
  void admin_refusesBadRequests() throws Exception {
    String id = a.hostPort();
    assertThat(admin("PUT", "/backends/" + id + "/state", "SIDEWAYS").statusCode()).isEqualTo(400);
    assertThat(admin("PUT", "/backends/" + id + "/weight", "70000").statusCode()).isEqualTo(400);
    assertThat(admin("PUT", "/backends/10.9.9.9:21/state", "UP").statusCode()).isEqualTo(404);
    assertThat(admin("POST", "/backends/" + id + "/state", "DOWN").statusCode()).as("changes are PUT").isEqualTo(405);
    assertThat(admin("GET", "/nothing", null).statusCode()).isEqualTo(404);
    assertThat(proxy.backends().snapshot().get(id).orElseThrow().state()).isEqualTo(Backend.State.UP);
    assertThatIllegalArgumentException().isThrownBy(() -> ProxyOptions.parse(List.of("--backend", id,
        "--admin", "0.0.0.0:9101"))).withMessageStartingWith("--admin: 0.0.0.0 (expected: a loopback address");
  }

  @Test
  void scrape_showsSessionPoolLeaseAndProbeMetersMoving() throws Exception {
    String before = scrape();
    int transfers = 3;
    List<FTPClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < transfers; i++) {
        FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0." + (100 + i), FtpClients.DataMode.PASV);
        clients.add(ftp);
        assertThat(FtpClients.download(ftp, "big.bin", FtpClients.DataMode.PASV)).hasSize(CONTENT.length);
      }
      String during = scrape();
      assertThat(sample(during, "ftproute_sessions_open", "")).isGreaterThanOrEqualTo(transfers);
      assertThat(sample(during, "ftproute_sessions_opened_total", ""))
          .isGreaterThanOrEqualTo(sample(before, "ftproute_sessions_opened_total", "") + transfers);
      assertThat(sample(during, "ftproute_leases_issued_total", ""))
          .isGreaterThanOrEqualTo(sample(before, "ftproute_leases_issued_total", "") + transfers);
      assertThat(sample(during, "ftproute_data_admitted_total", ""))
          .isGreaterThanOrEqualTo(sample(before, "ftproute_data_admitted_total", "") + transfers);
      // each used port rests in quarantine (10 s by default) after its transfer
      assertThat(sample(during, "ftproute_ports", "state=\"quarantined\"")).isGreaterThanOrEqualTo(transfers);
      assertThat(sample(during, "ftproute_ports", "state=\"free\""))
          .isLessThan(sample(before, "ftproute_ports", "state=\"free\"") + 1);
      assertThat(sample(during, "ftproute_affinity_misses_total", "")).isGreaterThan(0);
      // every download is counted to its backend once its data connection has ended (before the 226)
      assertThat(sum(during, "ftproute_backend_data_bytes_total", "direction=\"to_client\""))
          .isGreaterThanOrEqualTo(sum(before, "ftproute_backend_data_bytes_total", "direction=\"to_client\"")
              + (double) transfers * CONTENT.length);
      assertThat(sum(during, "ftproute_backend_data_connections_total", "backend="))
          .isGreaterThanOrEqualTo(sum(before, "ftproute_backend_data_connections_total", "backend=") + transfers);
      assertThat(sample(during, "ftproute_sessions_refused_total", "reason=\"no_backend\"")).isZero();
      assertThat(sample(during, "ftproute_ports_exhausted_total", "reason=\"range_full\"")).isZero();
      assertThat(sample(during, "ftproute_backend_up", "backend=\"" + a.hostPort() + "\"")).isEqualTo(1);
      long deadline = System.nanoTime() + 30_000_000_000L; // the first probe comes within an interval (2 s)
      while (sample(during, "ftproute_probes_total", "status=\"up\"") == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        during = scrape();
      }
      assertThat(sample(during, "ftproute_probes_total", "status=\"up\"")).isGreaterThan(0);
      assertThat(sample(during, "ftproute_probe_latency_seconds_count", "")).isGreaterThan(0);
    } finally {
      clients.forEach(FtpClients::quit);
    }
  }

  @Test
  void simpleMeterRegistry_readsTheRouterAsItServesRealClients() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FtpRouteMetrics.of(proxy.router()).withHealth(proxy.transport().health().orElseThrow()).bindTo(registry);
    double opened = registry.get("ftproute.sessions.opened").functionCounter().count();
    double leases = registry.get("ftproute.leases.issued").functionCounter().count();

    FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0.110", FtpClients.DataMode.EPSV);
    try {
      FtpClients.download(ftp, "big.bin", FtpClients.DataMode.EPSV);
      assertThat(registry.get("ftproute.sessions.opened").functionCounter().count()).isEqualTo(opened + 1);
      assertThat(registry.get("ftproute.leases.issued").functionCounter().count()).isEqualTo(leases + 1);
      assertThat(registry.get("ftproute.sessions.refused").tag("reason", "all").functionCounter().count())
          .isEqualTo(proxy.router().stats().sessionsRefused());
      assertThat(registry.get("ftproute.ports").tag("state", "free").gauge().value())
          .isEqualTo(proxy.router().dataPorts().stats().free());
      assertThat(registry.get("ftproute.backend.weight").tag("backend", a.hostPort()).gauge().value()).isEqualTo(1);
      long deadline = System.nanoTime() + 30_000_000_000L; // the first probe comes within an interval (2 s)
      while (registry.get("ftproute.probe.latency").tag("backend", a.hostPort()).functionTimer().count() == 0
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(registry.get("ftproute.probe.latency").tag("backend", a.hostPort()).functionTimer().count())
          .isGreaterThan(0);
    } finally {
      FtpClients.quit(ftp);
    }
  }
}
