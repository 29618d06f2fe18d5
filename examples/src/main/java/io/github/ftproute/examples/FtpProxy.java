package io.github.ftproute.examples;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.DecodedCommand;
import io.github.ftproute.codec.DecodedReply;
import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpEncoder;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.codec.mina.FtpCodecFactory;
import io.github.ftproute.core.PersistenceNetmask;
import io.github.ftproute.routing.CommandDecision;
import io.github.ftproute.routing.DataAdmission;
import io.github.ftproute.routing.FtpSession;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.FtpSessionRouterBuilder;
import io.github.ftproute.routing.PersistentRoute;
import io.github.ftproute.routing.ReplyDecision;
import io.github.ftproute.routing.SessionOpening;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFilter;
import org.apache.mina.transport.socket.SocketSessionConfig;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An FTP load-balancing proxy on Apache MINA, built on {@link FtpSessionRouter}.
 *
 * <p>In rewrite mode it reads the control conversation with the ftproute codec, rewrites passive
 * replies and active commands through the router, listens on its own data ports, and splices each
 * admitted data connection to its target with backpressure. In persistence mode it reads nothing: it
 * listens on the control port and the whole passive range and sends every connection of a client to
 * that client's backend, port preserved (the backends must announce the proxy's address).
 *
 * <p>Backends that refuse connections are marked {@code DOWN} at once (the client gets {@code 421});
 * a health check every two seconds marks them {@code UP} again when they answer with a 220.
 */
public final class FtpProxy implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(FtpProxy.class);
  private static final String PROXY_SESSION = ProxySession.class.getName();
  private static final int CONTROL_IDLE_SECONDS = 300;

  private final ProxyOptions options;
  private final BackendPool backends;
  private volatile FtpSessionRouter router;
  private final FtpSessionRouterBuilder routerBuilder;
  private static final int DATA_READ_BUFFER = 64 * 1024;

  private final NioSocketAcceptor controlAcceptor = new NioSocketAcceptor();
  private final NioSocketConnector backendConnector = new NioSocketConnector();
  private final NioSocketAcceptor dataAcceptor = new NioSocketAcceptor();
  private final NioSocketConnector dataConnector = new NioSocketConnector();
  private final Map<Long, ProxySession> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService maintenance;
  private final HealthCheck healthCheck;
  private InetSocketAddress controlAddress;

  private FtpProxy(ProxyOptions options) {
    this.options = options;
    List<Backend> list = new ArrayList<>();
    for (ProxyOptions.BackendOption b : options.backends()) {
      String id = b.address().getAddress().getHostAddress() + ":" + b.address().getPort();
      list.add(new Backend(id, b.address(), b.weight(), Backend.State.UP));
    }
    this.backends = BackendPool.of(list);
    FtpSessionRouterBuilder builder = FtpSessionRouter.builder()
        .backends(backends)
        .policy(ProxyOptions.policy(options.policy()))
        .persistenceTimeout(options.persistenceTimeout())
        .persistenceNetmask(PersistenceNetmask.ofIpv4(options.persistenceNetmask()))
        .dataPorts(options.passivePorts());
    if (options.advertise() != null) {
      builder.advertisedAddress(options.advertise());
    }
    this.routerBuilder = builder;
    if (options.mode() == ProxyOptions.Mode.REWRITE) {
      this.router = builder.build();
    }
    this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "ftproute-proxy-maintenance");
      t.setDaemon(true);
      return t;
    });
    this.healthCheck = new HealthCheck(backends);
  }

  /** Starts a proxy with {@code options}; it listens when this returns. */
  public static FtpProxy start(ProxyOptions options) {
    requireNonNull(options, "options");
    FtpProxy proxy = new FtpProxy(options);
    try {
      proxy.bind();
    } catch (IOException | RuntimeException e) {
      proxy.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    return proxy;
  }

  private void bind() throws IOException {
    FtpCodec codec = FtpCodec.defaults();
    backendConnector.setConnectTimeoutMillis(5_000);
    dataConnector.setConnectTimeoutMillis(10_000);
    controlAcceptor.setReuseAddress(true);
    dataAcceptor.setReuseAddress(true);
    // Data connections carry bulk bytes: read them in 64 KiB chunks from the start instead of MINA's
    // default 2 KiB that grows only as reads fill it.
    for (SocketSessionConfig config : List.of(dataAcceptor.getSessionConfig(), dataConnector.getSessionConfig())) {
      config.setReadBufferSize(DATA_READ_BUFFER);
      config.setMinReadBufferSize(DATA_READ_BUFFER);
      config.setMaxReadBufferSize(DATA_READ_BUFFER * 4);
    }
    InetSocketAddress listen = options.listen();
    List<SocketAddress> dataPorts = new ArrayList<>();
    for (int port : options.passivePorts()) {
      dataPorts.add(new InetSocketAddress(listen.getAddress(), port));
    }
    if (options.mode() == ProxyOptions.Mode.REWRITE) {
      controlAcceptor.getFilterChain().addLast("ftp", new ProtocolCodecFilter(FtpCodecFactory.clientFacing(codec)));
      controlAcceptor.getSessionConfig().setIdleTime(IdleStatus.BOTH_IDLE, CONTROL_IDLE_SECONDS);
      controlAcceptor.setHandler(new ClientControl());
      backendConnector.getFilterChain().addLast("ftp", new ProtocolCodecFilter(FtpCodecFactory.serverFacing(codec)));
      backendConnector.setHandler(new BackendControl());
      dataAcceptor.setHandler(new DataEnd(true));
      dataConnector.setHandler(new DataEnd(false));
      controlAcceptor.bind(listen);
      controlAddress = (InetSocketAddress) controlAcceptor.getLocalAddresses().iterator().next();
      dataAcceptor.bind(dataPorts);
    } else {
      // The service's control port must be known to the router: bind it first (port 0 picks one);
      // a connection that arrives before the router exists is closed.
      controlAcceptor.setHandler(new PersistentEnd());
      dataConnector.setHandler(new DataEnd(false));
      controlAcceptor.bind(listen);
      controlAddress = (InetSocketAddress) controlAcceptor.getLocalAddresses().iterator().next();
      router = routerBuilder.persistenceService(controlAddress.getPort(), options.passivePorts()).build();
      controlAcceptor.bind(dataPorts);
    }
    maintenance.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    maintenance.scheduleWithFixedDelay(this::checkHealth, 2, 2, TimeUnit.SECONDS);
    logger.info("proxy listening on {} ({} mode, data ports {}, {} backends)", controlAddress,
        options.mode().name().toLowerCase(java.util.Locale.ROOT), options.passivePorts(), options.backends().size());
  }

  private void sweep() {
    try {
      router.sweep();
    } catch (RuntimeException e) {
      logger.warn("sweep failed", e);
    }
  }

  private void checkHealth() {
    try {
      healthCheck.run();
    } catch (RuntimeException e) {
      logger.warn("health check failed", e);
    }
  }

  /** Returns the control address the proxy listens on (with the real port if 0 was asked for). */
  public InetSocketAddress address() {
    return controlAddress;
  }

  /** Returns the router, for its statistics. */
  public FtpSessionRouter router() {
    return router;
  }

  /** Returns the backend pool, to add, remove, reweight or drain backends at run time. */
  public BackendPool backends() {
    return backends;
  }

  /** Returns the number of open client sessions. */
  public int openSessions() {
    return sessions.size();
  }

  @Override
  public void close() {
    maintenance.shutdownNow();
    controlAcceptor.unbind();
    dataAcceptor.unbind();
    for (ProxySession s : sessions.values()) {
      s.client.closeNow();
    }
    controlAcceptor.dispose(true);
    dataAcceptor.dispose(true);
    backendConnector.dispose(true);
    dataConnector.dispose(true);
  }

  // --- rewrite mode: the control connections ----------------------------------------------------

  /** After a switch to persistence (AUTH TLS), control bytes pass through a splice unread. */
  private static boolean passThrough(IoSession session, Object message) {
    Splice splice = Splice.of(session);
    if (splice == null) {
      return false;
    }
    if (message instanceof IoBuffer buffer) {
      splice.received(session, buffer);
    }
    return true;
  }

  private final class ClientControl extends IoHandlerAdapter {
    @Override
    public void sessionOpened(IoSession client) {
      InetSocketAddress remote = (InetSocketAddress) client.getRemoteAddress();
      SessionOpening opening = router.openSession(remote, (InetSocketAddress) client.getLocalAddress());
      if (opening instanceof SessionOpening.Refused refused) {
        client.write(refused.reply());
        client.closeOnFlush();
        return;
      }
      FtpSession session = ((SessionOpening.Opened) opening).session();
      ProxySession ps = new ProxySession(session, client);
      client.setAttribute(PROXY_SESSION, ps);
      sessions.put(session.id(), ps);
      client.suspendRead();
      Backend backend = session.backend();
      ConnectFuture future = backendConnector.connect(backend.endpoint(),
          (IoSession s, ConnectFuture f) -> s.setAttribute(PROXY_SESSION, ps));
      future.addListener(f -> {
        ConnectFuture connect = (ConnectFuture) f;
        if (!connect.isConnected()) {
          logger.warn("backend {} unreachable for session {}: marking it DOWN", backend.id(), session.id());
          healthCheck.markDown(backend.id());
          client.write(FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Service not available: backend unreachable, try again"));
          client.closeOnFlush();
          return;
        }
        IoSession backendSession = connect.getSession();
        ps.backend(backendSession);
        session.backendConnected((InetSocketAddress) backendSession.getLocalAddress());
        logger.info("session {} opened: client {} -> backend {} ({})", session.id(), remote, backend.id(),
            session.routeOutcome());
        Splice.resumeRead(client);
      });
    }

    @Override
    public void messageReceived(IoSession client, Object message) {
      if (passThrough(client, message)) {
        return;
      }
      ProxySession ps = (ProxySession) client.getAttribute(PROXY_SESSION);
      if (ps == null) {
        return;
      }
      CommandDecision decision = ps.session.onClientCommand((DecodedCommand) message);
      IoSession backend = ps.backend();
      decision.toClient().forEach(ps::toClient);
      if (backend != null && decision.toBackend().isPresent()) {
        var command = decision.toBackend().get();
        ps.controlBytesUp += FtpEncoder.encodedLength(command);
        backend.write(command);
      }
    }

    @Override
    public void messageSent(IoSession client, Object message) {
      Splice splice = Splice.of(client);
      if (splice != null) {
        splice.sent(client);
      }
    }

    @Override
    public void sessionIdle(IoSession client, IdleStatus status) {
      ProxySession ps = (ProxySession) client.getAttribute(PROXY_SESSION);
      if (ps != null && ps.hasOpenSplices()) {
        return; // a long transfer is moving: the control connection is not idle
      }
      client.write(FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Timeout: closing control connection"));
      client.closeOnFlush();
    }

    @Override
    public void sessionClosed(IoSession client) {
      ProxySession ps = (ProxySession) client.getAttribute(PROXY_SESSION);
      if (ps == null || !ps.markClosed()) {
        return;
      }
      IoSession backend = ps.backend();
      if (backend != null) {
        backend.closeOnFlush();
      }
      ps.session.close();
      sessions.remove(ps.session.id());
      logger.info("session {} closed: client {} backend {} control bytes {} up / {} down, data bytes {}",
          ps.session.id(), ps.session.client(), ps.session.backend().id(), ps.controlBytesUp,
          ps.controlBytesDown, ps.dataBytes);
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
      logger.debug("client connection {} failed", session.getRemoteAddress(), cause);
      session.closeNow();
    }
  }

  private final class BackendControl extends IoHandlerAdapter {
    @Override
    public void messageReceived(IoSession backend, Object message) {
      if (passThrough(backend, message)) {
        return;
      }
      ProxySession ps = (ProxySession) backend.getAttribute(PROXY_SESSION);
      if (ps == null) {
        return;
      }
      if (!(message instanceof FtpReply reply)) {
        logger.warn("backend {} sent a bad reply in session {}: {}", ps.session.backend().id(),
            ps.session.id(), message);
        ps.toClient(FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Backend protocol error"));
        backend.closeNow();
        return;
      }
      ReplyDecision decision = ps.session.onServerReply(reply);
      for (FtpReply out : decision.toClient()) {
        ps.controlBytesDown += FtpEncoder.encodedLength(out);
        ps.toClient(out);
      }
      if (decision instanceof ReplyDecision.SecureControl) {
        // This proxy does not terminate TLS: pass the encrypted bytes through and stop reading.
        ps.session.switchToPersistence();
        ps.client.getFilterChain().remove("ftp");
        backend.getFilterChain().remove("ftp");
        Splice splice = new Splice(() -> { });
        splice.attach(ps.client);
        splice.attach(backend);
      }
    }

    @Override
    public void messageSent(IoSession backend, Object message) {
      Splice splice = Splice.of(backend);
      if (splice != null) {
        splice.sent(backend);
      }
    }

    @Override
    public void sessionClosed(IoSession backend) {
      ProxySession ps = (ProxySession) backend.getAttribute(PROXY_SESSION);
      if (ps != null) {
        ps.backendClosed();
      }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
      logger.debug("backend connection {} failed", session.getRemoteAddress(), cause);
      session.closeNow();
    }
  }

  // --- data connections, and every connection in persistence mode -------------------------------

  /** Passes bytes between the two ends of a {@link Splice}. */
  private abstract static class SpliceHandler extends IoHandlerAdapter {
    @Override
    public void messageReceived(IoSession session, Object message) {
      Splice splice = Splice.of(session);
      if (splice != null) {
        splice.received(session, (IoBuffer) message);
      }
    }

    @Override
    public void messageSent(IoSession session, Object message) {
      Splice splice = Splice.of(session);
      if (splice != null) {
        splice.sent(session);
      }
    }

    @Override
    public void sessionClosed(IoSession session) {
      Splice splice = Splice.of(session);
      if (splice != null) {
        splice.closed(session);
      }
    }

    @Override
    public void exceptionCaught(IoSession session, Throwable cause) {
      logger.debug("spliced connection {} failed", session.getRemoteAddress(), cause);
      session.closeNow();
    }
  }

  /** Either end of a spliced connection; the accepting end asks the router where to go. */
  private final class DataEnd extends SpliceHandler {
    private final boolean accepting;

    DataEnd(boolean accepting) {
      this.accepting = accepting;
    }

    @Override
    public void sessionOpened(IoSession data) {
      if (!accepting) {
        return; // the connecting end was attached by its initializer
      }
      data.suspendRead();
      InetSocketAddress local = (InetSocketAddress) data.getLocalAddress();
      DataAdmission admission = router.admitData(local.getPort(), (InetSocketAddress) data.getRemoteAddress());
      if (!(admission instanceof DataAdmission.Admitted admitted)) {
        data.closeNow();
        return;
      }
      ProxySession ps = sessions.get(admitted.session().id());
      if (ps == null) {
        admitted.connection().close();
        data.closeNow();
        return;
      }
      ps.spliceOpened();
      Splice[] holder = new Splice[1];
      Splice splice = new Splice(() -> {
        List<FtpReply> due = admitted.connection().close();
        ps.spliceClosed(holder[0].bytes());
        due.forEach(ps::toClient);
      });
      holder[0] = splice;
      splice.attach(data);
      connectPeer(data, splice, admitted.target());
    }
  }

  private void connectPeer(IoSession accepted, Splice splice, InetSocketAddress target) {
    ConnectFuture future = dataConnector.connect(target, (IoSession s, ConnectFuture f) -> splice.attach(s));
    future.addListener(f -> {
      ConnectFuture connect = (ConnectFuture) f;
      if (!connect.isConnected()) {
        logger.warn("cannot reach data target {}", target);
        accepted.closeNow();
        return;
      }
      if (accepted.isClosing()) {
        connect.getSession().closeNow();
        return;
      }
      Splice.resumeRead(accepted);
    });
  }

  /** Persistence mode: every accepted connection is routed by client address and spliced. */
  private final class PersistentEnd extends SpliceHandler {
    @Override
    public void sessionOpened(IoSession accepted) {
      accepted.suspendRead();
      if (router == null) {
        accepted.closeNow();
        return;
      }
      InetSocketAddress local = (InetSocketAddress) accepted.getLocalAddress();
      PersistentRoute route = router.route((InetSocketAddress) accepted.getRemoteAddress(), local.getPort());
      if (!(route instanceof PersistentRoute.Routed routed)) {
        if (local.getPort() == controlAddress.getPort()) {
          accepted.write(IoBuffer.wrap(FtpEncoder.encode(
              FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Service not available, no server to take you"))));
        }
        accepted.closeOnFlush();
        return;
      }
      Splice splice = new Splice(routed.connection()::close);
      splice.attach(accepted);
      connectPeer(accepted, splice, routed.target());
    }
  }
}
