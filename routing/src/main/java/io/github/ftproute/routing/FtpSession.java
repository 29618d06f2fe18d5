package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.AddressArguments;
import io.github.ftproute.codec.DecodedCommand;
import io.github.ftproute.codec.EpsvArgument;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpVerb;
import io.github.ftproute.codec.LineTooLong;
import io.github.ftproute.codec.Malformed;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.core.LeasePurpose;
import io.github.ftproute.core.LeaseResult;
import io.github.ftproute.core.PortLease;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.Routed;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One FTP session routed by a {@link FtpSessionRouter}: the control connection of one client, its
 * backend, and the data-port leases it holds.
 *
 * <p>The proxy feeds it every line from the client ({@link #onClientCommand}) and every reply from the
 * backend ({@link #onServerReply}) and does what the returned decision says. The session routes on
 * what each line says, never on counting replies against commands (servers send extra final replies,
 * and ABOR draws 426 and 226 or one of them):
 *
 * <ul>
 *   <li>a 227, 228 or 229 reply gets a data-port lease (owner: the client; peer: the client's address;
 *       target: the backend's control address and the announced port, or the announced address if the
 *       router trusts it) and is rewritten to the advertised address and the leased port; with no port
 *       left the client gets {@code 425} for that transfer and the session goes on;
 *   <li>PORT, EPRT and LPRT must name the client's own address (RFC 2577) and a port at or above the
 *       router's minimum; they get a lease on the backend-facing side (peer: the backend) and are
 *       rewritten to the proxy's backend-facing address ({@link #backendConnected}) and that port;
 *   <li>after {@code EPSV ALL}, PORT, EPRT, LPRT, PASV and LPSV are refused (RFC 2428 §4);
 *   <li>{@code EPSV 1}/{@code EPSV 2} go to the backend as plain {@code EPSV}: the proxy, not the
 *       backend, meets the client's network protocol;
 *   <li>a new data setup (PORT, EPRT, LPRT, or a passive reply), {@code REIN}, and {@code USER} after
 *       login release the session's leases that no data connection has claimed yet;
 *   <li>a {@code 234} reply to AUTH gives {@link ReplyDecision.SecureControl}.
 * </ul>
 *
 * <p>Thread-safe: all methods are synchronised on the session, so the client side and the backend
 * side of a proxy may call in from different threads; calls are served one at a time.
 */
public final class FtpSession implements AutoCloseable {
  /** Where the control channel stands. */
  public enum ControlState {
    /** The session reads the control conversation in clear. */
    PLAIN,
    /** A 234 was forwarded: the proxy must call {@link #continueDecrypted()} or {@link #switchToPersistence()}. */
    SECURING,
    /** The proxy terminates TLS and feeds the decrypted conversation. */
    DECRYPTED,
    /** The proxy stopped reading the conversation; the client's connections are routed by address. */
    PERSISTENCE,
    /** The session is closed. */
    CLOSED
  }

  private final FtpSessionRouter router;
  private final long id;
  private final InetSocketAddress client;
  private final InetSocketAddress local;
  private final ClientKey key;
  private final Routed routed;
  private final List<PortLease> leases = new ArrayList<>();
  private @Nullable InetSocketAddress backendLocal;
  private ControlState state = ControlState.PLAIN;
  private boolean epsvAll;
  private boolean loggedIn;

  FtpSession(
      FtpSessionRouter router, long id, InetSocketAddress client, InetSocketAddress local, ClientKey key,
      Routed routed) {
    this.router = router;
    this.id = id;
    this.client = client;
    this.local = local;
    this.key = key;
    this.routed = routed;
  }

  /** Returns the session's number, unique within its router, counting from 1. */
  public long id() {
    return id;
  }

  /** Returns the backend this session is routed to. */
  public Backend backend() {
    return routed.backend();
  }

  /** Returns how the affinity table routed the session (existing entry, new entry, ...). */
  public Routed.Outcome routeOutcome() {
    return routed.outcome();
  }

  /** Returns the client's address and port. */
  public InetSocketAddress client() {
    return client;
  }

  /** Returns the proxy's local address and port of the control connection. */
  public InetSocketAddress listener() {
    return local;
  }

  /** Returns the client's key under the router's persistence netmask. */
  public ClientKey clientKey() {
    return key;
  }

  /** Returns where the control channel stands. */
  public synchronized ControlState controlState() {
    return state;
  }

  /** Returns how many data-port leases the session holds (claimed or not). */
  public synchronized int leaseCount() {
    pruneReleased();
    return leases.size();
  }

  /**
   * Tells the session the proxy's local address on its connection to the backend: active-mode
   * commands are rewritten to it, since that is the address the backend can reach the proxy at.
   */
  public synchronized void backendConnected(InetSocketAddress proxyAddress) {
    this.backendLocal = requireNonNull(proxyAddress, "proxyAddress");
  }

  /**
   * Decides what to do with one decoded line from the client.
   *
   * @throws IllegalStateException if the session is closed or no longer reads the conversation
   *     ({@link ControlState#SECURING}, {@link ControlState#PERSISTENCE})
   */
  public synchronized CommandDecision onClientCommand(DecodedCommand decoded) {
    requireNonNull(decoded, "decoded");
    checkReading();
    if (decoded instanceof Malformed malformed) {
      return answer(null, FtpReply.of(ReplyCode.SYNTAX_ERROR, "Syntax error, command unrecognized ("
          + malformed.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")"));
    }
    if (decoded instanceof LineTooLong) {
      return answer(null, FtpReply.of(ReplyCode.SYNTAX_ERROR, "Command line too long"));
    }
    FtpCommand command = (FtpCommand) decoded;
    FtpVerb verb = command.verb();
    if (verb.equals(FtpVerb.PORT) || verb.equals(FtpVerb.EPRT) || verb.equals(FtpVerb.LPRT)) {
      return activeMode(command);
    }
    if (verb.equals(FtpVerb.PASV) || verb.equals(FtpVerb.LPSV)) {
      return epsvAll ? refuseAfterEpsvAll(command) : new CommandDecision.Forward(command);
    }
    if (verb.equals(FtpVerb.EPSV)) {
      return epsv(command);
    }
    if (verb.equals(FtpVerb.REIN) || (verb.equals(FtpVerb.USER) && loggedIn)) {
      releaseUnclaimed();
      loggedIn = false;
      epsvAll = false;
    }
    return new CommandDecision.Forward(command);
  }

  private CommandDecision epsv(FtpCommand command) {
    ParseResult<EpsvArgument> parsed = EpsvArgument.parse(command);
    if (parsed instanceof ParseResult.Ok<EpsvArgument> ok) {
      EpsvArgument argument = ok.value();
      if (argument instanceof EpsvArgument.All) {
        epsvAll = true;
        return new CommandDecision.Forward(command);
      }
      if (argument instanceof EpsvArgument.Protocol) {
        // The proxy meets the client's protocol on its own side; the backend side is the proxy's.
        return new CommandDecision.Rewrite(command, FtpCommand.of(FtpVerb.EPSV));
      }
      return new CommandDecision.Forward(command);
    }
    if (parsed instanceof ParseResult.Unsupported<EpsvArgument>) {
      return answer(command, FtpReply.of(ReplyCode.NETWORK_PROTOCOL_NOT_SUPPORTED,
          "Network protocol not supported, use (1,2)"));
    }
    return answer(command, FtpReply.of(ReplyCode.SYNTAX_ERROR_IN_ARGUMENTS, "Syntax error in EPSV argument"));
  }

  private CommandDecision activeMode(FtpCommand command) {
    if (epsvAll) {
      return refuseAfterEpsvAll(command);
    }
    ParseResult<InetSocketAddress> parsed = AddressArguments.parse(command);
    if (parsed instanceof ParseResult.Unsupported<InetSocketAddress>) {
      return command.verb().equals(FtpVerb.LPRT)
          ? answer(command, FtpReply.of(ReplyCode.UNSUPPORTED_ADDRESS_FAMILY, "Supported address families are (4, 6)"))
          : answer(command, FtpReply.of(ReplyCode.NETWORK_PROTOCOL_NOT_SUPPORTED, "Network protocol not supported, use (1,2)"));
    }
    if (!(parsed instanceof ParseResult.Ok<InetSocketAddress> ok)) {
      return answer(command, FtpReply.of(ReplyCode.SYNTAX_ERROR_IN_ARGUMENTS,
          "Syntax error in " + command.verb() + " argument"));
    }
    InetSocketAddress announced = ok.value();
    InetAddress clientAddress = unmapped(client.getAddress());
    if (!unmapped(announced.getAddress()).equals(clientAddress)) {
      if (!router.replaceForeignActiveAddress) {
        return answer(command, FtpReply.of(ReplyCode.NOT_IMPLEMENTED_FOR_PARAMETER,
            "Data address must be your own address (RFC 2577)"));
      }
      announced = new InetSocketAddress(clientAddress, announced.getPort());
    }
    if (announced.getPort() < router.minimumActivePort) {
      return answer(command, FtpReply.of(ReplyCode.NOT_IMPLEMENTED_FOR_PARAMETER,
          "Data port must be " + router.minimumActivePort + " or higher (RFC 2577)"));
    }
    InetSocketAddress proxySide = backendLocal;
    if (proxySide == null) {
      throw new IllegalStateException("backendConnected(...) must be called before active-mode commands");
    }
    releaseUnclaimed();
    PortLease lease = lease(routed.backend().endpoint().getAddress(), announced, LeasePurpose.ACTIVE);
    if (lease == null) {
      FtpReply reply = noDataPort();
      countLeaseRefused(reply);
      return answer(command, reply);
    }
    InetSocketAddress rewritten = new InetSocketAddress(proxySide.getAddress(), lease.port());
    String argument;
    FtpVerb verb = command.verb();
    if (verb.equals(FtpVerb.LPRT)) {
      argument = AddressArguments.formatLprt(rewritten);
    } else if (verb.equals(FtpVerb.PORT) && proxySide.getAddress() instanceof Inet4Address) {
      argument = AddressArguments.formatPort(rewritten);
    } else {
      verb = FtpVerb.EPRT; // a PORT cannot carry the IPv6 address the backend reaches the proxy on
      argument = AddressArguments.formatEprt(rewritten);
    }
    FtpCommand replacement = verb.equals(command.verb()) ? command.withArgument(argument)
        : FtpCommand.of(verb, argument);
    return new CommandDecision.Rewrite(command, replacement);
  }

  private CommandDecision refuseAfterEpsvAll(FtpCommand command) {
    return answer(command, FtpReply.of(ReplyCode.SYNTAX_ERROR_IN_ARGUMENTS,
        command.verb() + " not allowed after EPSV ALL"));
  }

  private CommandDecision answer(@Nullable FtpCommand command, FtpReply reply) {
    router.commandsRefused.increment();
    if (command != null) {
      router.listener.commandRefused(this, command, reply);
    }
    return new CommandDecision.Answer(reply);
  }

  /**
   * Decides what to do with one reply from the backend.
   *
   * @throws IllegalStateException if the session is closed or no longer reads the conversation
   */
  public synchronized ReplyDecision onServerReply(FtpReply reply) {
    requireNonNull(reply, "reply");
    checkReading();
    int code = reply.code().value();
    if (code == 227 || code == 228 || code == 229) {
      return passive(reply);
    }
    if (code == 234) {
      state = ControlState.SECURING;
      return new ReplyDecision.SecureControl(reply);
    }
    if (code == 230) {
      loggedIn = true;
    }
    return new ReplyDecision.Forward(reply);
  }

  private ReplyDecision passive(FtpReply reply) {
    ParseResult<PassiveReply> parsed = PassiveReply.parse(reply);
    if (!(parsed instanceof ParseResult.Ok<PassiveReply> ok)) {
      return refusePassive(reply, FtpReply.of(ReplyCode.CANNOT_OPEN_DATA_CONNECTION,
          "Can't open data connection: the server announced no usable address"));
    }
    PassiveReply passive = ok.value();
    InetAddress backendAddress = routed.backend().endpoint().getAddress();
    InetAddress targetAddress = router.trustAnnouncedAddress
        ? passive.address().orElse(backendAddress) : backendAddress;
    InetSocketAddress target = new InetSocketAddress(targetAddress, passive.port());
    InetAddress advertised = router.advertisedAddress(local, reply.code().value() == 227);
    if (advertised == null) {
      return refusePassive(reply, FtpReply.of(ReplyCode.CANNOT_OPEN_DATA_CONNECTION,
          "Can't open data connection: no IPv4 address to offer, use EPSV"));
    }
    releaseUnclaimed();
    PortLease lease = lease(client.getAddress(), target, LeasePurpose.PASSIVE);
    if (lease == null) {
      return refusePassive(reply, noDataPort());
    }
    return new ReplyDecision.Rewrite(reply, passive.rewrite(advertised, lease.port()));
  }

  private ReplyDecision refusePassive(FtpReply original, FtpReply replacement) {
    countLeaseRefused(replacement);
    return new ReplyDecision.Rewrite(original, replacement);
  }

  private void countLeaseRefused(FtpReply reply) {
    router.leasesRefused.increment();
    router.listener.leaseRefused(this, reply);
  }

  private static FtpReply noDataPort() {
    return FtpReply.of(ReplyCode.CANNOT_OPEN_DATA_CONNECTION, "Can't open data connection: no data port available");
  }

  private @Nullable PortLease lease(InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose) {
    LeaseResult result = router.allocator.lease(key, expectedPeer, target, purpose);
    if (!(result instanceof LeaseResult.Leased leased)) {
      return null;
    }
    PortLease lease = leased.lease();
    leases.add(lease);
    router.leased(lease, this);
    router.listener.leaseIssued(this, lease.port(), target);
    return lease;
  }

  /**
   * After {@link ReplyDecision.SecureControl}: the proxy terminates TLS on both sides and goes on
   * feeding the session the decrypted conversation.
   *
   * @throws IllegalStateException unless the control state is {@link ControlState#SECURING}
   */
  public synchronized void continueDecrypted() {
    checkState(ControlState.SECURING);
    state = ControlState.DECRYPTED;
  }

  /**
   * After {@link ReplyDecision.SecureControl}: the proxy passes the encrypted bytes through and stops
   * calling {@link #onClientCommand} and {@link #onServerReply}. Unclaimed leases are released; the
   * client's data connections must then be routed with {@link FtpSessionRouter#route}, which sends
   * them to this session's backend while the session (its live connection) keeps the affinity entry.
   *
   * @throws IllegalStateException unless the control state is {@link ControlState#SECURING}
   */
  public synchronized void switchToPersistence() {
    checkState(ControlState.SECURING);
    state = ControlState.PERSISTENCE;
    releaseUnclaimed();
  }

  /**
   * Ends the session: every lease it holds is released (a data connection still running keeps its
   * socket; only the port's admission ends), and the client's affinity entry loses this connection.
   * Closing twice is harmless.
   */
  @Override
  public synchronized void close() {
    if (state == ControlState.CLOSED) {
      return;
    }
    state = ControlState.CLOSED;
    for (PortLease lease : leases) {
      router.released(lease);
    }
    leases.clear();
    router.sessionClosed(this, routed);
  }

  private void releaseUnclaimed() {
    for (Iterator<PortLease> it = leases.iterator(); it.hasNext(); ) {
      PortLease lease = it.next();
      if (!lease.isClaimed()) {
        it.remove();
        router.released(lease);
      }
    }
    pruneReleased();
  }

  /** Forgets leases that ended on their own: expired, or released by their data connection. */
  private void pruneReleased() {
    for (Iterator<PortLease> it = leases.iterator(); it.hasNext(); ) {
      PortLease lease = it.next();
      if (!lease.isLive()) {
        it.remove();
        router.released(lease);
      }
    }
  }

  private void checkReading() {
    if (state != ControlState.PLAIN && state != ControlState.DECRYPTED) {
      throw new IllegalStateException("session " + id + " is " + state + ": it no longer reads the conversation");
    }
  }

  private void checkState(ControlState expected) {
    if (state != expected) {
      throw new IllegalStateException("session " + id + " is " + state + " (expected: " + expected + ")");
    }
  }

  private static InetAddress unmapped(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 16) {
      boolean mapped = b[10] == -1 && b[11] == -1;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
          throw new AssertionError(e);
        }
      }
    }
    return address;
  }

  @Override
  public String toString() {
    return "FtpSession[" + id + " " + client + " -> " + routed.backend().id() + ", " + state + "]";
  }
}
