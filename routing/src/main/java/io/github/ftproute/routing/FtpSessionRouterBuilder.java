package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.core.Cidr;
import io.github.ftproute.core.DataPortAllocator;
import io.github.ftproute.core.PersistenceNetmask;
import io.github.ftproute.core.PortProbe;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.github.ftproute.routing.internal.SetOnce;
import org.jspecify.annotations.Nullable;

/**
 * Collects a {@link FtpSessionRouter}'s settings; {@link FtpSessionRouter#builder()} makes one. Each
 * setting may be made once (a second call throws {@link IllegalStateException}); bad values throw
 * {@link IllegalArgumentException}, and a setting that conflicts with one already made throws
 * {@link IllegalStateException} from the setter that causes the conflict. Settings that configure the
 * affinity table or the allocator the router builds carry the names those builders use. Not
 * thread-safe.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #affinityTable}, or {@link #backends} with {@link #policy},
 *       {@link #persistenceTimeout}, {@link #maximumSize}</td><td>required; Maglev, 300 s,
 *       1,000,000 entries</td></tr>
 *   <tr><td>{@link #dataPortAllocator}, or {@link #dataPorts} with {@link #acceptTimeout},
 *       {@link #quarantine}, {@link #maxLeasesPerClient}</td><td>required; 30 s, 10 s, 16</td></tr>
 *   <tr><td>{@link #persistenceNetmask}</td><td>{@code /32}, {@code /128}</td></tr>
 *   <tr><td>{@link #advertiseFor}, {@link #advertise}, {@link #advertisedAddress}</td><td>the address the
 *       client dialled</td></tr>
 *   <tr><td>{@link #trustAnnouncedAddress}</td><td>false: data goes to the backend's control address</td></tr>
 *   <tr><td>{@link #minimumActivePort}</td><td>{@value FtpSessionRouter#DEFAULT_MINIMUM_ACTIVE_PORT}</td></tr>
 *   <tr><td>{@link #minimumPassivePort}</td><td>{@value FtpSessionRouter#DEFAULT_MINIMUM_PASSIVE_PORT}</td></tr>
 *   <tr><td>{@link #replaceForeignActiveAddress}</td><td>false: a foreign PORT address is refused</td></tr>
 *   <tr><td>{@link #maxSessionsPerClient}</td><td>{@value FtpSessionRouter#DEFAULT_MAX_SESSIONS_PER_CLIENT}</td></tr>
 *   <tr><td>{@link #maxLeasesPerSession}</td><td>{@value FtpSessionRouter#DEFAULT_MAX_LEASES_PER_SESSION}
 *       per second</td></tr>
 *   <tr><td>{@link #persistenceService}</td><td>none ({@link FtpSessionRouter#route} unavailable)</td></tr>
 *   <tr><td>{@link #ticker}</td><td>{@link Ticker#systemTicker()}</td></tr>
 *   <tr><td>{@link #listener}</td><td>none (the router still counts, see {@link FtpSessionRouter#stats()})</td></tr>
 * </table>
 */
public final class FtpSessionRouterBuilder {
  private static final int TABLE = 0;
  private static final int BACKENDS = 1;
  private static final int POLICY = 2;
  private static final int PERSISTENCE_TIMEOUT = 3;
  private static final int MAXIMUM_SIZE = 4;
  private static final int ALLOCATOR = 5;
  private static final int DATA_PORTS = 6;
  private static final int ACCEPT_TIMEOUT = 7;
  private static final int QUARANTINE = 8;
  private static final int MAX_LEASES_PER_CLIENT = 9;
  private static final long TABLE_SETTINGS = SetOnce.bits(BACKENDS, POLICY, PERSISTENCE_TIMEOUT, MAXIMUM_SIZE);
  private static final int PORT_PROBE = 22;
  private static final int SHARED_PORTS = 23;
  private static final int CLIENT_LEASE_RATE = 24;
  private static final long ALLOCATOR_SETTINGS =
      SetOnce.bits(DATA_PORTS, ACCEPT_TIMEOUT, QUARANTINE, MAX_LEASES_PER_CLIENT, PORT_PROBE, SHARED_PORTS, CLIENT_LEASE_RATE);

  private @Nullable AffinityTable table;
  private final AffinityTable.Builder tableBuilder = AffinityTable.builder();
  private @Nullable DataPortAllocator allocator;
  private final DataPortAllocator.Builder allocatorBuilder = DataPortAllocator.builder();
  private PersistenceNetmask netmask = PersistenceNetmask.NONE;
  private final List<SessionRules.Advertisement> advertisements = new ArrayList<>();
  private @Nullable InetAddress advertisedDefault;
  private final List<SessionRules.ClientAdvertisement> clientAdvertisements = new ArrayList<>();
  private boolean trustAnnouncedAddress;
  private boolean replaceForeignActiveAddress;
  private int minimumActivePort = FtpSessionRouter.DEFAULT_MINIMUM_ACTIVE_PORT;
  private int minimumPassivePort = FtpSessionRouter.DEFAULT_MINIMUM_PASSIVE_PORT;
  private int maxSessionsPerClient = FtpSessionRouter.DEFAULT_MAX_SESSIONS_PER_CLIENT;
  private int maxLeasesPerSession = FtpSessionRouter.DEFAULT_MAX_LEASES_PER_SESSION;
  private long leaseWindowNanos = Duration.ofSeconds(1).toNanos();
  private int serviceControlPort = -1;
  private @Nullable PortRange servicePorts;
  private Ticker ticker = Ticker.systemTicker();
  private @Nullable RouterListener listener;
  private final SetOnce set = new SetOnce();

  FtpSessionRouterBuilder() {}

  /** Uses an affinity table built elsewhere; then backends, policy, timeout and size are its own. */
  public FtpSessionRouterBuilder affinityTable(AffinityTable table) {
    requireNonNull(table, "table");
    set.mark(TABLE, "affinityTable", TABLE_SETTINGS, "a setting of the table the router builds");
    this.table = table;
    return this;
  }

  /** Sets the backends; the router builds its affinity table over them. */
  public FtpSessionRouterBuilder backends(BackendPool backends) {
    requireNonNull(backends, "backends");
    set.mark(BACKENDS, "backends", 1L << TABLE, "affinityTable");
    tableBuilder.backends(backends);
    return this;
  }

  /**
   * Sets the policy for clients without affinity. Default {@link SelectionPolicy#maglev()}: proxies
   * with the same backends choose alike, and a change of backends moves few clients.
   */
  public FtpSessionRouterBuilder policy(SelectionPolicy policy) {
    requireNonNull(policy, "policy");
    set.mark(POLICY, "policy", 1L << TABLE, "affinityTable");
    tableBuilder.policy(policy);
    return this;
  }

  /** Sets how long a client's affinity outlives its last connection. Default 300 s. */
  public FtpSessionRouterBuilder persistenceTimeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    set.mark(PERSISTENCE_TIMEOUT, "persistenceTimeout", 1L << TABLE, "affinityTable");
    tableBuilder.persistenceTimeout(timeout);
    return this;
  }

  /** Sets the most entries of the affinity table. Default 1,000,000. */
  public FtpSessionRouterBuilder maximumSize(long entries) {
    set.mark(MAXIMUM_SIZE, "maximumSize", 1L << TABLE, "affinityTable");
    tableBuilder.maximumSize(entries);
    return this;
  }

  /** Uses a data-port allocator built elsewhere; then ports, timeouts and limits are its own. */
  public FtpSessionRouterBuilder dataPortAllocator(DataPortAllocator allocator) {
    requireNonNull(allocator, "allocator");
    set.mark(ALLOCATOR, "dataPortAllocator", ALLOCATOR_SETTINGS, "a setting of the allocator the router builds");
    this.allocator = allocator;
    return this;
  }

  /** Sets the proxy's own ports for data connections (the allocator's range). Required without an allocator. */
  public FtpSessionRouterBuilder dataPorts(PortRange ports) {
    requireNonNull(ports, "ports");
    set.mark(DATA_PORTS, "dataPorts", 1L << ALLOCATOR, "dataPortAllocator");
    allocatorBuilder.range(ports);
    return this;
  }

  /** Sets how long a leased data port waits for its connection. Default 30 s. */
  public FtpSessionRouterBuilder acceptTimeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    set.mark(ACCEPT_TIMEOUT, "acceptTimeout", 1L << ALLOCATOR, "dataPortAllocator");
    allocatorBuilder.acceptTimeout(timeout);
    return this;
  }

  /**
   * Sets how long a data port that carried a connection rests before it serves that peer again.
   * Default 10 s; see {@link DataPortAllocator.Builder#quarantine} for the trade-off.
   */
  public FtpSessionRouterBuilder quarantine(Duration quarantine) {
    requireNonNull(quarantine, "quarantine");
    set.mark(QUARANTINE, "quarantine", 1L << ALLOCATOR, "dataPortAllocator");
    allocatorBuilder.quarantine(quarantine);
    return this;
  }

  /** Sets the most data-port leases one client key holds at once. Default 16. */
  public FtpSessionRouterBuilder maxLeasesPerClient(int leases) {
    set.mark(MAX_LEASES_PER_CLIENT, "maxLeasesPerClient", 1L << ALLOCATOR, "dataPortAllocator");
    allocatorBuilder.maxLeasesPerClient(leases);
    return this;
  }

  /**
   * Sets whether one data port may hold leases for several client addresses at once, told apart by
   * the connecting peer's address; two sessions of one client address never share a port. Lets a
   * small published range (9 or 10 ports in some cloud set-ups) carry many concurrent transfers.
   * Default false; see {@link DataPortAllocator.Builder#sharedPorts}.
   */
  public FtpSessionRouterBuilder sharedPorts(boolean shared) {
    set.mark(SHARED_PORTS, "sharedPorts", 1L << ALLOCATOR, "dataPortAllocator");
    allocatorBuilder.sharedPorts(shared);
    return this;
  }

  /**
   * Sets each client key's lease rate: a burst of {@code burst} leases, refilled at {@code
   * leasesPerSecond}; see {@link DataPortAllocator.Builder#clientLeaseRate}.
   */
  public FtpSessionRouterBuilder clientLeaseRate(int burst, int leasesPerSecond) {
    set.mark(CLIENT_LEASE_RATE, "clientLeaseRate", 1L << ALLOCATOR, "dataPortAllocator");
    allocatorBuilder.clientLeaseRate(burst, leasesPerSecond);
    return this;
  }

  /**
   * Sets a check run on each data port before it is leased; rejected ports are skipped for {@code
   * backoff}. The MINA transport installs one that binds each port on first use. Default none.
   */
  public FtpSessionRouterBuilder portProbe(PortProbe probe, Duration backoff) {
    requireNonNull(probe, "probe");
    requireNonNull(backoff, "backoff");
    set.mark(PORT_PROBE, "portProbe", 1L << ALLOCATOR, "dataPortAllocator");
    allocatorBuilder.portProbe(probe, backoff);
    return this;
  }

  /** Returns whether {@link #dataPortAllocator} or {@link #portProbe} was set. */
  public boolean hasOwnPortHandling() {
    return set.isSet(ALLOCATOR) || set.isSet(PORT_PROBE);
  }

  /** Sets the netmask under which client addresses share affinity. Default {@code /32, /128}. */
  public FtpSessionRouterBuilder persistenceNetmask(PersistenceNetmask netmask) {
    requireNonNull(netmask, "netmask");
    set.mark(10, "persistenceNetmask");
    this.netmask = netmask;
    return this;
  }

  /**
   * Announces {@code address} in passive replies to clients of the listener on {@code listener} (a
   * wildcard listener address matches every local address on that port). May be called for several
   * listeners, and twice for one listener to give an IPv4 and an IPv6 address: a 227 takes the IPv4
   * one.
   */
  public FtpSessionRouterBuilder advertise(InetSocketAddress listener, InetAddress address) {
    requireNonNull(listener, "listener");
    requireNonNull(address, "address");
    InetAddress bound = listener.getAddress();
    boolean wildcard = bound == null || bound.isAnyLocalAddress();
    advertisements.add(new SessionRules.Advertisement(wildcard ? null : bound, listener.getPort(), address));
    return this;
  }

  /**
   * Announces {@code address} in passive replies to clients from {@code clients} (for instance the
   * internal VIP to {@code 10.0.0.0/8}, the public one to everyone else), before any per-listener or
   * default address. Repeatable: the first matching block of the wanted family wins (a 227 takes an
   * IPv4 address), so list narrower blocks first. The client is the PROXY header's source behind an
   * upstream tier.
   */
  public FtpSessionRouterBuilder advertiseFor(Cidr clients, InetAddress address) {
    requireNonNull(clients, "clients");
    requireNonNull(address, "address");
    clientAdvertisements.add(new SessionRules.ClientAdvertisement(clients, address));
    return this;
  }

  /**
   * Announces {@code address} in passive replies of listeners without their own {@link #advertise}.
   * Default: the address the client dialled: the local address of its control connection, or the PROXY
   * header's destination behind an upstream tier (right
   * behind DNS round robin and cloud load balancers); fix it only when clients cannot reach that.
   */
  public FtpSessionRouterBuilder advertisedAddress(InetAddress address) {
    requireNonNull(address, "address");
    set.mark(11, "advertisedAddress");
    this.advertisedDefault = address;
    return this;
  }

  /**
   * Sets whether data connections go to the address a backend announces in 227/228. Default false:
   * to the backend's control address with the announced port, so a NAT'd backend works and a backend
   * cannot steer the proxy to another host (the lesson of Commons Net's CVE-2021-37533).
   */
  public FtpSessionRouterBuilder trustAnnouncedAddress(boolean trust) {
    set.mark(12, "trustAnnouncedAddress");
    this.trustAnnouncedAddress = trust;
    return this;
  }

  /**
   * Sets the lowest port a client may name in PORT, EPRT or LPRT. Default
   * {@value FtpSessionRouter#DEFAULT_MINIMUM_ACTIVE_PORT}, as RFC 2577 §3 advises; 1 allows all.
   *
   * @throws IllegalArgumentException if not in 1..65535
   */
  public FtpSessionRouterBuilder minimumActivePort(int port) {
    checkPort("minimumActivePort", port);
    set.mark(13, "minimumActivePort");
    this.minimumActivePort = port;
    return this;
  }

  /**
   * Sets the lowest port a backend may announce in 227, 228 or 229; a lower one gets {@code 425}, so
   * a backend cannot make the proxy dial its SSH port. Default {@value
   * FtpSessionRouter#DEFAULT_MINIMUM_PASSIVE_PORT}; 1 allows all.
   *
   * @throws IllegalArgumentException if not in 1..65535
   */
  public FtpSessionRouterBuilder minimumPassivePort(int port) {
    checkPort("minimumPassivePort", port);
    set.mark(14, "minimumPassivePort");
    this.minimumPassivePort = port;
    return this;
  }

  /**
   * Sets what happens when a client's PORT, EPRT or LPRT names an address not its own. Default false:
   * {@code 504} (RFC 2577 bounce protection). True: the client's control address is put in, which
   * helps clients behind NAT and is still safe from bounce attacks.
   */
  public FtpSessionRouterBuilder replaceForeignActiveAddress(boolean replace) {
    set.mark(15, "replaceForeignActiveAddress");
    this.replaceForeignActiveAddress = replace;
    return this;
  }

  /**
   * Sets the most sessions one client key may hold at once; more are refused with {@code 421}.
   * Default {@value FtpSessionRouter#DEFAULT_MAX_SESSIONS_PER_CLIENT}.
   *
   * @throws IllegalArgumentException if not positive
   */
  public FtpSessionRouterBuilder maxSessionsPerClient(int sessions) {
    if (sessions < 1) {
      throw new IllegalArgumentException("maxSessionsPerClient: " + sessions + " (expected: >= 1)");
    }
    set.mark(16, "maxSessionsPerClient");
    this.maxSessionsPerClient = sessions;
    return this;
  }

  /**
   * Sets how many data setups one session may make per {@code window}: a token bucket of {@code
   * leases}, refilled evenly over the window; over it, {@code 425} for that transfer (a counted
   * refused lease). Default {@value FtpSessionRouter#DEFAULT_MAX_LEASES_PER_SESSION} per second,
   * far above a mirroring client and far below a PASV loop.
   *
   * @throws IllegalArgumentException if {@code leases} is not positive or {@code window} not positive
   */
  public FtpSessionRouterBuilder maxLeasesPerSession(int leases, Duration window) {
    requireNonNull(window, "window");
    if (leases < 1) {
      throw new IllegalArgumentException("maxLeasesPerSession: " + leases + " (expected: >= 1)");
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
    }
    set.mark(17, "maxLeasesPerSession");
    this.maxLeasesPerSession = leases;
    this.leaseWindowNanos = window.toNanos();
    return this;
  }

  /**
   * Declares the persistence-mode service for {@link FtpSessionRouter#route}: the control port and the
   * passive port range that form one virtual service (the IPVS firewall-mark idea).
   *
   * @throws IllegalArgumentException if {@code controlPort} is not in 1..65535
   */
  public FtpSessionRouterBuilder persistenceService(int controlPort, PortRange passivePorts) {
    requireNonNull(passivePorts, "passivePorts");
    checkPort("controlPort", controlPort);
    set.mark(18, "persistenceService");
    this.serviceControlPort = controlPort;
    this.servicePorts = passivePorts;
    return this;
  }

  /** Sets the time source of the router, its table and allocator. Default {@link Ticker#systemTicker()}. */
  public FtpSessionRouterBuilder ticker(Ticker ticker) {
    requireNonNull(ticker, "ticker");
    set.mark(19, "ticker");
    this.ticker = ticker;
    return this;
  }

  /** Sets the listener of the router's events (after its own counters); one that throws is logged. */
  public FtpSessionRouterBuilder listener(RouterListener listener) {
    requireNonNull(listener, "listener");
    set.mark(20, "listener");
    this.listener = listener;
    return this;
  }

  private static void checkPort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 1..65535)");
    }
  }

  /**
   * Builds the router; throws {@link IllegalStateException} if called twice, or if neither {@link
   * #affinityTable} nor {@link #backends}, or neither {@link #dataPortAllocator} nor {@link #dataPorts}, was set.
   */
  public FtpSessionRouter build() {
    set.mark(21, "build");
    AffinityTable builtTable = table;
    if (builtTable == null) {
      if (!set.isSet(BACKENDS)) {
        throw new IllegalStateException("backends or affinityTable must be set");
      }
      if (!set.isSet(POLICY)) {
        tableBuilder.policy(SelectionPolicy.maglev());
      }
      builtTable = tableBuilder.ticker(ticker).build();
    }
    DataPortAllocator builtAllocator = allocator;
    if (builtAllocator == null) {
      if (!set.isSet(DATA_PORTS)) {
        throw new IllegalStateException("dataPorts or dataPortAllocator must be set");
      }
      builtAllocator = allocatorBuilder.ticker(ticker).build();
    }
    SessionRules rules = new SessionRules(trustAnnouncedAddress, replaceForeignActiveAddress, minimumActivePort,
        minimumPassivePort, maxLeasesPerSession, leaseWindowNanos, advertisements, advertisedDefault,
        clientAdvertisements);
    return new FtpSessionRouter(builtTable, builtAllocator, netmask, rules, listener, ticker, maxSessionsPerClient,
        serviceControlPort, servicePorts);
  }
}
