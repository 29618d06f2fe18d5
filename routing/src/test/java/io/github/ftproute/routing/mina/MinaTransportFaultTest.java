package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each deadline and each backend failure gives the client exactly one {@code 421} line, then the
 * connection closes; a control connection whose data connection is moving bytes is not idle.
 */
@Timeout(30)
final class MinaTransportFaultTest {
  private static final Duration BACKEND_TIMEOUT = Duration.ofSeconds(1);

  @Test
  void silentBackend_noGreeting_oneServiceNotAvailableThenClose() throws Exception {
    try (ScriptedBackend backend = ScriptedBackend.start(ScriptedBackend.SILENT);
        ProxyRig proxy = rig(backend.backend("silent"))) {
      assertThat(linesUntilClose(proxy, "127.0.0.30", null)).singleElement().asString()
          .startsWith("421 ").contains("did not answer in time");
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  @Test
  void backendStopsAnswering_afterGreeting_oneServiceNotAvailableThenClose() throws Exception {
    try (ScriptedBackend backend = ScriptedBackend.start(ScriptedBackend.GREETS_THEN_SILENT);
        ProxyRig proxy = rig(backend.backend("mute"))) {
      List<String> lines = linesUntilClose(proxy, "127.0.0.31", "NOOP");
      assertThat(lines).hasSize(2);
      assertThat(lines.get(0)).isEqualTo("220 hello");
      assertThat(lines.get(1)).startsWith("421 ").contains("did not answer in time");
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  @Test
  void malformedReply_toCommand_exactlyOneServiceNotAvailable() throws Exception {
    ScriptedBackend.Script script = (c, in, out) -> {
      ScriptedBackend.send(out, "220 hello");
      if (ScriptedBackend.readLine(in) != null) {
        ScriptedBackend.send(out, "2x0 hello");
        ScriptedBackend.send(out, "200 and more after it");
        ScriptedBackend.drain(in);
      }
    };
    try (ScriptedBackend backend = ScriptedBackend.start(script); ProxyRig proxy = rig(backend.backend("garbled"))) {
      List<String> lines = linesUntilClose(proxy, "127.0.0.32", "NOOP");
      assertThat(lines).containsExactly("220 hello", "421 Backend protocol error");
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  @Test
  void backendClosesAtOnce_oneServiceNotAvailableThenClose() throws Exception {
    try (ScriptedBackend backend = ScriptedBackend.start(ScriptedBackend.CLOSES);
        ProxyRig proxy = rig(backend.backend("closer"))) {
      assertThat(linesUntilClose(proxy, "127.0.0.33", null)).singleElement().asString()
          .startsWith("421 ").contains("closed the connection");
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  @Test
  void backendUnreachable_oneServiceNotAvailable_andBackendMarkedDown() throws Exception {
    Backend nowhere = Backend.of("nowhere", "127.0.0.1", FreePorts.unused());
    // probes on, but not before the test ends: the DOWN must come from the failed client connection
    try (ProxyRig proxy = ProxyRig.start(BackendPool.of(nowhere), b -> b.backendTimeout(BACKEND_TIMEOUT)
        .healthChecks(Duration.ofSeconds(60), Duration.ofSeconds(1)))) {
      assertThat(linesUntilClose(proxy, "127.0.0.34", null)).singleElement().asString()
          .startsWith("421 ").contains("unreachable");
      Await.until(Duration.ofSeconds(5), "backend marked DOWN",
          () -> proxy.pool.snapshot().get("nowhere").orElseThrow().state() == Backend.State.DOWN,
          () -> proxy.pool.snapshot());
      // the next client is refused at once: no backend left
      assertThat(linesUntilClose(proxy, "127.0.0.35", null)).singleElement().asString().startsWith("421 ");
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  @Test
  void idleClient_pastControlIdleTimeout_oneTimeoutThenClose() throws Exception {
    try (FtpServerBackend server = FtpServerBackend.start("idle-a");
        ProxyRig proxy = ProxyRig.start(BackendPool.of(server.backend()), ProxyRig.noProbes(b -> b
            .backendTimeout(Duration.ofSeconds(5)).controlIdleTimeout(Duration.ofSeconds(1))))) {
      try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.36")) {
        client.login();
        List<String> lines = client.readUntilEof();
        assertThat(lines).singleElement().asString().startsWith("421 Timeout");
      }
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  @Test
  void slowDownload_longerThanControlIdleTimeout_completesAndIsNotTimedOut() throws Exception {
    int size = 2 << 20;
    try (FtpServerBackend server = FtpServerBackend.start("slow-a").withFile("slow.bin", Payload.stream(7, size));
        ProxyRig proxy = ProxyRig.start(BackendPool.of(server.backend()), ProxyRig.noProbes(b -> b
            .backendTimeout(Duration.ofSeconds(5)).controlIdleTimeout(Duration.ofSeconds(1))))) {
      FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0.37", FtpClients.Mode.PASV);
      try {
        Payload.Sink sink = new Payload.Sink();
        long start = System.nanoTime();
        // 64 pauses of 50 ms: about 3 s of transfer, while the control connection says nothing
        FtpClients.download(ftp, "slow.bin", Throttled.output(sink, 32 * 1024, 50), FtpClients.Mode.PASV);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the transfer outlasted the idle timeout")
            .isGreaterThan(Duration.ofSeconds(2));
        assertThat(ftp.getReplyCode()).isEqualTo(226);
        assertThat(sink.count()).isEqualTo(size);
        assertThat(sink.sha256()).isEqualTo(Payload.sha256(7, size));
      } finally {
        FtpClients.quit(ftp);
      }
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  /**
   * MINA fires a control connection's idle event whenever it has read nothing for the idle time, and
   * during a long transfer that is always true; the relay ignores the event while data moves. The
   * event that comes just after the transfer ended must be ignored too: the client was busy with the
   * transfer, not idle. MINA's timing decides when that event comes (anywhere from 0 to about one
   * idle period after the end), so the test fires it itself, at the worst moment, and then checks that
   * the session goes on.
   */
  @Test
  void idleEventJustAfterLongTransfer_isNotATimeout() throws Exception {
    int size = 24 << 20; // far more than the kernel buffers, so the proxy is transferring nearly throughout
    try (FtpServerBackend server = FtpServerBackend.start("slow-b").withFile("slow.bin", Payload.stream(8, size));
        ProxyRig proxy = ProxyRig.start(BackendPool.of(server.backend()), ProxyRig.noProbes(b -> b
            .backendTimeout(Duration.ofSeconds(5)).controlIdleTimeout(Duration.ofSeconds(1))))) {
      FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0.38", FtpClients.Mode.PASV);
      ftp.setReceieveDataSocketBufferSize(64 * 1024); // no autotuned 32 MiB buffer to take the whole file
      try {
        long start = System.nanoTime();
        // 96 pauses of 16 ms: longer than the idle timeout, with nothing read on the control connection
        FtpClients.download(ftp, "slow.bin", Throttled.output(new Payload.Sink(), 256 * 1024, 16),
            FtpClients.Mode.PASV);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));
        IoSession control = proxy.acceptor.getManagedSessions().values().stream()
            .filter(s -> TransportHandler.endpoint(s) instanceof ControlRelay
                && ((InetSocketAddress) s.getRemoteAddress()).getAddress().getHostAddress().equals("127.0.0.38"))
            .findFirst().orElseThrow();
        TransportHandler.endpoint(control).idle(control, IdleStatus.READER_IDLE);
        assertThat(ftp.sendNoOp()).as("NOOP right after the transfer: %s", ftp.getReplyString()).isTrue();
      } finally {
        FtpClients.quit(ftp);
      }
      proxy.awaitQuiet(Duration.ofSeconds(10));
    }
  }

  private static ProxyRig rig(Backend backend) {
    return ProxyRig.start(BackendPool.of(backend), ProxyRig.noProbes(b -> b.backendTimeout(BACKEND_TIMEOUT)));
  }

  /** Connects, sends {@code command} if not null once the greeting (if any) is in, reads every line to EOF. */
  private static List<String> linesUntilClose(ProxyRig proxy, String client, String command) throws IOException {
    try (RawFtpClient raw = RawFtpClient.connect(proxy.address(), client)) {
      if (command == null) {
        return raw.readUntilEof();
      }
      String greeting = raw.readLine();
      raw.send(command);
      List<String> rest = raw.readUntilEof();
      rest.add(0, greeting);
      return rest;
    }
  }
}
