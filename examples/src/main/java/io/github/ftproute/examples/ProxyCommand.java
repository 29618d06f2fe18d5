package io.github.ftproute.examples;

import io.github.ftproute.core.Cidr;
import io.github.ftproute.routing.affinity.Backend;
import com.google.common.net.InetAddresses;
import io.github.ftproute.core.PortRange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The picocli model of {@code proxy [options]}: typed options with their defaults and help text,
 * turned into a {@link ProxyOptions} value.
 *
 * <p>Converters check the shape of each value (an IP literal, HOST:PORT, a number); ranges and the
 * rules that span options are checked once, by {@link ProxyOptions}' constructor. Every failure
 * becomes an {@link IllegalArgumentException} with a one-line message naming the option.
 */
@Command(
    name = "proxy",
    customSynopsis = "java -jar ftproute-examples.jar proxy --backend HOST:PORT[,weight=N][,proxy-protocol=v1|v2]..."
        + " [OPTIONS]",
    description = "Runs the FTP load-balancing proxy in front of one or more backend FTP servers."
        + " Addresses are IP literals (no DNS); an IPv6 HOST:PORT is written [HOST]:PORT.",
    separator = " ",
    sortOptions = false,
    usageHelpWidth = 100,
    footer = {"", "Exit status: 2 on a bad option, with a one-line message on stderr."})
final class ProxyCommand {

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2121",
      converter = HostPortConverter.class,
      description = "Control address to listen on (default: ${DEFAULT-VALUE}).")
  private InetSocketAddress listen;

  @Option(names = "--backend", paramLabel = "HOST:PORT[,weight=N]", converter = BackendConverter.class,
      description = "A backend FTP server and its weight, 0..65535 (default weight 1); with"
          + " ,proxy-protocol=v1|v2 it gets that PROXY header on control connections (default none);"
          + " repeat for more, at least one.")
  private List<ProxyOptions.BackendOption> backends = new ArrayList<>();

  @Option(names = "--passive-ports", paramLabel = "LOW-HIGH", defaultValue = "30000-30999",
      converter = PortRangeConverter.class,
      description = "The proxy's own data ports (default: ${DEFAULT-VALUE}).")
  private PortRange passivePorts;

  @Option(names = "--advertise", paramLabel = "HOST", converter = AddressConverter.class,
      description = "Address put in 227 replies (default: the listen address,"
          + " or the address each client dialled when listening on a wildcard).")
  private @Nullable InetAddress advertise;

  @Option(names = "--mode", paramLabel = "rewrite|persistence", defaultValue = "rewrite",
      converter = ModeConverter.class,
      description = "Read and rewrite the control channel, or route by client address only"
          + " (default: ${DEFAULT-VALUE}).")
  private ProxyOptions.Mode mode;

  @Option(names = "--persistence-timeout", paramLabel = "SECONDS", defaultValue = "300",
      converter = SecondsConverter.class,
      description = "Affinity kept after a client's last connection (default: ${DEFAULT-VALUE}).")
  private Duration persistenceTimeout;

  @Option(names = "--persistence-netmask", paramLabel = "BITS", defaultValue = "32",
      converter = CountConverter.class,
      description = "IPv4 prefix length, 0..32, under which clients share affinity (default: ${DEFAULT-VALUE}).")
  private int persistenceNetmask;

  @Option(names = "--policy", paramLabel = "roundrobin|wrr|lc|wlc|sh|maglev", defaultValue = "maglev",
      description = "Backend selection for new clients (default: ${DEFAULT-VALUE}).")
  private String policy;

  @Option(names = "--backend-source", paramLabel = "HOST", converter = AddressConverter.class,
      description = "Local address used toward backends: active-mode data ports are bound there"
          + " and PORT/EPRT sent to a backend name it (default: the operating system chooses).")
  private @Nullable InetAddress backendSource;

  @Option(names = "--share-passive-ports",
      description = "Let one passive port serve several client addresses at once (default: off).")
  private boolean sharePassivePorts;

  @Option(names = "--port-quarantine", paramLabel = "SECONDS", defaultValue = "10",
      converter = SecondsConverter.class,
      description = "How long a released data port rests before it is leased again; 0 for no rest"
          + " (default: ${DEFAULT-VALUE}).")
  private Duration portQuarantine;

  @Option(names = "--control-idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
      converter = SecondsConverter.class,
      description = "Close a control connection silent for this long (default: ${DEFAULT-VALUE}).")
  private Duration controlIdleTimeout;

  @Option(names = "--backend-timeout", paramLabel = "SECONDS", defaultValue = "10",
      converter = SecondsConverter.class,
      description = "Deadline for a backend's 220 greeting and for each awaited reply"
          + " (default: ${DEFAULT-VALUE}).")
  private Duration backendTimeout;

  @Option(names = "--drain-timeout", paramLabel = "SECONDS", defaultValue = "30",
      converter = SecondsConverter.class,
      description = "On shutdown, how long live sessions may take to finish (default: ${DEFAULT-VALUE}).")
  private Duration drainTimeout;

  @Option(names = "--max-sessions-per-client", paramLabel = "N", defaultValue = "64",
      converter = CountConverter.class,
      description = "Sessions one client address may hold at once, 1..65535 (default: ${DEFAULT-VALUE}).")
  private int maxSessionsPerClient;

  @Option(names = "--admin", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      description = "Admin HTTP endpoint on a loopback address: GET /backends, PUT"
          + " /backends/ID/state (UP, DRAINING, DOWN) and /backends/ID/weight (default: off).")
  private @Nullable InetSocketAddress admin;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      description = "Prometheus scrape endpoint (GET /metrics) on a loopback address (default: off).")
  private @Nullable InetSocketAddress metrics;

  @Option(names = "--proxy-protocol-from", paramLabel = "CIDR", split = ",", hideParamSyntax = true,
      converter = CidrConverter.class,
      description = "Upstream tiers (HAProxy, a cloud NLB) whose control and data connections begin with a"
          + " PROXY v1/v2 header; its source is the client. CIDR[,CIDR...], repeatable (default: none).")
  private List<Cidr> proxyProtocolFrom = new ArrayList<>();

  @Option(names = "--advertise-for", paramLabel = "CIDR=ADDRESS", converter = AdvertiseForConverter.class,
      description = "Address for 227 replies to clients from CIDR, ahead of any other; the first"
          + " match wins. Repeatable (default: none).")
  private List<ProxyOptions.AdvertiseFor> advertiseFor = new ArrayList<>();

  @Option(names = "--affinity-store", paramLabel = "URI", converter = AffinityStoreConverter.class,
      description = "Share client affinity with other proxies through the Redis 7 or Valkey server at this"
          + " redis://HOST:PORT; Maglev"
          + " when it is away (default: off, affinity in this process).")
  private @Nullable InetSocketAddress affinityStore;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this text and exit.")
  private boolean help;

  private ProxyCommand() {}

  /**
   * Parses the arguments after {@code proxy}: the settings, or empty when {@code --help} is among them.
   *
   * @throws IllegalArgumentException with a one-line message naming the bad option
   */
  static Optional<ProxyOptions> parse(List<String> args) {
    List<String> copy = List.copyOf(args);
    ProxyCommand command = new ProxyCommand();
    CommandLine cli = commandLine(command);
    try {
      cli.parseArgs(copy.toArray(String[]::new));
    } catch (ParameterException e) {
      if (copy.contains("--help") || copy.contains("-h")) {
        return Optional.empty(); // help wins over a bad option, as it always has
      }
      throw new IllegalArgumentException(message(e), e);
    }
    return cli.isUsageHelpRequested() ? Optional.empty() : Optional.of(command.toOptions());
  }

  /** Returns the usage text: every option with its meaning and default, without ANSI colours. */
  static String usage() {
    return commandLine(new ProxyCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  private static CommandLine commandLine(ProxyCommand command) {
    return new CommandLine(command)
        .setOverwrittenOptionsAllowed(true) // the last --listen (or other single option) wins, as before
        .setExpandAtFiles(false) // no argument files: an argument is what it says
        .setUsageHelpLongOptionsMaxWidth(32); // wide descriptions; only --policy's goes to the next line
  }

  private ProxyOptions toOptions() {
    InetAddress advertised = advertise;
    // behind a PROXY protocol tier the address the client dialled is the header's destination
    if (advertised == null && !listen.getAddress().isAnyLocalAddress() && proxyProtocolFrom.isEmpty()) {
      advertised = listen.getAddress();
    }
    return new ProxyOptions(listen, backends, passivePorts, advertised, mode, persistenceTimeout,
        persistenceNetmask, policy, backendSource, sharePassivePorts, portQuarantine, controlIdleTimeout,
        backendTimeout, drainTimeout, maxSessionsPerClient, admin, metrics, proxyProtocolFrom, advertiseFor, affinityStore);
  }

  /** Turns picocli's complaint into this proxy's one-line form. */
  private static String message(ParameterException e) {
    String option = e.getArgSpec() instanceof OptionSpec spec ? spec.longestName() : null;
    if (e.getCause() instanceof BadValue bad && option != null) {
      return option + bad.getMessage();
    }
    if (e instanceof CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty()
        && missing.getMissing().get(0) instanceof OptionSpec spec) {
      return spec.longestName() + " needs a value";
    }
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      String argument = unmatched.getUnmatched().get(0);
      return argument.startsWith("-")
          ? "unknown option: " + argument + " (see --help)"
          : "unexpected argument: " + argument;
    }
    return e.getMessage().lines().findFirst().orElse("bad arguments (see --help)");
  }

  /**
   * A value of the wrong shape; the message is what follows the option's name, such as
   * {@code ": x (expected: HOST:PORT)"} or {@code " port: 99999 (expected: 0..65535)"}.
   */
  private static final class BadValue extends TypeConversionException {
    private static final long serialVersionUID = 1L;

    BadValue(String part, String value, String expected) {
      super(part + ": " + value + " (expected: " + expected + ")");
    }

    BadValue(String value, String expected) {
      this("", value, expected);
    }

    BadValue(IllegalArgumentException cause) {
      super(": " + cause.getMessage());
    }
  }

  private static InetSocketAddress hostPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new BadValue(value, "HOST:PORT");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new InetSocketAddress(literal(host), number(" port", value.substring(colon + 1), 0, 65535));
  }

  private static InetAddress literal(String host) {
    if (!InetAddresses.isInetAddress(host)) {
      throw new BadValue(host, "an IP address literal");
    }
    return InetAddresses.forString(host);
  }

  private static int number(String part, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new BadValue(part, value, min + ".." + max);
  }

  /** {@code redis://HOST:PORT}, HOST an IP literal. */
  static final class AffinityStoreConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      if (!value.startsWith("redis://")) {
        throw new BadValue(value, "redis://HOST:PORT");
      }
      return hostPort(value.substring("redis://".length()));
    }
  }

  static final class HostPortConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      return hostPort(value);
    }
  }

  static final class BackendConverter implements ITypeConverter<ProxyOptions.BackendOption> {
    @Override
    public ProxyOptions.BackendOption convert(String value) {
      String[] parts = value.split(",", -1);
      int weight = 1;
      Backend.ProxyHeader proxyProtocol = Backend.ProxyHeader.NONE;
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].startsWith("weight=")) {
          weight = number(" weight", parts[i].substring("weight=".length()), 0, 65535);
        } else if (parts[i].startsWith("proxy-protocol=")) {
          proxyProtocol = switch (parts[i].substring("proxy-protocol=".length())) {
            case "v1" -> Backend.ProxyHeader.V1;
            case "v2" -> Backend.ProxyHeader.V2;
            case "none" -> Backend.ProxyHeader.NONE;
            default -> throw new BadValue(" proxy-protocol", parts[i].substring("proxy-protocol=".length()),
                "v1, v2 or none");
          };
        } else {
          throw new BadValue(value, "HOST:PORT[,weight=N][,proxy-protocol=v1|v2]");
        }
      }
      return new ProxyOptions.BackendOption(hostPort(parts[0]), weight, proxyProtocol);
    }
  }

  static final class CidrConverter implements ITypeConverter<Cidr> {
    @Override
    public Cidr convert(String value) {
      try {
        return Cidr.parse(value);
      } catch (IllegalArgumentException e) {
        throw new BadValue(value, "an IPv4 or IPv6 block such as 10.0.0.0/8");
      }
    }
  }

  static final class AdvertiseForConverter implements ITypeConverter<ProxyOptions.AdvertiseFor> {
    @Override
    public ProxyOptions.AdvertiseFor convert(String value) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new BadValue(value, "CIDR=ADDRESS");
      }
      Cidr clients;
      try {
        clients = Cidr.parse(value.substring(0, eq));
      } catch (IllegalArgumentException e) {
        throw new BadValue(" CIDR", value.substring(0, eq), "an IPv4 or IPv6 block such as 10.0.0.0/8");
      }
      return new ProxyOptions.AdvertiseFor(clients, literal(value.substring(eq + 1)));
    }
  }

  static final class PortRangeConverter implements ITypeConverter<PortRange> {
    @Override
    public PortRange convert(String value) {
      try {
        return PortRange.parse(value);
      } catch (IllegalArgumentException e) {
        throw new BadValue(e);
      }
    }
  }

  static final class AddressConverter implements ITypeConverter<InetAddress> {
    @Override
    public InetAddress convert(String value) {
      return literal(value);
    }
  }

  static final class ModeConverter implements ITypeConverter<ProxyOptions.Mode> {
    @Override
    public ProxyOptions.Mode convert(String value) {
      return switch (value) {
        case "rewrite" -> ProxyOptions.Mode.REWRITE;
        case "persistence" -> ProxyOptions.Mode.PERSISTENCE;
        default -> throw new BadValue(value, "rewrite or persistence");
      };
    }
  }

  /** Whole seconds; the range is checked by {@link ProxyOptions}, which knows it per option. */
  static final class SecondsConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Duration.ofSeconds(Long.parseLong(value));
      } catch (NumberFormatException e) {
        throw new BadValue(value, "whole seconds");
      }
    }
  }

  /** A whole number; the range is checked by {@link ProxyOptions}, which knows it per option. */
  static final class CountConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new BadValue(value, "a whole number");
      }
    }
  }
}
