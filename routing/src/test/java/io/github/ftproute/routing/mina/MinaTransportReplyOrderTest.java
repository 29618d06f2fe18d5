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
  private static final int SIZE = 512 * 1024;

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
  void slowDownload_226ArrivesOnlyAfterTheLastDataByte() throws Exception {
    try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.40")) {
      client.login();
      Socket data = client.passiveData();
      client.send("RETR file.bin");
      assertThat(client.readReply()).startsWith("150");
      FtpSession session = session("127.0.0.40");
      AtomicBoolean eof = new AtomicBoolean();
      AtomicInteger mostHeld = new AtomicInteger();
      Payload.Sink sink = new Payload.Sink();
      CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
        try (Socket d = data; InputStream in = d.getInputStream()) {
          byte[] chunk = new byte[16 * 1024];
          for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            sink.write(chunk, 0, n);
            mostHeld.accumulateAndGet(session.heldReplies(), Math::max);
            Throttled.pause(40); // 32 reads of 16 KiB: about 1.3 s
          }
          eof.set(true); // the client has read the last byte; only now does it close its socket
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      String reply = client.readReply(); // the control connection is read at once, not after the data
      boolean dataDoneWhen226Arrived = eof.get();
      reader.get(20, TimeUnit.SECONDS);
      assertThat(reply).startsWith("226");
      assertThat(dataDoneWhen226Arrived).as("the data socket was at EOF when the 226 was read").isTrue();
      assertThat(sink.count()).isEqualTo(SIZE);
      assertThat(sink.sha256()).isEqualTo(Payload.sha256(3, SIZE));
      assertThat(mostHeld.get()).as("the backend's 226 came before the client had read everything, and was held")
          .isEqualTo(1);
      client.expect("QUIT", "221");
    }
  }

  @Test
  void repliesAfterTheHeld226_keepTheirOrder() throws Exception {
    try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.41")) {
      client.login();
      Socket data = client.passiveData();
      // pipelined: RETR, then NOOP before the transfer is over; NOOP's 200 must wait behind the 226
      client.send("RETR file.bin");
      client.send("NOOP");
      assertThat(client.readReply()).startsWith("150");
      AtomicBoolean eof = new AtomicBoolean();
      CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
        try (Socket d = data; InputStream in = d.getInputStream()) {
          Payload.Sink sink = new Payload.Sink();
          byte[] chunk = new byte[16 * 1024];
          for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
            sink.write(chunk, 0, n);
            Throttled.pause(20);
          }
          eof.set(true);
          return sink.count();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      String first = client.readReply();
      boolean dataDone = eof.get();
      String second = client.readReply();
      assertThat(reader.get(20, TimeUnit.SECONDS)).isEqualTo(SIZE);
      assertThat(first).startsWith("226");
      assertThat(dataDone).isTrue();
      assertThat(second).startsWith("200");
      client.expect("QUIT", "221");
    }
  }

  /**
   * Known limitation, kept as a reproducer: the proxy passes the backend's end of data on as a FIN
   * and then waits for the client to close its side before it releases the 226 (which is what makes
   * the test above hold). A client that has read EOF but closes its data socket only once the 226 is
   * in never gets it: no deadline ends that wait. Fixing it belongs to the splice's close policy.
   */
  @org.junit.jupiter.api.Disabled("known limitation: the held 226 waits for the client's FIN without a deadline")
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
