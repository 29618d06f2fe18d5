package io.github.ftproute.routing.mina;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.DataAdmission;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.PersistentRoute;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.health.BackendHealth;
import io.github.ftproute.routing.health.HealthPolicy;
import io.github.ftproute.routing.health.ProbeSpec;
import io.github.ftproute.codec.FtpEncoder;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.core.LeasePurpose;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves FTP through a {@link FtpSessionRouter} on Apache MINA: the control relay, the data ports,
 * admission and splicing with backpressure, passthrough after AUTH TLS, deadlines, health checks and
 * a graceful drain. Every FTP rule is the router's and the session's; this class only moves bytes.
 * Built and started by {@link #builder()}.
 *
 * <p><b>What the embedder owns.</b> The {@link NioSocketAcceptor} (control listeners and data ports)
 * and the {@link NioSocketConnector} (backend control and data connections) are the embedder's, with
 * their I/O threads; the transport sets their handler and uses them until {@link #close()}, and never
 * disposes them. Timers (affinity and lease sweeps, health probes, the drain deadline) run on the
 * embedder's {@link ScheduledExecutorService}. The transport starts no threads of its own.
 *
 * <p><b>Data ports</b> are bound on first use, when the router's allocator leases them (see {@code
 * FtpSessionRouterBuilder#portProbe}): a port another process holds is skipped and counted
 * ({@link #dataPortBindFailures()}), never a failed start. In persistence mode the whole passive range
 * is bound at start, tolerating ports that cannot be.
 *
 * <p><b>Limits.</b> Per direction of a data connection, at most about the splice's high-water mark
 * (256 KiB by default) plus one read is buffered; a control connection buffers at most 64 KiB per
 * direction before it stops reading. Each deadline sends one {@code 421}: the backend's greeting and
 * each awaited reply ({@code backendTimeout}), an idle client while no data moves
 * ({@code controlIdleTimeout}). Deadlines are checked by MINA's idle detection, to the second.
 *
 * <p>Thread-safe.
 */
public final class MinaTransport implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(MinaTransport.class);

  /** How the transport routes. */
  public enum Mode {
    /** Read the control channel, rewrite passive replies and active commands, lease data ports. */
    REWRITE,
    /** Route every connection of a client address to one backend, port preserved (IPVS style). */
    PERSISTENCE
  }

  private final NioSocketAcceptor acceptor;
  private final NioSocketConnector connector;
  private final ScheduledExecutorService scheduler;
  private final TransportConfig config;
  private final DataPortBinder binder;
  private final Set<ControlRelay> relays = ConcurrentHashMap.newKeySet();
  private final AtomicInteger persistentSessions = new AtomicInteger();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private final List<InetSocketAddress> controlAddresses = new ArrayList<>();
  private final Set<Integer> controlPorts = ConcurrentHashMap.newKeySet();
  private volatile @Nullable FtpSessionRouter router;
  private volatile @Nullable CompletableFuture<Boolean> drain;
  private volatile boolean closed;
  private @Nullable HealthChecker health;
  private @Nullable HealthPolicy healthPolicy;
  private ProbeSpec probeSpec = ProbeSpec.defaults();

  MinaTransport(NioSocketAcceptor acceptor, NioSocketConnector connector, ScheduledExecutorService scheduler,
      TransportConfig config, List<InetAddress> dataAddresses) {
    this.acceptor = acceptor;
    this.connector = connector;
    this.scheduler = scheduler;
    this.config = config;
    this.binder = new DataPortBinder(acceptor, dataAddresses);
    TransportHandler accepting = new TransportHandler(this::accept);
    acceptor.setHandler(accepting);
    acceptor.setReuseAddress(true);
    // MINA closes every session when the last bound address goes; a drain unbinds the control
    // addresses while sessions go on, and close() closes the sessions itself
    acceptor.setCloseOnDeactivation(false);
    connector.setHandler(new TransportHandler(session -> null));
    connector.setConnectTimeoutMillis(config.backendTimeoutSeconds() * 1000L);
  }

  /** Returns a builder. */
  public static MinaTransportBuilder builder() {
    return new MinaTransportBuilder();
  }

  DataPortBinder binder() {
    return binder;
  }

  TransportConfig config() {
    return config;
  }

  /** Returns the router the transport serves (built by the builder from the router builder it was given). */
  public FtpSessionRouter router() {
    FtpSessionRouter r = router;
    if (r == null) {
      throw new IllegalStateException("the transport has not started");
    }
    return r;
  }

  /** Returns the control addresses the transport listens on, with real ports where 0 was asked for. */
  public synchronized List<InetSocketAddress> localAddresses() {
    return List.copyOf(controlAddresses);
  }

  /** Returns the number of client sessions (control connections) open now. */
  public int openSessions() {
    return relays.size() + persistentSessions.get();
  }

  /** Returns how many times a data port could not be bound (held by another process); each was skipped. */
  public long dataPortBindFailures() {
    return binder.bindFailures();
  }

  /**
   * Returns the health of the backends as the transport's probes see it (counts, latencies, the last
   * result of each), or empty when health checks are off.
   */
  public Optional<BackendHealth> health() {
    HealthChecker checker = health;
    return checker == null ? Optional.empty() : Optional.of(checker.health());
  }

  // --- start ------------------------------------------------------------------------------------

  void bindControl(List<InetSocketAddress> listen) throws java.io.IOException {
    acceptor.bind(new ArrayList<SocketAddress>(listen));
    synchronized (this) {
      for (SocketAddress bound : acceptor.getLocalAddresses()) {
        InetSocketAddress address = (InetSocketAddress) bound;
        controlAddresses.add(address);
        controlPorts.add(address.getPort());
      }
    }
  }

  /** Sets the health checks to run from {@link #started}; none when never called. */
  void healthChecks(HealthPolicy policy, ProbeSpec spec) {
    this.healthPolicy = policy;
    this.probeSpec = spec;
  }

  void started(FtpSessionRouter built, @Nullable PortRange servicePorts) {
    this.router = built;
    for (int port : controlPorts) {
      if (built.dataPorts().range().contains(port)) {
        throw new IllegalArgumentException("data ports: " + built.dataPorts().range()
            + " (expected: not to contain the control port " + port + ")");
      }
    }
    if (servicePorts != null) {
      int bound = binder.bindAll(servicePorts);
      logger.info("persistence service: {} of {} passive ports bound", bound, servicePorts.size());
    }
    schedule(built::sweep, config.sweepInterval());
    HealthPolicy policy = healthPolicy;
    if (policy != null) {
      HealthChecker checker = new HealthChecker(this,
          BackendHealth.create(built.affinityTable().backends(), policy, built.ticker()), probeSpec, built.ticker());
      health = checker;
      schedule(checker::run, HealthChecker.tick(policy.interval()));
    }
  }

  private void schedule(Runnable task, Duration every) {
    long millis = Math.max(1, every.toMillis());
    timers.add(scheduler.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        logger.warn("transport timer failed", e);
      }
    }, millis, millis, TimeUnit.MILLISECONDS));
  }

  // --- connections ------------------------------------------------------------------------------

  /** Chooses the endpoint of an accepted connection by the port it arrived on. */
  private @Nullable Endpoint accept(IoSession session) {
    FtpSessionRouter r = router;
    if (r == null || closed) {
      return null;
    }
    int localPort = ((InetSocketAddress) session.getLocalAddress()).getPort();
    if (config.mode() == Mode.PERSISTENCE) {
      return persistent(r, session, localPort);
    }
    if (controlPorts.contains(localPort)) {
      return new ControlRelay(this, session);
    }
    DataAdmission admission = r.admitData(localPort, (InetSocketAddress) session.getRemoteAddress());
    if (!(admission instanceof DataAdmission.Admitted admitted)) {
      return null;
    }
    ControlRelay relay = (ControlRelay) admitted.session().attachment();
    if (relay == null) {
      admitted.connection().close();
      return null;
    }
    // passive: toward the backend, from the backend-side address; active: toward the client, from
    // the address the client dialled, so the client sees its data come from where it connected
    boolean passive = admitted.connection().purpose() == LeasePurpose.PASSIVE;
    InetAddress from = passive ? config.backendSource() : relay.clientFacingAddress().getAddress();
    return DataLink.connect(this, session, admitted.target(), from,
        passive ? DataLink.ServerSide.TARGET : DataLink.ServerSide.ACCEPTED,
        () -> relay.dataFinished(admitted.connection(), passive ? session.getReadBytes() : session.getWrittenBytes(),
            passive ? session.getWrittenBytes() : session.getReadBytes()));
  }

  private @Nullable Endpoint persistent(FtpSessionRouter r, IoSession session, int localPort) {
    PersistentRoute route = r.route((InetSocketAddress) session.getRemoteAddress(), localPort);
    boolean control = controlPorts.contains(localPort);
    if (!(route instanceof PersistentRoute.Routed routed)) {
      if (control) {
        session.write(IoBuffer.wrap(FtpEncoder.encode(
            FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Service not available, no server to take you"))));
      }
      session.closeOnFlush();
      return DataLink.ClosingEnd.INSTANCE;
    }
    if (control) {
      MinaSessions.configureControl(session, 0, IdleStatus.READER_IDLE); // unread: no FTP deadlines apply
      persistentSessions.incrementAndGet();
    }
    long opened = r.ticker().read();
    return DataLink.connect(this, session, routed.target(), config.backendSource(), DataLink.ServerSide.NONE, () -> {
      routed.connection().close();
      if (control) {
        SessionLog.persistent(session, routed, r.ticker().read() - opened);
        persistentSessions.decrementAndGet();
        checkDrained();
      }
    });
  }

  /**
   * Connects to {@code target}; {@code served} is the session the new one serves, whose processor it
   * shares when the services run on a {@link PairedProcessorPool}.
   */
  ConnectFuture connect(InetSocketAddress target, @Nullable InetAddress localAddress, @Nullable IoSession served,
      Consumer<IoSession> init) {
    InetSocketAddress local = localAddress == null ? null : new InetSocketAddress(localAddress, 0);
    return connector.connect(target, local, (session, future) -> {
      if (served != null) {
        PairedProcessorPool.pair(session, served);
      }
      init.accept(session);
    });
  }

  void register(ControlRelay relay) {
    relays.add(relay);
    if (closed) {
      relay.abort("Service not available: the proxy is shutting down");
    }
  }

  void unregister(ControlRelay relay) {
    if (relays.remove(relay)) {
      checkDrained();
    }
  }

  void backendUnreachable(Backend backend) {
    HealthChecker checker = health;
    if (checker != null) {
      checker.markDown(backend, "connection failed");
    }
  }

  // --- drain and close --------------------------------------------------------------------------

  /**
   * Stops accepting control connections and lets the open sessions finish: the returned future
   * completes with {@code true} when the last one has closed, or with {@code false} when {@code
   * timeout} passes first; either way the transport is then closed. Data ports stay open while
   * sessions drain. Calling it again returns the same future.
   */
  public synchronized CompletableFuture<Boolean> drain(Duration timeout) {
    CompletableFuture<Boolean> current = drain;
    if (current != null) {
      return current;
    }
    CompletableFuture<Boolean> future = new CompletableFuture<>();
    drain = future;
    acceptor.unbind(new ArrayList<SocketAddress>(controlAddresses));
    logger.info("draining {} sessions for up to {}", openSessions(), timeout);
    timers.add(scheduler.schedule(() -> {
      if (future.complete(false)) {
        close();
      }
    }, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS));
    checkDrained();
    return future;
  }

  private void checkDrained() {
    CompletableFuture<Boolean> future = drain;
    if (future != null && openSessions() == 0 && !future.isDone()) {
      scheduler.execute(this::close); // completes the future with true, once closed
    }
  }

  /**
   * Stops the transport now: unbinds every control and data port, cancels its timers, sends {@code
   * 421} to every client still connected and closes every connection. The acceptor and connector are
   * left to the embedder, undisposed. Closing twice is harmless.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      timers.forEach(t -> t.cancel(false));
      if (drain == null) {
        acceptor.unbind(new ArrayList<SocketAddress>(controlAddresses));
      }
    }
    binder.close();
    for (ControlRelay relay : relays) {
      relay.abort("Service not available: the proxy is shutting down");
    }
    for (IoSession session : acceptor.getManagedSessions().values()) {
      session.closeOnFlush();
    }
    for (IoSession session : connector.getManagedSessions().values()) {
      session.closeOnFlush();
    }
    CompletableFuture<Boolean> future = drain;
    if (future != null) {
      future.complete(openSessions() == 0);
    }
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }
}
