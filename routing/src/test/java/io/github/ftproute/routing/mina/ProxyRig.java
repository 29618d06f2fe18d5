package io.github.ftproute.routing.mina;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.FtpSessionRouterBuilder;
import io.github.ftproute.routing.affinity.BackendPool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;

/**
 * A {@link MinaTransport} on 127.0.0.1 (port 0) in front of a backend pool, with the acceptor,
 * connector and scheduler an embedder owns; {@link #close()} closes the transport and then disposes
 * all three, as an embedder must.
 */
final class ProxyRig implements AutoCloseable {
  final BackendPool pool;
  final PortRange dataPorts;
  // the services share one pool of two processors, as the example proxy runs them
  final ExecutorService ioThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "proxy-rig-io");
    t.setDaemon(true);
    return t;
  });
  final PairedProcessorPool processors = new PairedProcessorPool(2, ioThreads);
  final NioSocketAcceptor acceptor = new NioSocketAcceptor(processors);
  final NioSocketConnector connector = new NioSocketConnector(processors);
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "proxy-rig-timers");
    t.setDaemon(true);
    return t;
  });
  final MinaTransport transport;

  private ProxyRig(BackendPool pool, PortRange dataPorts, FtpSessionRouterBuilder router,
      Consumer<MinaTransportBuilder> settings) {
    this.pool = pool;
    this.dataPorts = dataPorts;
    MinaTransportBuilder builder = MinaTransport.builder()
        .router(router)
        .acceptor(acceptor)
        .connector(connector)
        .scheduler(scheduler)
        .listen(new InetSocketAddress(loopback(), 0));
    settings.accept(builder);
    try {
      this.transport = builder.start();
    } catch (RuntimeException e) {
      dispose();
      throw e;
    }
  }

  /** A rewrite-mode transport over {@code pool} with a fresh block of 100 data ports. */
  static ProxyRig start(BackendPool pool, Consumer<MinaTransportBuilder> settings) {
    PortRange ports = FreePorts.block(100);
    return new ProxyRig(pool, ports, FtpSessionRouter.builder().backends(pool).dataPorts(ports), settings);
  }

  /** A transport over {@code router} (which must have {@code pool} and {@code dataPorts}). */
  static ProxyRig start(BackendPool pool, PortRange dataPorts, FtpSessionRouterBuilder router,
      Consumer<MinaTransportBuilder> settings) {
    return new ProxyRig(pool, dataPorts, router, settings);
  }

  /** Health probes off, so they neither count nor mark a misbehaving backend. */
  static Consumer<MinaTransportBuilder> noProbes(Consumer<MinaTransportBuilder> more) {
    return b -> more.accept(b.healthChecks(Duration.ZERO, Duration.ofSeconds(1)));
  }

  InetSocketAddress address() {
    return transport.localAddresses().get(0);
  }

  FtpSessionRouter router() {
    return transport.router();
  }

  /** Waits until every session closed, every lease came back and no MINA session is left. */
  void awaitQuiet(Duration timeout) {
    Await.until(timeout, "no sessions, leases or MINA sessions left", () -> {
      var stats = router().dataPorts().stats();
      return transport.openSessions() == 0 && stats.leased() == 0 && stats.claimed() == 0
          && acceptor.getManagedSessionCount() == 0 && connector.getManagedSessionCount() == 0;
    }, this::state);
  }

  String state() {
    var stats = router().dataPorts().stats();
    return "openSessions=" + transport.openSessions() + " leased=" + stats.leased() + " claimed=" + stats.claimed()
        + " acceptorSessions=" + acceptor.getManagedSessionCount() + " connectorSessions="
        + connector.getManagedSessionCount();
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByName("127.0.0.1"); // a literal: no lookup
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      transport.close();
    } finally {
      dispose();
    }
  }

  private void dispose() {
    acceptor.dispose(true);
    connector.dispose(true);
    processors.dispose();
    scheduler.shutdownNow();
    ioThreads.shutdown();
    try {
      if (!scheduler.awaitTermination(5, TimeUnit.SECONDS) || !ioThreads.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new AssertionError("scheduler or I/O threads did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
