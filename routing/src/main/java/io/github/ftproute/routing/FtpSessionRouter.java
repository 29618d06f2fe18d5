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
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.Route;
import io.github.ftproute.routing.affinity.Routed;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import io.github.ftproute.routing.internal.RateLimitedLog;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the control and data connections of FTP sessions to backends: the one object a proxy asks
 * what to do. It owns no sockets and starts no threads; the proxy does the I/O.
 *
 * <p><b>Rewriting mode</b> (an application-level proxy that reads the control channel):
 *
 * <ol>
 *   <li>{@link #openSession} when a client connects: the affinity table gives the client's backend
 *       (or the selection policy picks one and the table records it);
 *   <li>{@link FtpSession#onClientCommand} for every line from the client and
 *       {@link FtpSession#onServerReply} for every reply from the backend: each returns what to send
 *       where. Passive replies (227, 228, 229) are rewritten to the proxy's address and a leased data
 *       port; active commands (PORT, EPRT, LPRT) are checked against bounce attacks and rewritten to
 *       the proxy's backend-facing address and a leased port;
 *   <li>{@link #admitData} when a data connection arrives on a leased port: it is admitted only if the
 *       lease is live and unused and the peer is the one the lease expects, and the proxy splices it to
 *       the returned target;
 *   <li>{@link FtpSession#close()} when the control connection closes: leases come back, the affinity
 *       entry starts its persistence timeout.
 * </ol>
 *
 * <p><b>Persistence mode</b> (the Linux IPVS way, no payload inspection, FTPS-safe): {@link #route}
 * sends every connection a client makes to the service (its control port and its passive port range)
 * to the client's backend, port preserved.
 *
 * <p>Everything is configured through {@link #builder()}; see {@link Builder} for defaults. The router
 * is thread-safe: sessions may be opened, driven and closed on any threads; each {@link FtpSession}
 * serialises its own calls. Time comes from the configured {@link Ticker}; expiry happens on access
 * and in {@link #sweep()}, which the embedder may call periodically.
 */
public final class FtpSessionRouter {
  private static final Logger logger = LoggerFactory.getLogger(FtpSessionRouter.class);

  /** Default most sessions one client key may hold at once. */
  public static final int DEFAULT_MAX_SESSIONS_PER_CLIENT = 64;
  /** Default lowest port a client may name in PORT, EPRT or LPRT (RFC 2577 §3). */
  public static final int DEFAULT_MINIMUM_ACTIVE_PORT = 1024;

  final AffinityTable table;
  final DataPortAllocator allocator;
  final PersistenceNetmask netmask;
  final RouterListener listener;
  final boolean trustAnnouncedAddress;
  final boolean replaceForeignActiveAddress;
  final int minimumActivePort;
  private final int maxSessionsPerClient;
  private final List<Advertisement> advertisements;
  private final @Nullable InetAddress advertisedDefault;
  private final int serviceControlPort;
  private final @Nullable PortRange servicePorts;
  private final RateLimitedLog refusals;

  private final Map<ClientKey, AtomicInteger> sessionsPerClient = new ConcurrentHashMap<>();
  private final Map<PortLease, FtpSession> leaseOwners = new ConcurrentHashMap<>();
  private final AtomicLong sessionIds = new AtomicLong();
  final LongAdder sessionsOpened = new LongAdder();
  private final LongAdder sessionsRefused = new LongAdder();
  private final LongAdder activeSessions = new LongAdder();
  final LongAdder leasesIssued = new LongAdder();
  final LongAdder leasesRefused = new LongAdder();
  private final LongAdder dataAdmitted = new LongAdder();
  private final LongAdder dataRefused = new LongAdder();
  final LongAdder commandsRefused = new LongAdder();

  private FtpSessionRouter(Builder b, AffinityTable table, DataPortAllocator allocator, Ticker ticker) {
    this.table = table;
    this.allocator = allocator;
    this.netmask = b.netmask;
    this.listener = new SafeListener(b.listener);
    this.trustAnnouncedAddress = b.trustAnnouncedAddress;
    this.replaceForeignActiveAddress = b.replaceForeignActiveAddress;
    this.minimumActivePort = b.minimumActivePort;
    this.maxSessionsPerClient = b.maxSessionsPerClient;
    this.advertisements = List.copyOf(b.advertisements);
    this.advertisedDefault = b.advertisedDefault;
    this.serviceControlPort = b.serviceControlPort;
    this.servicePorts = b.servicePorts;
    this.refusals = new RateLimitedLog(logger, ticker, Duration.ofSeconds(1));
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a session for a client that connected to {@code listener}: routes it through the affinity
   * table. The proxy then connects to {@link FtpSession#backend()}, calls
   * {@link FtpSession#backendConnected}, and drives the session.
   *
   * @param client the client's address and port, as the proxy sees the control connection
   * @param listener the proxy's local address and port of that connection (the address the client
   *     dialled, which passive replies announce unless an advertised address is configured)
   * @return the session, or a refusal with the {@code 421} to send before closing
   */
  public SessionOpening openSession(InetSocketAddress client, InetSocketAddress listener) {
    requireNonNull(client, "client");
    requireNonNull(listener, "listener");
    InetAddress clientAddress = requireResolved(client, "client");
    ClientKey key = netmask.keyOf(clientAddress);
    AtomicInteger count = sessionsPerClient.computeIfAbsent(key, k -> new AtomicInteger());
    if (count.incrementAndGet() > maxSessionsPerClient) {
      releaseSessionSlot(key);
      return refuse(client, SessionOpening.Reason.CLIENT_SESSION_LIMIT,
          FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Too many connections from your address"));
    }
    Route route = table.open(key);
    if (!(route instanceof Routed routed)) {
      releaseSessionSlot(key);
      return refuse(client, SessionOpening.Reason.NO_BACKEND,
          FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Service not available, no server to take you"));
    }
    FtpSession session = new FtpSession(this, sessionIds.incrementAndGet(), client, listener, key, routed);
    sessionsOpened.increment();
    activeSessions.increment();
    this.listener.sessionOpened(session);
    return new SessionOpening.Opened(session);
  }

  private SessionOpening refuse(InetSocketAddress client, SessionOpening.Reason reason, FtpReply reply) {
    sessionsRefused.increment();
    refusals.warn("session refused: {} {}", client, reason);
    listener.sessionRefused(client, reason);
    return new SessionOpening.Refused(reason, reply);
  }

  private void releaseSessionSlot(ClientKey key) {
    sessionsPerClient.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  /**
   * Decides whether a data connection that arrived on {@code localPort} from {@code remote} may go
   * on: it must match a live, unused lease, from the peer the lease expects (the client for passive
   * transfers, the backend for active ones).
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
      FtpSession session = leaseOwners.get(lease);
      if (session != null) {
        dataAdmitted.increment();
        listener.dataAdmitted(session, localPort, remote);
        return new DataAdmission.Admitted(lease.target(), session, new DataConnection(this, lease));
      }
      lease.close(); // the session let go of it in the meantime
      return refuseData(localPort, remote, DataRefusal.UNKNOWN_PORT);
    }
    ClaimResult.Refused refused = (ClaimResult.Refused) claim;
    DataRefusal reason = switch (refused.reason()) {
      case NO_LEASE -> DataRefusal.UNKNOWN_PORT;
      case EXPIRED -> DataRefusal.EXPIRED;
      case ALREADY_CLAIMED -> DataRefusal.ALREADY_USED;
      case FOREIGN_PEER -> DataRefusal.FOREIGN_PEER;
    };
    return refuseData(localPort, remote, reason);
  }

  private DataAdmission refuseData(int port, InetSocketAddress remote, DataRefusal reason) {
    dataRefused.increment();
    refusals.warn("data connection refused on port {} from {}: {}", port, remote, reason);
    listener.dataRefused(port, remote, reason);
    return new DataAdmission.Refused(reason);
  }

  /**
   * Routes a connection in persistence mode: {@code localPort} must be the service's control port or
   * in its data port range (see {@link Builder#persistenceService}); the connection goes to the
   * client's backend, which the affinity table keeps while any connection of the client is open and
   * for the persistence timeout after.
   *
   * @throws IllegalStateException if no persistence service was configured
   */
  public PersistentRoute route(InetSocketAddress client, int localPort) {
    requireNonNull(client, "client");
    PortRange ports = servicePorts;
    if (ports == null) {
      throw new IllegalStateException("no persistence service configured (see Builder.persistenceService)");
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

  /** Expires idle affinity entries and unclaimed leases now; returns the number of affinity entries removed. */
  public long sweep() {
    allocator.sweep();
    return table.sweep();
  }

  /** Returns a snapshot of the counters. */
  public RouterStats stats() {
    return new RouterStats(sessionsOpened.sum(), sessionsRefused.sum(), activeSessions.sum(),
        leasesIssued.sum(), leasesRefused.sum(), dataAdmitted.sum(), dataRefused.sum(),
        commandsRefused.sum());
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

  // --- called by sessions ----------------------------------------------------------------------

  void leased(PortLease lease, FtpSession session) {
    leaseOwners.put(lease, session);
    leasesIssued.increment();
  }

  void released(PortLease lease) {
    leaseOwners.remove(lease);
    lease.close();
  }

  void sessionClosed(FtpSession session, Routed routed) {
    table.close(session.clientKey(), routed);
    releaseSessionSlot(session.clientKey());
    activeSessions.decrement();
    listener.sessionClosed(session);
  }

  /**
   * Returns the address to announce in a passive reply to a client connected to {@code local}:
   * a configured one for that listener (of the wanted family when {@code ipv4Only}), else the
   * configured default, else the local address itself. Null if {@code ipv4Only} and none is IPv4.
   */
  @Nullable InetAddress advertisedAddress(InetSocketAddress local, boolean ipv4Only) {
    for (Advertisement a : advertisements) {
      if (a.matches(local) && (!ipv4Only || a.address().getAddress().length == 4)) {
        return a.address();
      }
    }
    InetAddress fallback = advertisedDefault != null ? advertisedDefault : local.getAddress();
    if (ipv4Only && fallback.getAddress().length != 4) {
      return null;
    }
    return fallback;
  }

  private static InetAddress requireResolved(InetSocketAddress address, String name) {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      throw new IllegalArgumentException(name + ": " + address + " (expected: a resolved address)");
    }
    return ip;
  }

  /** An advertised address for the listeners on one local address (or any address) and port. */
  record Advertisement(@Nullable InetAddress listenerAddress, int listenerPort, InetAddress address) {
    boolean matches(InetSocketAddress local) {
      return local.getPort() == listenerPort
          && (listenerAddress == null || listenerAddress.equals(local.getAddress()));
    }
  }

  /** Shields the router from a listener that throws. */
  private record SafeListener(RouterListener delegate) implements RouterListener {
    private void guard(Runnable call) {
      try {
        call.run();
      } catch (RuntimeException e) {
        logger.warn("router listener {} threw", delegate, e);
      }
    }

    @Override
    public void sessionOpened(FtpSession session) {
      guard(() -> delegate.sessionOpened(session));
    }

    @Override
    public void sessionRefused(InetSocketAddress client, SessionOpening.Reason reason) {
      guard(() -> delegate.sessionRefused(client, reason));
    }

    @Override
    public void sessionClosed(FtpSession session) {
      guard(() -> delegate.sessionClosed(session));
    }

    @Override
    public void leaseIssued(FtpSession session, int port, InetSocketAddress target) {
      guard(() -> delegate.leaseIssued(session, port, target));
    }

    @Override
    public void leaseRefused(FtpSession session, FtpReply reply) {
      guard(() -> delegate.leaseRefused(session, reply));
    }

    @Override
    public void dataAdmitted(FtpSession session, int port, InetSocketAddress remote) {
      guard(() -> delegate.dataAdmitted(session, port, remote));
    }

    @Override
    public void dataRefused(int port, InetSocketAddress remote, DataRefusal reason) {
      guard(() -> delegate.dataRefused(port, remote, reason));
    }

    @Override
    public void commandRefused(FtpSession session, io.github.ftproute.codec.FtpCommand command, FtpReply reply) {
      guard(() -> delegate.commandRefused(session, command, reply));
    }
  }

  /**
   * Collects the router's settings. Each may be set once (a second call throws
   * {@link IllegalStateException}); bad values throw {@link IllegalArgumentException}.
   *
   * <table>
   *   <caption>Settings</caption>
   *   <tr><th>setting</th><th>default</th></tr>
   *   <tr><td>{@link #affinityTable} or {@link #backends} (+ {@link #policy},
   *       {@link #persistenceTimeout}, {@link #maxAffinityEntries})</td><td>required; Maglev,
   *       300 s, 1,000,000 entries</td></tr>
   *   <tr><td>{@link #dataPortAllocator} or {@link #dataPorts} (+ {@link #dataAcceptTimeout},
   *       {@link #portQuarantine}, {@link #maxLeasesPerClient})</td><td>required; 30 s, 10 s,
   *       16</td></tr>
   *   <tr><td>{@link #persistenceNetmask}</td><td>{@code /32}, {@code /128}</td></tr>
   *   <tr><td>{@link #advertise}, {@link #advertisedAddress}</td><td>the address the client
   *       dialled</td></tr>
   *   <tr><td>{@link #trustAnnouncedAddress}</td><td>false: data goes to the backend's control
   *       address</td></tr>
   *   <tr><td>{@link #minimumActivePort}</td><td>{@value #DEFAULT_MINIMUM_ACTIVE_PORT}</td></tr>
   *   <tr><td>{@link #replaceForeignActiveAddress}</td><td>false: a foreign PORT address is
   *       refused</td></tr>
   *   <tr><td>{@link #maxSessionsPerClient}</td><td>{@value #DEFAULT_MAX_SESSIONS_PER_CLIENT}</td></tr>
   *   <tr><td>{@link #persistenceService}</td><td>none ({@link #route} unavailable)</td></tr>
   *   <tr><td>{@link #ticker}</td><td>{@link Ticker#systemTicker()}</td></tr>
   *   <tr><td>{@link #listener}</td><td>none</td></tr>
   * </table>
   */
  public static final class Builder {
    private @Nullable AffinityTable table;
    private @Nullable BackendPool backends;
    private @Nullable SelectionPolicy policy;
    private @Nullable Duration persistenceTimeout;
    private long maxAffinityEntries = -1;
    private @Nullable DataPortAllocator allocator;
    private @Nullable PortRange dataPorts;
    private @Nullable Duration acceptTimeout;
    private @Nullable Duration quarantine;
    private int maxLeasesPerClient = -1;
    private PersistenceNetmask netmask = PersistenceNetmask.NONE;
    private final List<Advertisement> advertisements = new ArrayList<>();
    private @Nullable InetAddress advertisedDefault;
    private boolean trustAnnouncedAddress;
    private boolean replaceForeignActiveAddress;
    private int minimumActivePort = DEFAULT_MINIMUM_ACTIVE_PORT;
    private int maxSessionsPerClient = DEFAULT_MAX_SESSIONS_PER_CLIENT;
    private int serviceControlPort = -1;
    private @Nullable PortRange servicePorts;
    private @Nullable Ticker ticker;
    private RouterListener listener = new RouterListener() {};
    private long set;

    private Builder() {}

    private void once(int bit, String name) {
      if ((set & (1L << bit)) != 0) {
        throw new IllegalStateException(name + " was already set");
      }
      set |= 1L << bit;
    }

    private boolean isSet(int bit) {
      return (set & (1L << bit)) != 0;
    }

    /** Uses an affinity table built elsewhere (then backends, policy, timeout and size are its own). */
    public Builder affinityTable(AffinityTable table) {
      once(0, "affinityTable");
      this.table = requireNonNull(table, "table");
      return this;
    }

    /** Sets the backends; the router builds its affinity table over them. */
    public Builder backends(BackendPool backends) {
      once(1, "backends");
      this.backends = requireNonNull(backends, "backends");
      return this;
    }

    /** Sets the policy that picks a backend for a client without affinity. Default Maglev. */
    public Builder policy(SelectionPolicy policy) {
      once(2, "policy");
      this.policy = requireNonNull(policy, "policy");
      return this;
    }

    /** Sets how long a client's affinity outlives its last connection. Default 300 s. */
    public Builder persistenceTimeout(Duration timeout) {
      once(3, "persistenceTimeout");
      this.persistenceTimeout = requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets the most affinity entries kept. Default 1,000,000. */
    public Builder maxAffinityEntries(long entries) {
      once(4, "maxAffinityEntries");
      this.maxAffinityEntries = entries;
      return this;
    }

    /** Uses a data-port allocator built elsewhere (then ports, timeouts and limits are its own). */
    public Builder dataPortAllocator(DataPortAllocator allocator) {
      once(5, "dataPortAllocator");
      this.allocator = requireNonNull(allocator, "allocator");
      return this;
    }

    /** Sets the proxy's own ports for data connections; the router builds its allocator over them. */
    public Builder dataPorts(PortRange ports) {
      once(6, "dataPorts");
      this.dataPorts = requireNonNull(ports, "ports");
      return this;
    }

    /** Sets how long a leased data port waits for its connection. Default 30 s. */
    public Builder dataAcceptTimeout(Duration timeout) {
      once(7, "dataAcceptTimeout");
      this.acceptTimeout = requireNonNull(timeout, "timeout");
      return this;
    }

    /** Sets how long a released data port rests before it is leased again. Default 10 s. */
    public Builder portQuarantine(Duration quarantine) {
      once(8, "portQuarantine");
      this.quarantine = requireNonNull(quarantine, "quarantine");
      return this;
    }

    /** Sets the most data-port leases one client key holds at once. Default 16. */
    public Builder maxLeasesPerClient(int leases) {
      once(9, "maxLeasesPerClient");
      this.maxLeasesPerClient = leases;
      return this;
    }

    /** Sets the netmask under which client addresses share affinity. Default {@code /32, /128}. */
    public Builder persistenceNetmask(PersistenceNetmask netmask) {
      once(10, "persistenceNetmask");
      this.netmask = requireNonNull(netmask, "netmask");
      return this;
    }

    /**
     * Announces {@code address} in passive replies to clients of the listener on {@code listener}
     * (a wildcard listener address matches every local address on that port). May be called for
     * several listeners, and twice for one listener to give an IPv4 and an IPv6 address: a 227 takes
     * the IPv4 one.
     */
    public Builder advertise(InetSocketAddress listener, InetAddress address) {
      requireNonNull(listener, "listener");
      requireNonNull(address, "address");
      InetAddress bound = listener.getAddress();
      boolean wildcard = bound == null || bound.isAnyLocalAddress();
      advertisements.add(new Advertisement(wildcard ? null : bound, listener.getPort(), address));
      return this;
    }

    /**
     * Announces {@code address} in passive replies of every listener without its own
     * {@link #advertise} entry. By default the router announces the local address of each control
     * connection, the address the client dialled, which is right behind DNS round robin and cloud
     * load balancers; set a fixed address only when that local address is not reachable by clients.
     */
    public Builder advertisedAddress(InetAddress address) {
      once(11, "advertisedAddress");
      this.advertisedDefault = requireNonNull(address, "address");
      return this;
    }

    /**
     * Sets whether data connections go to the address a backend announces in its 227/228 reply.
     * Default false: they go to the backend's control address with the announced port, so a backend
     * behind NAT that announces a private address still works, and a backend cannot steer the proxy
     * to another host (the lesson of Commons Net's CVE-2021-37533).
     */
    public Builder trustAnnouncedAddress(boolean trust) {
      once(12, "trustAnnouncedAddress");
      this.trustAnnouncedAddress = trust;
      return this;
    }

    /**
     * Sets the lowest port a client may name in PORT, EPRT or LPRT. Default
     * {@value FtpSessionRouter#DEFAULT_MINIMUM_ACTIVE_PORT}, as RFC 2577 §3 advises; 1 allows all.
     *
     * @throws IllegalArgumentException if not in 1..65535
     */
    public Builder minimumActivePort(int port) {
      once(13, "minimumActivePort");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("minimumActivePort: " + port + " (expected: 1..65535)");
      }
      this.minimumActivePort = port;
      return this;
    }

    /**
     * Sets what happens when a client's PORT, EPRT or LPRT names an address other than its own.
     * Default false: refused with {@code 504} (RFC 2577 bounce protection). True: the address is
     * replaced by the client's control address, which helps clients behind NAT that announce their
     * private address and is still safe from bounce attacks.
     */
    public Builder replaceForeignActiveAddress(boolean replace) {
      once(14, "replaceForeignActiveAddress");
      this.replaceForeignActiveAddress = replace;
      return this;
    }

    /**
     * Sets the most sessions one client key may hold at once; more are refused with {@code 421}.
     * Default {@value FtpSessionRouter#DEFAULT_MAX_SESSIONS_PER_CLIENT}.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxSessionsPerClient(int sessions) {
      once(15, "maxSessionsPerClient");
      if (sessions < 1) {
        throw new IllegalArgumentException("maxSessionsPerClient: " + sessions + " (expected: >= 1)");
      }
      this.maxSessionsPerClient = sessions;
      return this;
    }

    /**
     * Declares the persistence-mode service for {@link #route}: the control port and the passive
     * port range that form one virtual service (the IPVS firewall-mark idea).
     *
     * @throws IllegalArgumentException if {@code controlPort} is not in 1..65535
     */
    public Builder persistenceService(int controlPort, PortRange passivePorts) {
      once(16, "persistenceService");
      if (controlPort < 1 || controlPort > 65535) {
        throw new IllegalArgumentException("controlPort: " + controlPort + " (expected: 1..65535)");
      }
      this.serviceControlPort = controlPort;
      this.servicePorts = requireNonNull(passivePorts, "passivePorts");
      return this;
    }

    /** Sets the time source for the table and allocator the router builds. Default the system ticker. */
    public Builder ticker(Ticker ticker) {
      once(17, "ticker");
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** Sets the listener that receives the router's events. */
    public Builder listener(RouterListener listener) {
      once(18, "listener");
      this.listener = requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the router.
     *
     * @throws IllegalStateException if neither (or both) of affinityTable and backends, or of
     *     dataPortAllocator and dataPorts, were set, or table/allocator settings were given with a
     *     ready-made table/allocator
     */
    public FtpSessionRouter build() {
      Ticker time = ticker != null ? ticker : Ticker.systemTicker();
      AffinityTable builtTable;
      if (table != null) {
        if (backends != null || isSet(2) || isSet(3) || isSet(4)) {
          throw new IllegalStateException(
              "affinityTable was set: backends, policy, persistenceTimeout and maxAffinityEntries belong to it");
        }
        builtTable = table;
      } else {
        if (backends == null) {
          throw new IllegalStateException("backends or affinityTable must be set");
        }
        AffinityTable.Builder tb = AffinityTable.builder().backends(backends).ticker(time);
        if (policy != null) {
          tb.policy(policy);
        }
        if (persistenceTimeout != null) {
          tb.persistenceTimeout(persistenceTimeout);
        }
        if (maxAffinityEntries >= 0) {
          tb.maximumSize(maxAffinityEntries);
        }
        builtTable = tb.build();
      }
      DataPortAllocator builtAllocator;
      if (allocator != null) {
        if (dataPorts != null || isSet(7) || isSet(8) || isSet(9)) {
          throw new IllegalStateException(
              "dataPortAllocator was set: dataPorts, timeouts and lease limits belong to it");
        }
        builtAllocator = allocator;
      } else {
        if (dataPorts == null) {
          throw new IllegalStateException("dataPorts or dataPortAllocator must be set");
        }
        DataPortAllocator.Builder ab = DataPortAllocator.builder().range(dataPorts).ticker(time);
        if (acceptTimeout != null) {
          ab.acceptTimeout(acceptTimeout);
        }
        if (quarantine != null) {
          ab.quarantine(quarantine);
        }
        if (maxLeasesPerClient >= 0) {
          ab.maxLeasesPerClient(maxLeasesPerClient);
        }
        builtAllocator = ab.build();
      }
      return new FtpSessionRouter(this, builtTable, builtAllocator, time);
    }
  }
}
