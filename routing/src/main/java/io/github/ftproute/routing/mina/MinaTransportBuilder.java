package io.github.ftproute.routing.mina;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.core.Cidr;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.FtpSessionRouterBuilder;
import io.github.ftproute.routing.health.HealthPolicy;
import io.github.ftproute.routing.health.ProbeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import io.github.ftproute.routing.internal.SetOnce;
import org.jspecify.annotations.Nullable;

/**
 * Configures and starts a {@link MinaTransport}; {@link MinaTransport#builder()} makes one. Each
 * setting may be made once (a second call throws {@link IllegalStateException}); bad values throw
 * {@link IllegalArgumentException}. Not thread-safe.
 *
 * <p>The transport finishes the router builder it is given: in rewrite mode it installs its
 * data-port binder as the allocator's {@code portProbe}, in persistence mode it declares the service
 * with the control port it bound; then it builds the router ({@link MinaTransport#router()}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #router}, {@link #acceptor}, {@link #connector}, {@link #scheduler},
 *       {@link #listen}</td><td>required</td></tr>
 *   <tr><td>{@link #persistence}</td><td>off: rewrite mode</td></tr>
 *   <tr><td>{@link #codec}</td><td>{@link FtpCodec#defaults()}</td></tr>
 *   <tr><td>{@link #controlIdleTimeout}</td><td>300 s</td></tr>
 *   <tr><td>{@link #backendTimeout}</td><td>10 s (connect, greeting, each awaited reply)</td></tr>
 *   <tr><td>{@link #backendSource}</td><td>none: the operating system chooses</td></tr>
 *   <tr><td>{@link #dataBufferSize}</td><td>128 KiB per read once a connection carries bulk</td></tr>
 *   <tr><td>{@link #spliceHighWater}</td><td>256 KiB queued per direction (resumes at a quarter)</td></tr>
 *   <tr><td>{@link #healthChecks}</td><td>every 2 s ±10%, 2 s deadline per step, greeting, NOOP
 *       and QUIT, rise 2, fall 3, 10 s slow start</td></tr>
 *   <tr><td>{@link #sweepInterval}</td><td>1 s</td></tr>
 *   <tr><td>{@link #proxyProtocolFrom}</td><td>none: no PROXY headers are read</td></tr>
 *   <tr><td>{@link #proxyProtocolTimeout}</td><td>5 s for a trusted upstream's header</td></tr>
 * </table>
 */
public final class MinaTransportBuilder {
  private @Nullable FtpSessionRouterBuilder router;
  private @Nullable NioSocketAcceptor acceptor;
  private @Nullable NioSocketConnector connector;
  private @Nullable ScheduledExecutorService scheduler;
  private final List<InetSocketAddress> listen = new ArrayList<>();
  private @Nullable PortRange persistencePorts;
  private FtpCodec codec = FtpCodec.defaults();
  private Duration controlIdleTimeout = Duration.ofSeconds(300);
  private Duration backendTimeout = Duration.ofSeconds(10);
  private @Nullable InetAddress backendSource;
  private int dataBufferSize = 128 * 1024;
  private long spliceHighWater = 1024 * 1024;
  private Duration healthInterval = Duration.ofSeconds(2);
  private Duration healthTimeout = Duration.ofSeconds(2);
  private Duration sweepInterval = Duration.ofSeconds(1);
  private @Nullable HealthPolicy healthPolicy = HealthPolicy.defaults();
  private ProbeSpec probeSpec = ProbeSpec.defaults();
  private List<Cidr> proxyUpstreams = List.of();
  private Duration proxyTimeout = Duration.ofSeconds(5);
  private final SetOnce set = new SetOnce();

  MinaTransportBuilder() {}

  private void once(int bit, String name) {
    set.mark(bit, name);
  }

  /** Sets the router to serve, as a builder the transport finishes and builds. Required. */
  public MinaTransportBuilder router(FtpSessionRouterBuilder router) {
    requireNonNull(router, "router");
    once(0, "router");
    this.router = router;
    return this;
  }

  /** Sets the embedder's acceptor, for control listeners and data ports. Required. */
  public MinaTransportBuilder acceptor(NioSocketAcceptor acceptor) {
    requireNonNull(acceptor, "acceptor");
    once(1, "acceptor");
    this.acceptor = acceptor;
    return this;
  }

  /** Sets the embedder's connector, for backend control connections, data connections and probes. Required. */
  public MinaTransportBuilder connector(NioSocketConnector connector) {
    requireNonNull(connector, "connector");
    once(2, "connector");
    this.connector = connector;
    return this;
  }

  /** Sets the embedder's scheduler, which runs the sweeps, health probes and the drain deadline. Required. */
  public MinaTransportBuilder scheduler(ScheduledExecutorService scheduler) {
    requireNonNull(scheduler, "scheduler");
    once(3, "scheduler");
    this.scheduler = scheduler;
    return this;
  }

  /**
   * Adds a control address to listen on (port 0 picks a free one). Repeatable in rewrite mode; data
   * ports are bound on the same addresses (and on {@link #backendSource}).
   */
  public MinaTransportBuilder listen(InetSocketAddress address) {
    requireNonNull(address, "address");
    if (address.getAddress() == null) {
      throw new IllegalArgumentException("listen: " + address + " (expected: a resolved address)");
    }
    listen.add(address);
    return this;
  }

  /**
   * Serves persistence mode: every connection to the control port or to {@code passivePorts} goes to
   * the client's backend, port preserved, unread (the backends must announce the proxy's address and
   * use the same passive range).
   */
  public MinaTransportBuilder persistence(PortRange passivePorts) {
    requireNonNull(passivePorts, "passivePorts");
    once(4, "persistence");
    this.persistencePorts = passivePorts;
    return this;
  }

  /** Sets the codec (line limits, charset). Default {@link FtpCodec#defaults()}. */
  public MinaTransportBuilder codec(FtpCodec codec) {
    requireNonNull(codec, "codec");
    once(5, "codec");
    this.codec = codec;
    return this;
  }

  /**
   * Sets how long a client's control connection may be idle while none of its data connections
   * moves bytes; then it gets {@code 421} and is closed. Default 300 s; whole seconds, at least 1.
   */
  public MinaTransportBuilder controlIdleTimeout(Duration timeout) {
    once(6, "controlIdleTimeout");
    this.controlIdleTimeout = seconds("controlIdleTimeout", timeout);
    return this;
  }

  /**
   * Sets the deadline for connecting to a backend, for its greeting, and for its first reply to each
   * command; past it the client gets {@code 421}. A transfer in progress is not subject to it.
   * Default 10 s; whole seconds, at least 1.
   */
  public MinaTransportBuilder backendTimeout(Duration timeout) {
    once(7, "backendTimeout");
    this.backendTimeout = seconds("backendTimeout", timeout);
    return this;
  }

  /**
   * Sets the local address for connections to backends; active-mode data ports are bound there too,
   * and PORT/EPRT sent to backends name it. Default: none, the operating system chooses.
   */
  public MinaTransportBuilder backendSource(InetAddress address) {
    requireNonNull(address, "address");
    once(8, "backendSource");
    this.backendSource = address;
    return this;
  }

  /**
   * Sets the read size of spliced connections once they carry bulk. Their reads start at 4 KiB (MINA
   * allocates a buffer of the read size for every read, the last one included) and become {@code
   * bytes} at the first read that fills its buffer; from there they grow up to four times {@code
   * bytes} while reads keep filling and never fall below {@code bytes}. Default 128 KiB.
   *
   * @throws IllegalArgumentException if not in 1 KiB..16 MiB
   */
  public MinaTransportBuilder dataBufferSize(int bytes) {
    if (bytes < 1024 || bytes > 16 << 20) {
      throw new IllegalArgumentException("dataBufferSize: " + bytes + " (expected: 1024..16777216)");
    }
    once(9, "dataBufferSize");
    this.dataBufferSize = bytes;
    return this;
  }

  /**
   * Sets how many bytes may wait to be written on one side of a data connection before the other
   * side stops reading; it reads again at a quarter of that. Default 256 KiB.
   *
   * @throws IllegalArgumentException if not in 4 KiB..64 MiB
   */
  public MinaTransportBuilder spliceHighWater(long bytes) {
    if (bytes < 4096 || bytes > 64L << 20) {
      throw new IllegalArgumentException("spliceHighWater: " + bytes + " (expected: 4096..67108864)");
    }
    once(10, "spliceHighWater");
    this.spliceHighWater = bytes;
    return this;
  }

  /**
   * Sets how often every backend is probed and each probe step's deadline, with the other settings
   * of {@link HealthPolicy#defaults()} and {@link ProbeSpec#defaults()} (greeting, NOOP, QUIT; rise
   * 2, fall 3, ±10% jitter, 10 s slow start); {@link Duration#ZERO} as the interval turns probes
   * off. Default every 2 s, 2 s deadline. Same setting as {@link #healthChecks(HealthPolicy, ProbeSpec)}.
   */
  public MinaTransportBuilder healthChecks(Duration interval, Duration timeout) {
    requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: >= 0)");
    }
    once(11, "healthChecks");
    this.healthInterval = interval;
    this.healthTimeout = seconds("timeout", timeout);
    if (!interval.isZero()) {
      this.healthPolicy = HealthPolicy.defaults().withInterval(interval);
      this.probeSpec = ProbeSpec.defaults().withStepTimeout(timeout);
    } else {
      this.healthPolicy = null;
    }
    return this;
  }

  /**
   * Sets the health checks in full: {@code policy} (rise and fall counts, jittered interval, slow
   * start) and what each probe does ({@code probe}: NOOP, a check user's login, step deadline, slow
   * threshold). The transport drives a {@link io.github.ftproute.routing.health.FtpProbe} per backend
   * on its connector, applies the results to the router's backend pool, and shows them in {@link
   * MinaTransport#health()}. Same setting as {@link #healthChecks(Duration, Duration)}.
   */
  public MinaTransportBuilder healthChecks(HealthPolicy policy, ProbeSpec probe) {
    requireNonNull(policy, "policy");
    requireNonNull(probe, "probe");
    once(11, "healthChecks");
    this.healthPolicy = policy;
    this.probeSpec = probe;
    this.healthInterval = policy.interval();
    this.healthTimeout = probe.stepTimeout();
    return this;
  }

  /** Sets how often expired affinity entries and leases are swept. Default 1 s. */
  public MinaTransportBuilder sweepInterval(Duration interval) {
    requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("sweepInterval: " + interval + " (expected: > 0)");
    }
    once(12, "sweepInterval");
    this.sweepInterval = interval;
    return this;
  }

  /**
   * Accepts the PROXY protocol (v1 or v2, told apart by the header) from upstream tiers in {@code
   * upstreams}, such as HAProxy or a cloud NLB. Every connection from one of them, on the control
   * port and on the data ports, must begin with a header; its source becomes the client: for
   * affinity, session limits, logging, and the check that a passive data connection comes from the
   * session's client. The header's destination is the address the client dialled, which 227/229
   * replies announce unless an advertised address is configured. The header is stripped: data
   * connections carry only the data. A {@code LOCAL} header (the upstream's own health check) keeps
   * the connection's addresses.
   *
   * <p>Refused (logged; a {@code 421} on the control port): a malformed header, or none within
   * {@link #proxyProtocolTimeout}, from an upstream; and a control connection from any other address
   * whose first bytes are a PROXY header. Other addresses connect directly, as without this setting.
   * Default: none, no header is read.
   *
   * @throws IllegalArgumentException if {@code upstreams} is empty
   */
  public MinaTransportBuilder proxyProtocolFrom(List<Cidr> upstreams) {
    requireNonNull(upstreams, "upstreams");
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("upstreams: [] (expected: at least one CIDR)");
    }
    once(14, "proxyProtocolFrom");
    this.proxyUpstreams = List.copyOf(upstreams);
    return this;
  }

  /**
   * Sets how long a connection from a trusted upstream may take to deliver its PROXY header. Default
   * 5 s; whole seconds, at least 1.
   */
  public MinaTransportBuilder proxyProtocolTimeout(Duration timeout) {
    once(15, "proxyProtocolTimeout");
    this.proxyTimeout = seconds("proxyProtocolTimeout", timeout);
    return this;
  }

  private static Duration seconds(String name, Duration d) {
    requireNonNull(d, name);
    if (d.toSeconds() < 1 || d.toSeconds() > Integer.MAX_VALUE / 1000) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: 1 s or more, whole seconds)");
    }
    return d;
  }

  /**
   * Binds the control addresses, builds the router, and starts serving.
   *
   * @throws IllegalStateException if a required setting is missing, or the router builder has its
   *     own data-port allocator or port probe in rewrite mode (the transport must install its binder)
   * @throws UncheckedIOException if a control address cannot be bound
   */
  public MinaTransport start() {
    FtpSessionRouterBuilder routerBuilder = require(router, "router");
    NioSocketAcceptor acc = require(acceptor, "acceptor");
    NioSocketConnector con = require(connector, "connector");
    ScheduledExecutorService sch = require(scheduler, "scheduler");
    if (listen.isEmpty()) {
      throw new IllegalStateException("listen must be set");
    }
    once(13, "start");
    MinaTransport.Mode mode = persistencePorts == null ? MinaTransport.Mode.REWRITE : MinaTransport.Mode.PERSISTENCE;
    if (mode == MinaTransport.Mode.REWRITE && routerBuilder.hasOwnPortHandling()) {
      throw new IllegalStateException(
          "router: has its own dataPortAllocator or portProbe (expected: dataPorts only; the transport binds them)");
    }
    if (mode == MinaTransport.Mode.PERSISTENCE && listen.size() != 1) {
      throw new IllegalStateException("persistence mode listens on one control address (got " + listen.size() + ")");
    }
    TransportConfig config = new TransportConfig(mode, codec, (int) controlIdleTimeout.toSeconds(),
        (int) backendTimeout.toSeconds(), backendSource, dataBufferSize, spliceHighWater, spliceHighWater / 4,
        healthInterval, healthTimeout, sweepInterval, proxyUpstreams, (int) proxyTimeout.toSeconds());
    MinaTransport transport = new MinaTransport(acc, con, sch, config, dataAddresses());
    if (healthPolicy != null) {
      transport.healthChecks(healthPolicy, probeSpec);
    }
    try {
      transport.bindControl(listen);
      if (mode == MinaTransport.Mode.REWRITE) {
        routerBuilder.portProbe(transport.binder(), Duration.ofSeconds(60));
      } else {
        routerBuilder.persistenceService(transport.localAddresses().get(0).getPort(), persistencePorts);
      }
      FtpSessionRouter built = routerBuilder.build();
      transport.started(built, persistencePorts);
      return transport;
    } catch (IOException e) {
      transport.close();
      throw new UncheckedIOException("cannot listen on " + listen, e);
    } catch (RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  /** The addresses data ports are bound on: the listen addresses, or the wildcard if one of them is. */
  private List<InetAddress> dataAddresses() {
    Set<InetAddress> addresses = new LinkedHashSet<>();
    for (InetSocketAddress address : listen) {
      if (address.getAddress().isAnyLocalAddress()) {
        return List.of(address.getAddress());
      }
      addresses.add(address.getAddress());
    }
    if (backendSource != null) {
      addresses.add(backendSource);
    }
    return List.copyOf(addresses);
  }

  private static <T> T require(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + " must be set");
    }
    return value;
  }
}
