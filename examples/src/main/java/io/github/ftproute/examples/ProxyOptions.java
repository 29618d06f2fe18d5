package io.github.ftproute.examples;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxy's command line. Every option takes one value; {@code --backend} may repeat.
 *
 * @param listen control address to listen on
 * @param backends the backends, each with its weight
 * @param passivePorts the proxy's own data ports
 * @param advertise the address put in 227 replies, or null for the address each client dialled
 * @param mode rewrite or persistence
 * @param persistenceTimeout how long a client's affinity outlives its last connection
 * @param persistenceNetmask IPv4 prefix length under which clients share affinity
 * @param policy the selection policy's name
 */
public record ProxyOptions(
    InetSocketAddress listen,
    List<BackendOption> backends,
    PortRange passivePorts,
    InetAddress advertise,
    Mode mode,
    Duration persistenceTimeout,
    int persistenceNetmask,
    String policy) {

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
   * @param weight its weight, 0..65535
   */
  public record BackendOption(InetSocketAddress address, int weight) {}

  static final String USAGE = String.join("\n",
      "usage: java -jar ftproute-examples.jar proxy [options]",
      "  --listen HOST:PORT                 control address (default 127.0.0.1:2121)",
      "  --backend HOST:PORT[,weight=N]     a backend FTP server; repeat for more (at least one)",
      "  --passive-ports LOW-HIGH           the proxy's data ports (default 30000-30999)",
      "  --advertise HOST                   address put in 227 replies (default: the listen address)",
      "  --mode rewrite|persistence         read and rewrite the control channel, or route by",
      "                                     client address only (default rewrite)",
      "  --persistence-timeout SECONDS      affinity kept after a client's last connection (default 300)",
      "  --persistence-netmask BITS         IPv4 prefix length that shares affinity (default 32)",
      "  --policy roundrobin|wrr|lc|wlc|sh|maglev   selection for new clients (default maglev)",
      "  --help                             this text");

  /**
   * Parses the arguments after {@code proxy}.
   *
   * @throws IllegalArgumentException with a one-line message naming the bad option
   */
  public static ProxyOptions parse(List<String> args) {
    InetSocketAddress listen = hostPort("--listen", "127.0.0.1:2121");
    List<BackendOption> backends = new ArrayList<>();
    PortRange ports = PortRange.parse("30000-30999");
    InetAddress advertise = null;
    Mode mode = Mode.REWRITE;
    Duration timeout = Duration.ofSeconds(300);
    int netmask = 32;
    String policy = "maglev";
    for (int i = 0; i < args.size(); i++) {
      String option = args.get(i);
      if (!option.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + option);
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args.get(++i);
      switch (option) {
        case "--listen" -> listen = hostPort(option, value);
        case "--backend" -> backends.add(backend(value));
        case "--passive-ports" -> ports = portRange(value);
        case "--advertise" -> advertise = literal(option, value);
        case "--mode" -> mode = switch (value) {
          case "rewrite" -> Mode.REWRITE;
          case "persistence" -> Mode.PERSISTENCE;
          default -> throw new IllegalArgumentException("--mode: " + value + " (expected: rewrite or persistence)");
        };
        case "--persistence-timeout" -> timeout = Duration.ofSeconds(number(option, value, 1, 31_536_000));
        case "--persistence-netmask" -> netmask = number(option, value, 0, 32);
        case "--policy" -> {
          policy(value); // validates
          policy = value;
        }
        default -> throw new IllegalArgumentException("unknown option: " + option + " (see --help)");
      }
    }
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("--backend: none given (expected: at least one HOST:PORT)");
    }
    if (advertise == null) {
      advertise = listen.getAddress().isAnyLocalAddress() ? null : listen.getAddress();
    }
    return new ProxyOptions(listen, List.copyOf(backends), ports, advertise, mode, timeout, netmask, policy);
  }

  /** Returns the selection policy named by {@code name}. */
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

  private static BackendOption backend(String value) {
    String[] parts = value.split(",", -1);
    int weight = 1;
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].startsWith("weight=")) {
        throw new IllegalArgumentException("--backend: " + value + " (expected: HOST:PORT[,weight=N])");
      }
      weight = number("--backend weight", parts[i].substring("weight=".length()), 0, 65535);
    }
    return new BackendOption(hostPort("--backend", parts[0]), weight);
  }

  private static PortRange portRange(String value) {
    try {
      return PortRange.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--passive-ports: " + e.getMessage());
    }
  }

  private static InetSocketAddress hostPort(String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: HOST:PORT)");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new InetSocketAddress(literal(option, host), number(option + " port", value.substring(colon + 1), 0, 65535));
  }

  private static InetAddress literal(String option, String host) {
    if (!com.google.common.net.InetAddresses.isInetAddress(host)) {
      throw new IllegalArgumentException(option + ": " + host + " (expected: an IP address literal)");
    }
    return com.google.common.net.InetAddresses.forString(host);
  }

  private static int number(String option, String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(option + ": " + value + " (expected: " + min + ".." + max + ")");
  }
}
