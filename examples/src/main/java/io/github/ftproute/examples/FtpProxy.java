package io.github.ftproute.examples;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.core.PersistenceNetmask;
import io.github.ftproute.metrics.FtpRouteMetrics;
import io.github.ftproute.metrics.RefusalCounter;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.FtpSessionRouterBuilder;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.mina.MinaTransport;
import io.github.ftproute.routing.mina.MinaTransportBuilder;
import io.github.ftproute.routing.mina.PairedProcessorPool;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An FTP load-balancing proxy: the command line's options turned into a router and a
 * {@link MinaTransport}, which does all the work. This class is only wiring: which addresses, which
 * backends, which policy, which threads.
 *
 * <p>In rewrite mode the transport reads the control conversation, rewrites passive replies and
 * active commands through the router, binds data ports on demand and splices each admitted data
 * connection to its target. In persistence mode it reads nothing: it listens on the control port and
 * the whole passive range and sends every connection of a client to that client's backend, port
 * preserved (the backends must announce the proxy's address).
 */
public final class FtpProxy implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(FtpProxy.class);

  private final BackendPool backends;
  // one processor per core, shared: a backend connection runs on the thread of its client connection
  private final ExecutorService ioThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "ftproute-proxy-io");
    t.setDaemon(true);
    return t;
  });
  private final PairedProcessorPool processors =
      new PairedProcessorPool(Runtime.getRuntime().availableProcessors(), ioThreads);
  private final NioSocketAcceptor acceptor = new NioSocketAcceptor(processors);
  private final NioSocketConnector connector = new NioSocketConnector(processors);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ftproute-proxy-timers");
    t.setDaemon(true);
    return t;
  });
  private final MinaTransport transport;
  private final RefusalCounter refusals = new RefusalCounter();
  private @Nullable AdminEndpoint admin;
  private @Nullable MetricsEndpoint metrics;
  private @Nullable AffinityStore store;

  private FtpProxy(ProxyOptions options) {
    List<Backend> list = new ArrayList<>();
    for (ProxyOptions.BackendOption b : options.backends()) {
      String id = b.address().getAddress().getHostAddress() + ":" + b.address().getPort();
      list.add(new Backend(id, b.address(), b.weight(), Backend.State.UP, b.proxyProtocol()));
    }
    this.backends = BackendPool.of(list);
    FtpSessionRouterBuilder router = FtpSessionRouter.builder();
    if (options.affinityStore() != null) {
      try {
        this.store = AffinityStore.connect(options.affinityStore());
      } catch (RuntimeException e) {
        disposeServices();
        throw e;
      }
      router.affinityTable(store.table(backends, ProxyOptions.policy(options.policy()), options.persistenceTimeout()));
    } else {
      router.backends(backends)
          .policy(ProxyOptions.policy(options.policy()))
          .persistenceTimeout(options.persistenceTimeout());
    }
    router
        .persistenceNetmask(PersistenceNetmask.ofIpv4(options.persistenceNetmask()))
        .maxSessionsPerClient(options.maxSessionsPerClient())
        .dataPorts(options.passivePorts())
        .quarantine(options.portQuarantine())
        .sharedPorts(options.sharePassivePorts())
        .listener(refusals);
    for (ProxyOptions.AdvertiseFor a : options.advertiseFor()) {
      router.advertiseFor(a.clients(), a.address());
    }
    if (options.advertise() != null) {
      router.advertisedAddress(options.advertise());
    }
    MinaTransportBuilder builder = MinaTransport.builder()
        .router(router)
        .acceptor(acceptor)
        .connector(connector)
        .scheduler(scheduler)
        .listen(options.listen())
        .controlIdleTimeout(options.controlIdleTimeout())
        .backendTimeout(options.backendTimeout());
    if (!options.proxyProtocolFrom().isEmpty()) {
      builder.proxyProtocolFrom(options.proxyProtocolFrom());
    }
    if (options.backendSource() != null) {
      builder.backendSource(options.backendSource());
    }
    if (options.mode() == ProxyOptions.Mode.PERSISTENCE) {
      builder.persistence(options.passivePorts());
    }
    try {
      this.transport = builder.start();
    } catch (RuntimeException e) {
      disposeServices();
      throw e;
    }
    try {
      if (options.admin() != null) {
        admin = AdminEndpoint.start(options.admin(), backends, transport.health());
      }
      if (options.metrics() != null) {
        FtpRouteMetrics binder = FtpRouteMetrics.of(transport.router()).withRefusals(refusals);
        metrics = MetricsEndpoint.start(options.metrics(), transport.health().map(binder::withHealth).orElse(binder));
      }
    } catch (RuntimeException e) {
      transport.close();
      disposeServices();
      throw e;
    }
    logger.info("proxy listening on {} ({} mode, data ports {}, {} backends)", address(),
        options.mode().name().toLowerCase(Locale.ROOT), options.passivePorts(), list.size());
  }

  /** Starts a proxy with {@code options}; it listens when this returns. */
  public static FtpProxy start(ProxyOptions options) {
    return new FtpProxy(requireNonNull(options, "options"));
  }

  /** Returns the control address the proxy listens on (with the real port if 0 was asked for). */
  public InetSocketAddress address() {
    return transport.localAddresses().get(0);
  }

  /** Returns the router, for its statistics. */
  public FtpSessionRouter router() {
    return transport.router();
  }

  /** Returns the backend pool, to add, remove, reweight or drain backends at run time. */
  public BackendPool backends() {
    return backends;
  }

  /** Returns the transport, for its own figures. */
  public MinaTransport transport() {
    return transport;
  }

  /** Returns the number of open client sessions. */
  public int openSessions() {
    return transport.openSessions();
  }

  /** Stops accepting, lets sessions finish for up to {@code timeout}, then closes; see {@link MinaTransport#drain}. */
  public CompletableFuture<Boolean> drain(Duration timeout) {
    // disposing the MINA services waits for their threads: never do it on one of them
    return transport.drain(timeout).whenComplete((drained, failure) ->
        new Thread(this::disposeServices, "ftproute-proxy-dispose").start());
  }

  @Override
  public void close() {
    transport.close();
    disposeServices();
  }

  /** Returns the admin endpoint's address, if {@code --admin} was given. */
  public Optional<InetSocketAddress> adminAddress() {
    return Optional.ofNullable(admin).map(AdminEndpoint::address);
  }

  /** Returns the metrics endpoint's address, if {@code --metrics} was given. */
  public Optional<InetSocketAddress> metricsAddress() {
    return Optional.ofNullable(metrics).map(MetricsEndpoint::address);
  }

  private void disposeServices() {
    if (admin != null) {
      admin.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    scheduler.shutdownNow();
    if (store != null) {
      store.close();
    }
    acceptor.dispose(true);
    connector.dispose(true);
    processors.dispose();
    ioThreads.shutdown();
  }
}
