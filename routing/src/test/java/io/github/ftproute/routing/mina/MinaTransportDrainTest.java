package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.routing.affinity.BackendPool;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A drain refuses new control connections and lets the open sessions finish their work. */
@Timeout(40)
final class MinaTransportDrainTest {
  private static final int SIZE = 2 << 20;

  private FtpServerBackend server;
  private ProxyRig proxy;

  @BeforeEach
  void start() {
    server = FtpServerBackend.start("drain-a").withFile("slow.bin", Payload.stream(11, SIZE));
    proxy = ProxyRig.start(BackendPool.of(server.backend()), ProxyRig.noProbes(b -> b
        .backendTimeout(Duration.ofSeconds(5))));
  }

  @AfterEach
  void stop() throws InterruptedException {
    try {
      if (proxy != null) {
        proxy.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void drain_duringSlowDownload_refusesNewClients_downloadCompletes_futureTrue() throws Exception {
    InetSocketAddress address = proxy.address();
    FTPClient ftp = FtpClients.login(address, "127.0.0.60", FtpClients.Mode.PASV);
    AtomicLong received = new AtomicLong();
    Payload.Sink sink = new Payload.Sink();
    OutputStream counting = new FilterOutputStream(sink) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        sink.write(b, off, len);
        received.addAndGet(len);
      }
    };
    CompletableFuture<Void> download = CompletableFuture.runAsync(() -> {
      try {
        // 64 pauses of 50 ms: about 3 s
        FtpClients.download(ftp, "slow.bin", Throttled.output(counting, 32 * 1024, 50), FtpClients.Mode.PASV);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      Await.until(Duration.ofSeconds(10), "the download started", () -> received.get() > 0);

      CompletableFuture<Boolean> drained = proxy.transport.drain(Duration.ofSeconds(10));
      assertThat(proxy.transport.drain(Duration.ofSeconds(1))).isSameAs(drained);

      assertThat(greetingOfNewClient(address, "127.0.0.61")).as("a new control connection during the drain")
          .doesNotStartWith("220");
      assertThat(drained).isNotDone();

      download.get(20, TimeUnit.SECONDS);
      assertThat(sink.count()).isEqualTo(SIZE);
      assertThat(sink.sha256()).isEqualTo(Payload.sha256(11, SIZE));
      assertThat(ftp.getReplyCode()).isEqualTo(226);
      assertThat(ftp.sendNoOp()).as("the draining session still serves commands").isTrue();
    } finally {
      FtpClients.quit(ftp);
    }
    CompletableFuture<Boolean> drained = proxy.transport.drain(Duration.ofSeconds(10));
    assertThat(drained.get(15, TimeUnit.SECONDS)).isTrue();
    Await.until(Duration.ofSeconds(5), "the drained transport closed", proxy.transport::isClosed);
  }

  @Test
  void drain_sessionThatHasNotTransferredYet_goesOnAndFinishes() throws Exception {
    // no PASV yet in this transport: no data port is bound, the control port is the only address
    FTPClient ftp = FtpClients.login(proxy.address(), "127.0.0.62", FtpClients.Mode.PASV);
    CompletableFuture<Boolean> drained;
    try {
      drained = proxy.transport.drain(Duration.ofSeconds(10));
      assertThat(ftp.sendNoOp()).as("NOOP during the drain: %s", ftp.getReplyString()).isTrue();
      Payload.Sink sink = new Payload.Sink();
      FtpClients.download(ftp, "slow.bin", sink, FtpClients.Mode.PASV);
      assertThat(sink.sha256()).isEqualTo(Payload.sha256(11, SIZE));
      assertThat(drained).isNotDone();
    } finally {
      FtpClients.quit(ftp);
    }
    assertThat(drained.get(15, TimeUnit.SECONDS)).isTrue();
  }

  /** Returns what a new client reads first: its greeting, "refused" or "closed". */
  private static String greetingOfNewClient(InetSocketAddress address, String local) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
      try {
        socket.connect(address, 5_000);
      } catch (IOException e) {
        return "refused: " + e;
      }
      socket.setSoTimeout(10_000);
      String line = ScriptedBackend.readLine(socket.getInputStream());
      return line == null ? "closed" : line;
    }
  }
}
