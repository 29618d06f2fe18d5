package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Health probes read the greeting, send NOOP and QUIT: 421 greetings or silence mark a backend DOWN
 * (after the fall count), 220s bring it back UP (after the rise count), and probes never count as
 * client sessions.
 */
@Timeout(30)
final class MinaTransportHealthTest {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

  @Test
  void greeting421_marksDown_then220_marksUpAgain_probesAreNotSessions() throws Exception {
    AtomicReference<String> greeting = new AtomicReference<>("421 not today");
    AtomicInteger quitsAfter220 = new AtomicInteger();
    ScriptedBackend.Script script = (c, in, out) -> {
      String said = greeting.get();
      ScriptedBackend.send(out, said);
      String line = ScriptedBackend.readLine(in);
      if ("NOOP".equals(line)) { // the probe's NOOP after a 220
        ScriptedBackend.send(out, "200 NOOP ok");
        line = ScriptedBackend.readLine(in);
      }
      if ("QUIT".equals(line)) {
        if (said.startsWith("220")) {
          quitsAfter220.incrementAndGet();
        }
        ScriptedBackend.send(out, "221 bye");
      }
    };
    try (ScriptedBackend backend = ScriptedBackend.start(script);
        ProxyRig proxy = ProxyRig.start(BackendPool.of(backend.backend("flaky")), b -> b
            .backendTimeout(Duration.ofSeconds(2)).healthChecks(INTERVAL, PROBE_TIMEOUT))) {
      Await.until(Duration.ofSeconds(10), "DOWN after a 421 greeting",
          () -> state(proxy, "flaky") == Backend.State.DOWN, () -> proxy.pool.snapshot());
      int probesWhileDown = backend.accepted();

      greeting.set("220 ready again");
      Await.until(Duration.ofSeconds(10), "UP after a 220 greeting",
          () -> state(proxy, "flaky") == Backend.State.UP, () -> proxy.pool.snapshot());
      Await.until(Duration.ofSeconds(10), "a probe sent QUIT after the 220", () -> quitsAfter220.get() > 0);

      assertThat(backend.accepted()).isGreaterThan(probesWhileDown);
      assertThat(proxy.router().stats().sessionsOpened()).as("probes are not client sessions").isZero();
      assertThat(proxy.router().stats().activeSessions()).isZero();
      assertThat(proxy.transport.openSessions()).isZero();

      // and a client is served by the recovered backend's greeting
      try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.70")) {
        assertThat(client.readReply()).isEqualTo("220 ready again");
      }
      Await.until(Duration.ofSeconds(5), "one session opened", () -> proxy.router().stats().sessionsOpened() == 1);
    }
  }

  @Test
  void silentBackend_probeTimesOut_marksDown() throws Exception {
    try (ScriptedBackend backend = ScriptedBackend.start(ScriptedBackend.SILENT);
        ProxyRig proxy = ProxyRig.start(BackendPool.of(backend.backend("silent")), b -> b
            .healthChecks(INTERVAL, PROBE_TIMEOUT))) {
      Await.until(Duration.ofSeconds(10), "DOWN after a probe with no greeting",
          () -> state(proxy, "silent") == Backend.State.DOWN, () -> proxy.pool.snapshot());
      assertThat(proxy.router().stats().sessionsOpened()).isZero();
    }
  }

  private static Backend.State state(ProxyRig proxy, String id) {
    return proxy.pool.snapshot().get(id).orElseThrow().state();
  }
}
