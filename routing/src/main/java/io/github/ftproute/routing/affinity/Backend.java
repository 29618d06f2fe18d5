package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import com.google.common.net.InetAddresses;
import java.net.InetSocketAddress;

/**
 * A backend server: its id, the control endpoint the proxy connects to, its weight and its state.
 *
 * <p>The id names the backend in a {@link BackendPool} and in logs, and is what {@linkplain
 * SelectionPolicy#maglev() consistent hashing} hashes, so proxies that list the same ids agree on
 * where a client goes. The endpoint is a resolved address: nothing in routing does DNS.
 *
 * <p>Weight and state decide who gets <em>new</em> clients; clients that already have an affinity
 * entry keep their backend while it is {@link State#UP} or {@link State#DRAINING}:
 *
 * <table class="striped">
 *   <caption>What each state means</caption>
 *   <tr><th>state</th><th>new clients</th><th>existing affinity entries</th></tr>
 *   <tr><td>{@code UP}, weight &gt; 0</td><td>yes, in proportion to the weight</td><td>honoured</td></tr>
 *   <tr><td>{@code UP}, weight 0</td><td>no (IPVS "quiescing")</td><td>honoured</td></tr>
 *   <tr><td>{@code DRAINING}</td><td>no</td><td>honoured until they expire</td></tr>
 *   <tr><td>{@code DOWN}</td><td>no</td><td>dropped: the next connection is re-balanced</td></tr>
 * </table>
 *
 * <p>Instances are immutable; derive changed copies with {@link #withWeight}, {@link #withState},
 * {@link #withEndpoint} and {@link #withProxyHeader}. Equality is on all five components.
 *
 * @param id the backend's name: 1 to 255 characters, none of them a control character
 * @param endpoint the control-connection address (IP literal and port), never unresolved
 * @param weight the relative share of new clients, 0..65535; 0 takes no new clients
 * @param state whether the backend takes new clients, keeps existing ones, or neither
 * @param proxyHeader the PROXY protocol header the backend expects at the start of each control
 *     connection (never on data connections); {@link ProxyHeader#NONE} by default
 */
public record Backend(String id, InetSocketAddress endpoint, int weight, State state, ProxyHeader proxyHeader) {

  /** The largest weight, 65535 (as in IPVS). */
  public static final int MAX_WEIGHT = 65_535;

  /** The weight {@link #of} gives: 1. */
  public static final int DEFAULT_WEIGHT = 1;

  private static final int MAX_ID_LENGTH = 255;

  /** Whether a backend takes new clients and keeps existing ones. */
  public enum State {
    /** Takes new clients (if its weight is above 0) and keeps existing ones. */
    UP,
    /**
     * Takes no new clients but keeps the ones it has: their affinity entries are honoured until
     * they expire (IPVS weight-0 "quiescing"). Use it to empty a backend before maintenance.
     */
    DRAINING,
    /**
     * Takes nothing: its affinity entries are dropped and the clients' next connections are
     * re-balanced. Coming back from {@code DOWN} does not restore the dropped entries.
     */
    DOWN
  }

  /**
   * Which PROXY protocol header the proxy sends first on its control connections to a backend, so the
   * backend sees the real client address. Data connections never carry one (it would end up in the
   * file). Health probes send the version 2 {@code LOCAL} command to a {@link #V2} backend and {@code
   * PROXY UNKNOWN} to a {@link #V1} one (version 1 has no LOCAL): the backend then uses the probe
   * connection's own addresses.
   */
  public enum ProxyHeader {
    /** No header: the backend sees the proxy's address. */
    NONE,
    /** A version 1 text header. */
    V1,
    /** A version 2 binary header. */
    V2
  }

  /** A backend that expects no PROXY header. */
  public Backend(String id, InetSocketAddress endpoint, int weight, State state) {
    this(id, endpoint, weight, state, ProxyHeader.NONE);
  }

  /**
   * Validates the components.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the id is empty, longer than 255 characters or holds a
   *     control character, if the endpoint is unresolved, or if the weight is outside 0..65535
   */
  public Backend {
    requireNonNull(id, "id");
    requireNonNull(endpoint, "endpoint");
    requireNonNull(state, "state");
    requireNonNull(proxyHeader, "proxyHeader");
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "id: '" + escape(id) + "' (expected: 1.." + MAX_ID_LENGTH + " characters, no control characters)");
    }
    if (endpoint.isUnresolved()) {
      throw new IllegalArgumentException(
          "endpoint: " + endpoint + " (expected: a resolved address, such as an IP literal)");
    }
    checkWeight(weight);
  }

  /** Returns an {@link State#UP} backend of weight {@value #DEFAULT_WEIGHT}. */
  public static Backend of(String id, InetSocketAddress endpoint) {
    return new Backend(id, endpoint, DEFAULT_WEIGHT, State.UP);
  }

  /**
   * Returns an {@link State#UP} backend of weight {@value #DEFAULT_WEIGHT} at an IP literal and port.
   *
   * @param ipLiteral an IPv4 or IPv6 literal such as {@code 10.0.0.7} or {@code 2001:db8::7}; host
   *     names are refused, since routing never does DNS
   * @param port 0..65535
   * @throws IllegalArgumentException if {@code ipLiteral} is not an IP literal or the port is out of
   *     range
   */
  public static Backend of(String id, String ipLiteral, int port) {
    requireNonNull(ipLiteral, "ipLiteral");
    if (!InetAddresses.isInetAddress(ipLiteral)) {
      throw new IllegalArgumentException(
          "ipLiteral: '" + escape(ipLiteral) + "' (expected: an IPv4 or IPv6 literal)");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    return of(id, new InetSocketAddress(InetAddresses.forString(ipLiteral), port));
  }

  /** Returns this backend with {@code weight} (0..65535). */
  public Backend withWeight(int weight) {
    return new Backend(id, endpoint, weight, state, proxyHeader);
  }

  /** Returns this backend in {@code state}. */
  public Backend withState(State state) {
    return new Backend(id, endpoint, weight, state, proxyHeader);
  }

  /** Returns this backend at {@code endpoint}, which must be resolved. */
  public Backend withEndpoint(InetSocketAddress endpoint) {
    return new Backend(id, endpoint, weight, state, proxyHeader);
  }

  /** Returns this backend expecting {@code proxyHeader} on its control connections. */
  public Backend withProxyHeader(ProxyHeader proxyHeader) {
    return new Backend(id, endpoint, weight, state, proxyHeader);
  }

  /** Returns whether this backend takes new clients: it is {@link State#UP} with a weight above 0. */
  public boolean acceptsNewClients() {
    return state == State.UP && weight > 0;
  }

  /** Returns whether this backend's affinity entries are honoured: it is not {@link State#DOWN}. */
  public boolean keepsClients() {
    return state != State.DOWN;
  }

  static void checkWeight(int weight) {
    if (weight < 0 || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: 0.." + MAX_WEIGHT + ")");
    }
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 64; i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return s.length() > 64 ? out + "..." : out.toString();
  }
}
