package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.core.ClaimResult;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.core.DataPortAllocator;
import io.github.ftproute.core.PersistenceNetmask;
import io.github.ftproute.core.PortLease;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.internal.RateLimitedLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the control and data connections of FTP sessions to backends: the one object a transport
 * asks what to do. It owns no sockets and starts no threads; the transport does the I/O (the MINA
 * transport in {@code io.github.ftproute.routing.mina} is one).
 *
 * <p><b>Rewriting mode</b> (an application-level proxy that reads the control channel):
 *
 * <ol>
 *   <li>{@link #openSession} when a client connects: the affinity table gives the client's backend
 *       (or the selection policy picks one and the table records it);
 *   <li>{@link FtpSession#onClientCommand} for every line from the client and
 *       {@link FtpSession#onServerReply} for every reply from the backend: each decision says what to
 *       send where, and which data port to listen on;
 *   <li>{@link #admitData} when a data connection arrives on a leased port: it is admitted only if the
 *       lease is live and unused and the peer is the one the lease expects, and the transport splices
 *       it to the returned target and, when it has delivered its last byte, calls
 *       {@link DataConnection#close()} and writes the replies that returns;
 *   <li>{@link FtpSession#close()} when the control connection closes: leases come back, the affinity
 *       entry starts its persistence timeout.
 * </ol>
 *
 * <p><b>Persistence mode</b> (the Linux IPVS way, no payload inspection, FTPS-safe): {@link #route}
 * sends every connection a client makes to the service (its control port and its passive port range)
 * to the client's backend, port preserved.
 *
 * <p>Everything is configured through {@link #builder()}; see {@link FtpSessionRouterBuilder} for
 * defaults. The router is thread-safe: sessions may be opened, driven and closed on any threads; each
 * {@link FtpSession} serialises its own calls. Time comes from the configured {@link Ticker}; expiry
 * happens on access and in {@link #sweep()}, which the embedder may call periodically (the MINA
 * transport does, on the embedder's scheduler).
 */
public final class FtpSessionRouter {
  private static final Logger logger = LoggerFactory.getLogger(FtpSessionRouter.class);

  /** Default most sessions one client key may hold at once. */
  public static final int DEFAULT_MAX_SESSIONS_PER_CLIENT = 64;
  /** Default lowest port a client may name in PORT, EPRT or LPRT (RFC 2577 §3). */
  public static final int DEFAULT_MINIMUM_ACTIVE_PORT = 1024;
  /** Default lowest port a backend may announce in a passive reply. */
  public static final int DEFAULT_MINIMUM_PASSIVE_PORT = 1024;
  /** Default most data setups (leases) one session may make per second, as a burst. */
  public static final int DEFAULT_MAX_LEASES_PER_SESSION = 256;

  private final AffinityTable table;
  private final DataPortAllocator allocator;
  private final PersistenceNetmask netmask;
  private final SessionRules rules;
  private final RouterCounters counters;
  private final RouterListener listener;
  private final Ticker ticker;
  private final int maxSessionsPerClient;
  private final int serviceControlPort;
  private final @Nullable PortRange servicePorts;
  private final RateLimitedLog refusals;
  private final Map<ClientKey, Integer> sessionsPerClient = new ConcurrentHashMap<>();
  private final AtomicLong sessionIds = new AtomicLong();

  FtpSessionRouter(AffinityTable table, DataPortAllocator allocator, PersistenceNetmask netmask, SessionRules rules,
      @Nullable RouterListener listener, Ticker ticker, int maxSessionsPerClient, int serviceControlPort,
      @Nullable PortRange servicePorts) {
    this.table = table;
    this.allocator = allocator;
    this.netmask = netmask;
    this.rules = rules;
    this.counters = new RouterCounters();
    this.listener = new GuardedListener(counters, listener == null ? new RouterListener() {} : listener, listener != null);
    this.ticker = ticker;
    this.maxSessionsPerClient = maxSessionsPerClient;
    this.serviceControlPort = serviceControlPort;
    this.servicePorts = servicePorts;
    this.refusals = new RateLimitedLog(logger, ticker, Duration.ofSeconds(1));
  }

  /** Returns a new builder. */
  public static FtpSessionRouterBuilder builder() {
    return new FtpSessionRouterBuilder();
  }

  /** Opens a session without an attachment; see {@link #openSession(InetSocketAddress, InetSocketAddress, Object)}. */
  public SessionOpening openSession(InetSocketAddress client, InetSocketAddress listener) {
    return openSession(client, listener, null);
  }

  /**
   * Opens a session for a client that connected to {@code listener}: routes it through the affinity
   * table. The transport then connects to {@link FtpSession#backend()}, calls
   * {@link FtpSession#backendConnected}, and drives the session.
   *
   * @param client the client's address and port, as the proxy sees the control connection
   * @param listener the proxy's local address and port of that connection (the address the client
   *     dialled, which passive replies announce unless an advertised address is configured)
   * @param attachment the embedder's object for the session, returned by {@link FtpSession#attachment()}
   *     and so reachable from every admitted data connection; may be null
   * @return the session, or a refusal with the {@code 421} to send before closing
   * @throws IllegalArgumentException if an address is unresolved
   */
  public SessionOpening openSession(InetSocketAddress client, InetSocketAddress listener, @Nullable Object attachment) {
    requireNonNull(client, "client");
    requireNonNull(listener, "listener");
    ClientKey key = netmask.keyOf(requireResolved(client, "client"));
    requireResolved(listener, "listener");
    if (!acquireSessionSlot(key)) {
      return refuse(client, SessionOpening.Reason.CLIENT_SESSION_LIMIT,
          FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Too many connections from your address"));
    }
    Route route = table.open(key);
    if (!(route instanceof Routed routed)) {
      releaseSessionSlot(key);
      return refuse(client, SessionOpening.Reason.NO_BACKEND,
          FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Service not available, no server to take you"));
    }
    FtpSession session = new FtpSession(this, rules, allocator, this.listener, ticker, sessionIds.incrementAndGet(),
        client, listener, key, routed, attachment);
    this.listener.sessionOpened(session);
    return new SessionOpening.Opened(session);
  }

  private SessionOpening refuse(InetSocketAddress client, SessionOpening.Reason reason, FtpReply reply) {
    refusals.warn("session refused: {} {}", client, reason);
    listener.sessionRefused(client, reason);
    return new SessionOpening.Refused(reason, reply);
  }

  /** Counts one more session for {@code key}, atomically with the check against the limit. */
  private boolean acquireSessionSlot(ClientKey key) {
    boolean[] acquired = {false};
    sessionsPerClient.compute(key, (k, n) -> {
      int held = n == null ? 0 : n;
      if (held >= maxSessionsPerClient) {
        return n;
      }
      acquired[0] = true;
      return held + 1;
    });
    return acquired[0];
  }

  private void releaseSessionSlot(ClientKey key) {
    sessionsPerClient.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Returns how many sessions {@code key} holds now (for tests and diagnostics). */
  int sessionsHeldBy(ClientKey key) {
    Integer n = sessionsPerClient.get(key);
    return n == null ? 0 : n;
  }

  /**
   * Decides whether a data connection that arrived on {@code localPort} from {@code remote} may go
   * on: it must match a live, unused lease, from the peer the lease expects (the client for passive
   * transfers, the backend for active ones). One lookup finds the lease, its session and the session's
   * attachment.
   *
   * @return where to splice it, or why to close it; refusals are counted and logged (at most one
   *     WARN line per second)
   */
  public DataAdmission admitData(int localPort, InetSocketAddress remote) {
    requireNonNull(remote, "remote");
    InetAddress remoteAddress = requireResolved(remote, "remote");
    ClaimResult claim = allocator.claim(localPort, remoteAddress);
    if (claim instanceof ClaimResult.Claimed claimed) {
      PortLease lease = claimed.lease();
      if (lease.attachment() instanceof FtpSession session) {
        DataConnection connection = session.admitted(lease);
        if (connection != null) {
          listener.dataAdmitted(session, localPort, remote);
          return new DataAdmission.Admitted(lease.target(), session, connection);
        }
      }
      lease.close(); // the session closed in the meantime
      return refuseData(localPort, remote, DataRefusal.UNKNOWN_PORT);
    }
    DataRefusal reason = switch (((ClaimResult.Refused) claim).reason()) {
      case NO_LEASE -> DataRefusal.UNKNOWN_PORT;
      case EXPIRED -> DataRefusal.EXPIRED;
      case ALREADY_CLAIMED -> DataRefusal.ALREADY_USED;
      case FOREIGN_PEER -> DataRefusal.FOREIGN_PEER;
    };
    return refuseData(localPort, remote, reason);
  }

  private DataAdmission refuseData(int port, InetSocketAddress remote, DataRefusal reason) {
    refusals.warn("data connection refused on port {} from {}: {}", port, remote, reason);
    listener.dataRefused(port, remote, reason);
    return new DataAdmission.Refused(reason);
  }

  /**
   * Routes a connection in persistence mode: {@code localPort} must be the service's control port or
   * in its data port range (see {@link FtpSessionRouterBuilder#persistenceService}); the connection
   * goes to the client's backend, which the affinity table keeps while any connection of the client is
   * open and for the persistence timeout after.
   *
   * @throws IllegalStateException if no persistence service was configured
   */
  public PersistentRoute route(InetSocketAddress client, int localPort) {
    requireNonNull(client, "client");
    PortRange ports = servicePorts;
    if (ports == null) {
      throw new IllegalStateException("no persistence service configured (see FtpSessionRouterBuilder.persistenceService)");
    }
    if (localPort != serviceControlPort && !ports.contains(localPort)) {
      return new PersistentRoute.NotInService(localPort);
    }
    ClientKey key = netmask.keyOf(requireResolved(client, "client"));
    Route route = table.open(key);
    if (!(route instanceof Routed routed)) {
      return new PersistentRoute.Unavailable();
    }
    Backend backend = routed.backend();
    InetSocketAddress target = localPort == serviceControlPort ? backend.endpoint()
        : new InetSocketAddress(backend.endpoint().getAddress(), localPort);
    return new PersistentRoute.Routed(backend, target, new PersistentConnection(table, key, routed));
  }

  /** Returns whether {@link #route} is configured, and so whether this router serves persistence mode. */
  public boolean servesPersistence() {
    return servicePorts != null;
  }

  /** Expires idle affinity entries and unclaimed leases now; returns the number of affinity entries removed. */
  public long sweep() {
    allocator.sweep();
    return table.sweep();
  }

  /**
   * Returns the data traffic routed to backend {@code backendId} since the router was built: the
   * data connections that ended and the bytes they moved each way, as the transport reported them
   * to {@link DataConnection#close(long, long)}. Zeros for an id that carried no data. Thread-safe;
   * each count is read on its own, so a snapshot taken during traffic may mix two instants.
   */
  public BackendTraffic traffic(String backendId) {
    return counters.traffic(requireNonNull(backendId, "backendId"));
  }

  /** Returns a snapshot of the counters. */
  public RouterStats stats() {
    return counters.snapshot();
  }

  /** Returns the affinity table the router routes with (for its stats and backends). */
  public AffinityTable affinityTable() {
    return table;
  }

  /** Returns the data-port allocator the router leases from (for its stats). */
  public DataPortAllocator dataPorts() {
    return allocator;
  }

  /** Returns the netmask under which client addresses become keys. */
  public PersistenceNetmask persistenceNetmask() {
    return netmask;
  }

  /** Returns the router's time source. */
  public Ticker ticker() {
    return ticker;
  }

  void sessionClosed(FtpSession session, Routed routed) {
    table.close(session.clientKey(), routed);
    releaseSessionSlot(session.clientKey());
    listener.sessionClosed(session);
  }

  private static InetAddress requireResolved(InetSocketAddress address, String name) {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      throw new IllegalArgumentException(name + ": " + address + " (expected: a resolved address)");
    }
    return ip;
  }
}
