package io.github.ftproute.examples;

import io.github.ftproute.core.Cidr;
import io.github.ftproute.routing.affinity.Backend;
import static java.util.Objects.requireNonNull;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's settings, as given on its command line ({@code proxy --help} lists them).
 *
 * <p>An immutable value, validated on construction: every out-of-range value is refused with an
 * {@link IllegalArgumentException} whose one-line message names the command-line option, in the
 * form {@code "<option>: <value> (expected: <constraint>)"}. Durations are whole seconds.
 *
 * @param listen control address to listen on (default 127.0.0.1:2121)
 * @param backends the backends, each with its weight; at least one
 * @param passivePorts the proxy's own data ports (default 30000-30999)
 * @param advertise the address put in 227 replies, or null for the address each client dialled
 * @param mode rewrite or persistence (default rewrite)
 * @param persistenceTimeout how long a client's affinity outlives its last connection, 1 s to 365 days
 *     (default 300 s)
 * @param persistenceNetmask IPv4 prefix length under which clients share affinity, 0..32 (default 32)
 * @param policy the selection policy's name, lower case: roundrobin, wrr, lc, wlc, sh or maglev
 *     (default maglev)
 * @param backendSource the local address used toward backends (active-mode data ports are bound
 *     there, and PORT/EPRT sent to a backend name it), or null to let the operating system choose
 * @param sharePassivePorts whether one passive port may serve several client addresses at once
 *     (default false)
 * @param portQuarantine how long a released data port rests before it is leased again, 0 s to 365 days
 *     (default 10 s)
 * @param controlIdleTimeout how long a control connection may stay silent before it is closed,
 *     1 s to 365 days (default 300 s)
 * @param backendTimeout deadline for a backend's 220 greeting and for each awaited reply, 1 s to
 *     365 days (default 10 s)
 * @param drainTimeout on shutdown, how long live sessions may take to finish, 0 s to 365 days
 *     (default 30 s)
 * @param maxSessionsPerClient how many sessions one client address may hold at once, 1..65535
 *     (default 64)
 * @param admin the loopback address of the admin HTTP endpoint (backend state and weight at run
 *     time), or null for none (the default)
 * @param metrics the loopback address of the Prometheus scrape endpoint ({@code /metrics}), or null
 *     for none (the default)
 * @param proxyProtocolFrom upstream tiers whose connections (control and data) must begin with a
 *     PROXY protocol header, whose source is then the client (default none)
 * @param advertiseFor addresses to put in 227 replies by client network, first match wins (default none)
 * @param affinityStore the Redis 7 or Valkey server whose affinity entries this proxy shares with the
 *     others that name it ({@code --affinity-store redis://HOST:PORT}), or null to keep affinity in
 *     this process (the default)
 */
public record ProxyOptions(
    InetSocketAddress listen,
    List<BackendOption> backends,
    PortRange passivePorts,
    @Nullable InetAddress advertise,
    Mode mode,
    Duration persistenceTimeout,
    int persistenceNetmask,
    String policy,
    @Nullable InetAddress backendSource,
    boolean sharePassivePorts,
    Duration portQuarantine,
    Duration controlIdleTimeout,
    Duration backendTimeout,
    Duration drainTimeout,
    int maxSessionsPerClient,
    @Nullable InetSocketAddress admin,
    @Nullable InetSocketAddress metrics,
    List<Cidr> proxyProtocolFrom,
    List<AdvertiseFor> advertiseFor,
    @Nullable InetSocketAddress affinityStore) {

  /** The longest duration any option accepts: 365 days, in seconds. */
  static final long MAX_SECONDS = 31_536_000;

  /**
   * Checks every setting and copies the backend list.
   *
   * @throws IllegalArgumentException if a value is out of range, no backend is given or the policy
   *     is unknown; the message names the command-line option
   * @throws NullPointerException if a component other than {@code advertise} and
   *     {@code backendSource} is null
   */
  public ProxyOptions {
    requireNonNull(listen, "listen");
    backends = List.copyOf(requireNonNull(backends, "backends"));
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("--backend: none given (expected: at least one HOST:PORT)");
    }
    requireNonNull(passivePorts, "passivePorts");
    requireNonNull(mode, "mode");
    seconds("--persistence-timeout", requireNonNull(persistenceTimeout, "persistenceTimeout"), 1);
    check("--persistence-netmask", persistenceNetmask, 0, 32);
    policy(requireNonNull(policy, "policy")); // validates
    policy = policy.toLowerCase(Locale.ROOT);
    seconds("--port-quarantine", requireNonNull(portQuarantine, "portQuarantine"), 0);
    seconds("--control-idle-timeout", requireNonNull(controlIdleTimeout, "controlIdleTimeout"), 1);
    seconds("--backend-timeout", requireNonNull(backendTimeout, "backendTimeout"), 1);
    seconds("--drain-timeout", requireNonNull(drainTimeout, "drainTimeout"), 0);
    check("--max-sessions-per-client", maxSessionsPerClient, 1, 65535);
    loopback("--admin", admin);
    loopback("--metrics", metrics);
    proxyProtocolFrom = List.copyOf(requireNonNull(proxyProtocolFrom, "proxyProtocolFrom"));
    advertiseFor = List.copyOf(requireNonNull(advertiseFor, "advertiseFor"));
  }

  /** The settings without PROXY protocol upstreams, advertised addresses by client network, or affinity store. */
  public ProxyOptions(InetSocketAddress listen, List<BackendOption> backends, PortRange passivePorts,
      @Nullable InetAddress advertise, Mode mode, Duration persistenceTimeout, int persistenceNetmask, String policy,
      @Nullable InetAddress backendSource, boolean sharePassivePorts, Duration portQuarantine,
      Duration controlIdleTimeout, Duration backendTimeout, Duration drainTimeout, int maxSessionsPerClient,
      @Nullable InetSocketAddress admin, @Nullable InetSocketAddress metrics) {
    this(listen, backends, passivePorts, advertise, mode, persistenceTimeout, persistenceNetmask, policy,
        backendSource, sharePassivePorts, portQuarantine, controlIdleTimeout, backendTimeout, drainTimeout,
        maxSessionsPerClient, admin, metrics, List.of(), List.of(), null);
  }

  /**
   * One {@code --advertise-for CIDR=ADDRESS}.
   *
   * @param clients the client network
   * @param address what 227 replies announce to it
   */
  public record AdvertiseFor(Cidr clients, InetAddress address) {
    /** Checks for null. */
    public AdvertiseFor {
      requireNonNull(clients, "clients");
      requireNonNull(address, "address");
    }
  }

  /** The settings without the admin and metrics endpoints (both off). */
  public ProxyOptions(InetSocketAddress listen, List<BackendOption> backends, PortRange passivePorts,
      @Nullable InetAddress advertise, Mode mode, Duration persistenceTimeout, int persistenceNetmask, String policy,
      @Nullable InetAddress backendSource, boolean sharePassivePorts, Duration portQuarantine,
      Duration controlIdleTimeout, Duration backendTimeout, Duration drainTimeout, int maxSessionsPerClient) {
    this(listen, backends, passivePorts, advertise, mode, persistenceTimeout, persistenceNetmask, policy,
        backendSource, sharePassivePorts, portQuarantine, controlIdleTimeout, backendTimeout, drainTimeout,
        maxSessionsPerClient, null, null, List.of(), List.of(), null);
  }

  /** The admin and metrics endpoints have no authentication: they listen on loopback only. */
  private static void loopback(String option, @Nullable InetSocketAddress address) {
    if (address != null && !address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(option + ": " + address.getAddress().getHostAddress()
          + " (expected: a loopback address such as 127.0.0.1; the endpoint has no authentication)");
    }
  }

  /** How the proxy routes. */
  public enum Mode {
    /** Read the control channel, rewrite passive replies and active commands, lease data ports. */
    REWRITE,
    /** Route every connection of a client address to one backend, port preserved (IPVS style). */
    PERSISTENCE
  }

  /**
   * One {@code --backend}.
   *
   * @param address the backend's control address
   * @param weight its weight, 0..65535 (default 1)
   * @param proxyProtocol the PROXY header the backend expects on control connections (default none)
   */
  public record BackendOption(InetSocketAddress address, int weight, Backend.ProxyHeader proxyProtocol) {
    /** A backend that expects no PROXY header. */
    public BackendOption(InetSocketAddress address, int weight) {
      this(address, weight, Backend.ProxyHeader.NONE);
    }

    /**
     * Checks the weight.
     *
     * @throws IllegalArgumentException if the weight is outside 0..65535
     */
    public BackendOption {
      requireNonNull(address, "address");
      check("--backend weight", weight, 0, 65535);
      requireNonNull(proxyProtocol, "proxyProtocol");
    }
  }

  /**
   * Parses the arguments after {@code proxy}, applying the documented default to every option not given.
   *
   * @throws IllegalArgumentException with a one-line message naming the bad option, also for
   *     {@code --help}, which asks for {@link #usage()} rather than for settings
   */
  public static ProxyOptions parse(List<String> args) {
    return ProxyCommand.parse(args).orElseThrow(() -> new IllegalArgumentException(
        "--help: asks for the usage text (expected: settings to run with; see ProxyOptions.usage())"));
  }

  /** Returns the usage text that {@code proxy --help} prints: every option, its meaning and its default. */
  public static String usage() {
    return ProxyCommand.usage();
  }

  /**
   * Returns the selection policy named by {@code name}, ignoring case.
   *
   * @throws IllegalArgumentException if {@code name} is not roundrobin, wrr, lc, wlc, sh or maglev
   */
  static SelectionPolicy policy(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "roundrobin" -> SelectionPolicy.roundRobin();
      case "wrr" -> SelectionPolicy.weightedRoundRobin();
      case "lc" -> SelectionPolicy.leastConnections();
      case "wlc" -> SelectionPolicy.weightedLeastConnections();
      case "sh" -> SelectionPolicy.sourceHash();
      case "maglev" -> SelectionPolicy.maglev();
      default -> throw new IllegalArgumentException(
          "--policy: " + name + " (expected: roundrobin, wrr, lc, wlc, sh or maglev)");
    };
  }

  /**
   * Returns {@code n} if it lies in {@code min..max}.
   *
   * @throws IllegalArgumentException {@code "<name>: <n> (expected: <min>..<max>)"} otherwise
   */
  static int check(String name, int n, int min, int max) {
    if (n < min || n > max) {
      throw new IllegalArgumentException(name + ": " + n + " (expected: " + min + ".." + max + ")");
    }
    return n;
  }

  private static void seconds(String option, Duration value, long min) {
    if (value.getNano() != 0 || value.toSeconds() < min || value.toSeconds() > MAX_SECONDS) {
      throw new IllegalArgumentException(option + ": " + (value.getNano() == 0 ? value.toSeconds() : value)
          + " (expected: " + min + ".." + MAX_SECONDS + " seconds)");
    }
  }
}
