package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.routing.FtpSession;
import io.github.ftproute.routing.affinity.BackendPool;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mina.core.session.IoSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The backend's {@code 226} overtakes the data on its way through the proxy; the client must get it
 * only after the last data byte. A raw client reads the control connection eagerly while its data
 * connection is read slowly, so a 226 that came too early would be seen at once.
 */
@Timeout(30)
final class MinaTransportReplyOrderTest {
  private static final int SIZE = 24 << 20;
  private static final int CLIENT_RECEIVE_BUFFER = 64 * 1024;

  /**
   * The most bytes that can still be on their way to the client once the proxy has written the
   * last one and closed: the proxy socket's send buffer (at most the kernel's tcp_wmem maximum) and
   * the client's fixed receive buffer (which the kernel doubles), plus slack for one read.
   */
  private static long inFlightBound() throws java.io.IOException {
    String[] wmem = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0)
        .trim().split("\\s+");
    return Long.parseLong(wmem[2]) + 2L * CLIENT_RECEIVE_BUFFER + 256 * 1024;
  }

  private FtpServerBackend server;
  private ProxyRig proxy;

  @BeforeEach
  void start() {
    server = FtpServerBackend.start("order-a").withFile("file.bin", Payload.stream(3, SIZE));
    proxy = ProxyRig.start(BackendPool.of(server.backend()), ProxyRig.noProbes(b -> b
        .backendTimeout(Duration.ofSeconds(5))));
  }

  @AfterEach
  void stop() throws InterruptedException {
    try {
      if (proxy != null) {
        proxy.awaitQuiet(Duration.ofSeconds(10));
        proxy.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void slowDownload_226HeldUntilTheProxyHasWrittenTheLastByteAndClosed() throws Exception {
    try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.40")) {
      client.login();
      Socket data = client.passiveData(CLIENT_RECEIVE_BUFFER);
      client.send("RETR file.bin");
      assertThat(client.readReply()).startsWith("150");
      FtpSession session = session("127.0.0.40");
      AtomicLong readSoFar = new AtomicLong();
      AtomicInteger mostHeld = new AtomicInteger();
      Payload.Sink sink = new Payload.Sink();
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        try (Socket d = data; InputStream in = d.getInputStream()) {
          byte[] chunk = new byte[64 * 1024];
          for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            sink.write(chunk, 0, n);
            readSoFar.addAndGet(n);
            mostHeld.accumulateAndGet(session.heldReplies(), Math::max);
            Throttled.pause(4); // about 16 MB/s: the backend is done long before the client
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      String reply = client.readReply(); // the control connection is read at once, not after the data
      long unreadWhen226Arrived = SIZE - readSoFar.get();
      reader.get(30, TimeUnit.SECONDS);
      assertThat(reply).startsWith("226");
      assertThat(sink.count()).isEqualTo(SIZE);
      assertThat(sink.sha256()).isEqualTo(Payload.sha256(3, SIZE));
      assertThat(mostHeld.get()).as("the backend's 226 came before the client had read everything, and was held")
          .isEqualTo(1);
      // Without the hold the 226 would arrive with nearly all 24 MiB unread; with it, only what the
      // kernel buffers between the proxy's closed socket and the client can still be on its way.
      assertThat(unreadWhen226Arrived).isLessThanOrEqualTo(inFlightBound());
      client.expect("QUIT", "221");
    }
  }

  @Test
  void repliesAfterTheHeld226_keepTheirOrder() throws Exception {
    try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.41")) {
      client.login();
      Socket data = client.passiveData(CLIENT_RECEIVE_BUFFER);
      // pipelined: RETR, then NOOP before the transfer is over; NOOP's 200 must wait behind the 226
      client.send("RETR file.bin");
      client.send("NOOP");
      assertThat(client.readReply()).startsWith("150");
      AtomicLong readSoFar = new AtomicLong();
      CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
        try (Socket d = data; InputStream in = d.getInputStream()) {
          Payload.Sink sink = new Payload.Sink();
          byte[] chunk = new byte[64 * 1024];
          for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            sink.write(chunk, 0, n);
            readSoFar.addAndGet(n);
            Throttled.pause(4);
          }
          return sink.count();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      String first = client.readReply();
      long unread = SIZE - readSoFar.get();
      String second = client.readReply();
      assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(SIZE);
      assertThat(first).startsWith("226");
      assertThat(unread).isLessThanOrEqualTo(inFlightBound());
      assertThat(second).startsWith("200");
      client.expect("QUIT", "221");
    }
  }

  /**
   * A client may read to EOF and close its data socket only once the 226 is in: the proxy closes the
   * client's side itself when the backend's data ends, so the 226 never waits for the client.
   */
  @Test
  void clientThatClosesItsDataSocketOnlyAfterThe226_stillGetsIt() throws Exception {
    try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.42")) {
      client.login();
      try (Socket data = client.passiveData()) {
        client.send("RETR file.bin");
        assertThat(client.readReply()).startsWith("150");
        assertThat(data.getInputStream().readAllBytes()).hasSize(SIZE); // EOF seen, socket still open
        assertThat(client.readReply()).startsWith("226");
      }
      client.expect("QUIT", "221");
    }
  }

  private FtpSession session(String client) {
    for (IoSession s : proxy.acceptor.getManagedSessions().values()) {
      if (TransportHandler.endpoint(s) instanceof ControlRelay relay
          && ((InetSocketAddress) s.getRemoteAddress()).getAddress().getHostAddress().equals(client)) {
        return relay.session();
      }
    }
    throw new AssertionError("no control session of " + client);
  }
}
