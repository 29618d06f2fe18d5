package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import io.github.ftproute.routing.health.BackendHealth;
import io.github.ftproute.routing.health.HealthPolicy;
import io.github.ftproute.routing.health.ProbeResult;
import io.github.ftproute.routing.health.ProbeSpec;
import io.github.ftproute.routing.health.ProbeStats;
import io.github.ftproute.routing.mina.MinaTransport;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18: the library's FTP health probes, driven by the MINA transport, against real vsftpd 3
 * backends. A backend stopped with {@code kill -STOP} (it accepts TCP from its backlog but never
 * greets) goes DOWN after the fall count while clients keep arriving, and no new session reaches it;
 * after {@code kill -CONT} it is UP again after the rise count and its weight ramps up (slow
 * start); a killed backend is DOWN (refused); a check user vsftpd refuses is DEGRADED (LOGIN_FAILED),
 * and DOWN under a policy that counts DEGRADED as failed; probe connections never count as sessions.
 */
@Timeout(120)
final class VsftpdHealthTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final HealthPolicy FAST = HealthPolicy.defaults().withInterval(Duration.ofMillis(200))
      .withRiseFall(2, 2).withSlowStart(Duration.ofSeconds(3));
  private static final ProbeSpec PROBE = ProbeSpec.defaults().withStepTimeout(Duration.ofSeconds(1));

  /** A proxy on the transport, with the given health checks, in front of {@code backends}. */
  private static final class Rig implements AutoCloseable {
    final NioSocketAcceptor acceptor = new NioSocketAcceptor();
    final NioSocketConnector connector = new NioSocketConnector();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    final BackendPool pool;
    final MinaTransport transport;

    Rig(BackendPool pool, HealthPolicy policy, ProbeSpec probe) {
      this.pool = pool;
      try {
        transport = MinaTransport.builder()
            .router(FtpSessionRouter.builder().backends(pool).policy(SelectionPolicy.weightedRoundRobin())
                .dataPorts(FreePorts.block("127.0.0.1", 20)))
            .acceptor(acceptor).connector(connector).scheduler(scheduler)
            .listen(new InetSocketAddress("127.0.0.1", 0))
            .backendTimeout(Duration.ofSeconds(2))
            .healthChecks(policy, probe)
            .start();
      } catch (RuntimeException e) {
        dispose();
        throw e;
      }
    }

    InetSocketAddress address() {
      return transport.localAddresses().get(0);
    }

    BackendHealth health() {
      return transport.health().orElseThrow();
    }

    Backend backend(String id) {
      return pool.snapshot().get(id).orElseThrow();
    }

    ProbeStats stats(String id) {
      return health().stats(id).orElse(new ProbeStats(id, 0, 0, 0, Duration.ZERO, 0, 0, null));
    }

    @Override
    public void close() throws InterruptedException {
      transport.close();
      dispose();
    }

    private void dispose() {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      acceptor.dispose(true);
      connector.dispose(true);
    }
  }

  private static Backend backend(String id, Vsftpd vsftpd, int weight) {
    return new Backend(id, vsftpd.address(), weight, Backend.State.UP);
  }

  private static void await(String what, BooleanSupplier condition, Object state) throws InterruptedException {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("not within " + DEADLINE + ": " + what + " (now: " + state + ")");
      }
      Thread.sleep(20);
    }
  }

  /** Logs in through the proxy and returns the login directory: vsftpd's root names the backend. */
  private static String sessionOn(Rig rig, String client) throws Exception {
    FTPClient ftp = FtpClients.login(rig.address(), client, FtpClients.DataMode.PASV);
    try {
      return ftp.printWorkingDirectory();
    } finally {
      FtpClients.quit(ftp);
    }
  }

  @Test
  void stoppedBackend_downAfterFall_noNewSessions_continued_upAfterRise_slowStart() throws Exception {
    try (Vsftpd a = Vsftpd.start("127.0.0.31", 4); Vsftpd b = Vsftpd.start("127.0.0.32", 4);
         Rig rig = new Rig(BackendPool.of(backend("a", a, 100), backend("b", b, 100)), FAST, PROBE)) {
      String rootA = a.root().toString();
      String rootB = b.root().toString();
      await("both probed UP", () -> rig.stats("a").up() >= 2 && rig.stats("b").up() >= 2, rig.pool);
      Set<String> before = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        before.add(sessionOn(rig, "127.0.0." + (40 + i)));
      }
      assertThat(before).as("weighted round robin uses both").containsExactlyInAnyOrder(rootA, rootB);

      b.suspend(); // accepts from its backlog, never greets
      try {
        await("b DOWN", () -> rig.backend("b").state() == Backend.State.DOWN, rig.pool);
        ProbeStats down = rig.stats("b");
        assertThat(down.lastResult().orElseThrow().reason()).isEqualTo(ProbeResult.Reason.TIMEOUT);
        assertThat(down.consecutiveFailed()).isGreaterThanOrEqualTo(FAST.fall());
        for (int i = 0; i < 6; i++) {
          assertThat(sessionOn(rig, "127.0.0." + (50 + i))).as("a new session while b is DOWN").isEqualTo(rootA);
        }
      } finally {
        b.resume();
      }

      await("b UP again", () -> rig.backend("b").state() == Backend.State.UP, rig.pool);
      assertThat(rig.stats("b").consecutiveGood()).isGreaterThanOrEqualTo(FAST.rise());
      assertThat(rig.backend("b").weight()).as("slow start: b comes back below its weight").isLessThan(100);
      await("b at full weight", () -> rig.backend("b").weight() == 100, rig.pool);
      Set<String> after = new HashSet<>();
      for (int i = 0; i < 6; i++) {
        after.add(sessionOn(rig, "127.0.0." + (60 + i)));
      }
      assertThat(after).as("b serves again").contains(rootB);

      long probes = rig.stats("a").probes() + rig.stats("b").probes();
      assertThat(probes).isGreaterThan(10);
      assertThat(rig.transport.router().stats().sessionsOpened()).as("probes are not sessions").isEqualTo(18);
      await("no session open", () -> rig.transport.openSessions() == 0, rig.pool);
      assertThat(rig.pool.liveConnections("a") + rig.pool.liveConnections("b")).isZero();
    }
  }

  @Test
  void killedBackend_downRefused() throws Exception {
    Vsftpd b = Vsftpd.start("127.0.0.33", 2);
    try (Rig rig = new Rig(BackendPool.of(backend("b", b, 1)), FAST, PROBE)) {
      await("b probed UP", () -> rig.stats("b").up() >= 1, rig.pool);
      b.close();
      await("b DOWN", () -> rig.backend("b").state() == Backend.State.DOWN, rig.pool);
      assertThat(rig.stats("b").lastResult().orElseThrow().reason()).isEqualTo(ProbeResult.Reason.REFUSED);
    } finally {
      b.close();
    }
  }

  @Test
  void checkUser_anonymousLogsIn_wrongUserDegraded_downWhenDegradedCountsAsFailed() throws Exception {
    try (Vsftpd v = Vsftpd.start("127.0.0.34", 2)) {
      try (Rig rig = new Rig(BackendPool.of(backend("v", v, 1)), FAST, PROBE.withLogin("anonymous", "check@"))) {
        await("logged-in probes", () -> rig.stats("v").up() >= 2, rig.pool);
        assertThat(rig.stats("v").lastResult().orElseThrow().detail()).isEqualTo("logged in, NOOP");
      }
      try (Rig rig = new Rig(BackendPool.of(backend("v", v, 1)), FAST, PROBE.withLogin("nobody", "wrong"))) {
        await("degraded probes", () -> rig.stats("v").degraded() >= 3, rig.pool);
        ProbeResult last = rig.stats("v").lastResult().orElseThrow();
        assertThat(last.status()).isEqualTo(ProbeResult.Status.DEGRADED);
        assertThat(last.reason()).isEqualTo(ProbeResult.Reason.LOGIN_FAILED);
        assertThat(last.detail()).startsWith("USER: '530 ");
        assertThat(rig.backend("v").state()).as("DEGRADED counts as good by default").isEqualTo(Backend.State.UP);
      }
      try (Rig rig = new Rig(BackendPool.of(backend("v", v, 1)), FAST.withDegradedIsDown(true),
          PROBE.withLogin("nobody", "wrong"))) {
        await("DOWN", () -> rig.backend("v").state() == Backend.State.DOWN, rig.pool);
        assertThat(rig.stats("v").lastResult().orElseThrow().reason()).isEqualTo(ProbeResult.Reason.LOGIN_FAILED);
        assertThat(rig.transport.router().stats().sessionsOpened()).isZero();
      }
      await("vsftpd has no probe sessions left", () -> v.sessionProcesses().isEmpty(), v.sessionProcesses());
    }
  }
}
