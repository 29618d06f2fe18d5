package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.junit.jupiter.api.Test;

/** The README's transport example, compiled and run against a minimal greeting backend. */
final class ReadmeTransportExampleTest {

  @Test
  void embedTheTransport_clientGetsTheBackendsGreeting_drainCompletes() throws Exception {
    try (ServerSocket backendSocket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"))) {
      Thread backendThread = new Thread(() -> greetOnce(backendSocket), "readme-backend");
      backendThread.setDaemon(true);
      backendThread.start();
      InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 0);
      int backendPort = backendSocket.getLocalPort();
      PortRange dataPorts = PortRange.parse("30000-30999");

      // --- README transport example begins
      // one pool of processors for both services: a backend connection runs on its client's I/O thread
      ExecutorService ioThreads = Executors.newCachedThreadPool();
      PairedProcessorPool processors = new PairedProcessorPool(Runtime.getRuntime().availableProcessors(), ioThreads);
      NioSocketAcceptor acceptor = new NioSocketAcceptor(processors);
      NioSocketConnector connector = new NioSocketConnector(processors);
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
      MinaTransport proxy = MinaTransport.builder()
          .router(FtpSessionRouter.builder()
              .backends(BackendPool.of(Backend.of("a", "127.0.0.2", backendPort)))
              .dataPorts(dataPorts))
          .acceptor(acceptor)
          .connector(connector)
          .scheduler(scheduler)
          .listen(listen)
          .start();
      // ... serve clients; on shutdown, let sessions finish for up to 30 s, then close:
      // proxy.drain(Duration.ofSeconds(30)).join();
      // --- README transport example ends

      try (Socket client = new Socket()) {
        client.bind(new InetSocketAddress("127.0.0.10", 0));
        client.connect(proxy.localAddresses().get(0), 5_000);
        client.setSoTimeout(5_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("220 readme backend ready");
        OutputStream out = client.getOutputStream();
        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(in.readLine()).isEqualTo("221 bye");
        assertThat(in.readLine()).isNull();
      }
      assertThat(proxy.drain(Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.isClosed()).isTrue();
      acceptor.dispose(true);
      connector.dispose(true);
      processors.dispose();
      ioThreads.shutdown();
      scheduler.shutdownNow();
      backendThread.join(5_000);
    }
  }

  private static void greetOnce(ServerSocket server) {
    try (Socket s = server.accept()) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("220 readme backend ready\r\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      if ("QUIT".equals(in.readLine())) {
        out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    } catch (java.io.IOException e) {
      // the test fails on the client side
    }
  }
}
