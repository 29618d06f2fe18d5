package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.codec.DecodedCommand;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpVerb;
import io.github.ftproute.codec.LineTooLong;
import io.github.ftproute.codec.Malformed;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.core.DataPortAllocator;
import io.github.ftproute.core.LeasePurpose;
import io.github.ftproute.core.PortLease;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.Routed;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One FTP session routed by a {@link FtpSessionRouter}: the control connection of one client, its
 * backend, the data-port leases it holds, and the replies it holds back. Every FTP rule of a proxied
 * session lives here; a transport only moves bytes and does what the decisions say.
 *
 * <p>The transport feeds it every line from the client ({@link #onClientCommand}), every reply from
 * the backend ({@link #onServerReply}), and the end of each data connection ({@link
 * DataConnection#close()}). It routes on what each line says, never on counting replies (servers send
 * extra final replies, and ABOR draws 426 and 226 or one of them):
 *
 * <ul>
 *   <li>a 227, 228 or 229 reply gets a data-port lease (owner: the client; peer: the client's address;
 *       target: the backend's control address and the announced port, or the announced address if the
 *       router trusts it) and is rewritten to the advertised address and the leased port; with no port
 *       left, an announced port below the router's minimum, or a session over its lease rate, the
 *       client gets {@code 425} for that transfer and the session goes on;
 *   <li>PORT, EPRT and LPRT must name the client's own address (RFC 2577) and a port at or above the
 *       router's minimum; they get a lease on the backend-facing side (peer: the backend) and are
 *       rewritten to the proxy's backend-facing address ({@link #backendConnected}) and that port;
 *   <li>after {@code EPSV ALL}, PORT, EPRT, LPRT, PASV and LPSV are refused (RFC 2428 §4);
 *   <li>{@code EPSV 1}/{@code EPSV 2} go to the backend as plain {@code EPSV} when the control
 *       connection reached the proxy over that protocol, else they get {@code 522} (RFC 2428 §3): a
 *       229 makes the client connect to the address of its control connection;
 *   <li>a new data setup, {@code REIN}, and {@code USER} after login release the session's leases
 *       that no data connection has claimed yet;
 *   <li>the final reply that ends a transfer, and every reply after it, are held while a data
 *       connection of the session is open ({@link ReplyDecision.Hold}; the rule is written out in
 *       {@link DataConnection#close()});
 *   <li>a {@code 234} reply to AUTH gives {@link ReplyDecision.SecureControl}.
 * </ul>
 *
 * <p>After {@link #close()}, every call returns a no-op decision ({@link CommandDecision.Ignore},
 * {@link ReplyDecision.Ignore}): a late message after the other side closed is normal.
 *
 * <p><b>Thread safety.</b> All methods are synchronised on the session, so the client side and the
 * backend side of a proxy may call in from different threads; calls are served one at a time. Replies
 * must reach the client in the order the decisions hand them out: a transport that calls from two
 * threads writes each decision's {@link ReplyDecision#toClient()} before another call into the same
 * session can return (for example by calling and writing while holding the session's monitor).
 */
public final class FtpSession implements AutoCloseable {
  /** Where the control channel stands. */
  public enum ControlState {
    /** The session reads the control conversation in clear. */
    PLAIN,
    /** A 234 went out: the proxy must call {@link #continueDecrypted()} or {@link #switchToPersistence()}. */
    SECURING,
    /** The proxy terminates TLS and feeds the decrypted conversation. */
    DECRYPTED,
    /** The proxy no longer reads the conversation; the client's connections are routed by address. */
    PERSISTENCE,
    /** The session is closed. */
    CLOSED
  }

  private static final CommandDecision.Ignore IGNORE_COMMAND = new CommandDecision.Ignore();
  private static final ReplyDecision.Ignore IGNORE_REPLY = new ReplyDecision.Ignore();

  private final FtpSessionRouter router;
  private final SessionRules rules;
  private final DataPortAllocator allocator;
  private final RouterListener listener;
  private final Ticker ticker;
  private final long id;
  private final InetSocketAddress client;
  private final InetSocketAddress local;
  private final ClientKey key;
  private final Routed routed;
  private final @Nullable Object attachment;
  private final SessionLeases leases;
  private final ReplyOrder order = new ReplyOrder();
  private @Nullable InetSocketAddress backendLocal;
  private ControlState state = ControlState.PLAIN;
  private boolean epsvAll;
  private boolean loggedIn;

  FtpSession(FtpSessionRouter router, SessionRules rules, DataPortAllocator allocator, RouterListener listener,
      Ticker ticker, long id, InetSocketAddress client, InetSocketAddress local, ClientKey key, Routed routed,
      @Nullable Object attachment) {
    this.router = router;
    this.rules = rules;
    this.allocator = allocator;
    this.listener = listener;
    this.ticker = ticker;
    this.id = id;
    this.client = client;
    this.local = local;
    this.key = key;
    this.routed = routed;
    this.attachment = attachment;
    this.leases = new SessionLeases(allocator, listener, ticker, key, rules);
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

  /**
   * Returns the embedder's object given to {@link FtpSessionRouter#openSession(InetSocketAddress,
   * InetSocketAddress, Object)} (the transport's per-session state, say), or null if none was given.
   */
  public @Nullable Object attachment() {
    return attachment;
  }

  /** Returns where the control channel stands. */
  public synchronized ControlState controlState() {
    return state;
  }

  /** Returns how many data-port leases the session holds (claimed or not, and not yet released). */
  public synchronized int leaseCount() {
    return leases.live();
  }

  /**
   * Returns whether a data connection of the session is open: while it is, the control connection
   * is not idle, however long the transfer takes.
   */
  public synchronized boolean isTransferring() {
    return order.openData() > 0;
  }

  /** Returns how many replies wait for a data connection to finish. */
  public synchronized int heldReplies() {
    return order.heldCount();
  }

  /**
   * Tells the session the proxy's local address on its connection to the backend: active-mode
   * commands are rewritten to it, since that is the address the backend can reach the proxy at. A
   * transport calls it once the backend connection is up, before feeding any client command.
   */
  public synchronized void backendConnected(InetSocketAddress proxyAddress) {
    this.backendLocal = requireNonNull(proxyAddress, "proxyAddress");
  }

  /**
   * Decides what to do with one decoded line from the client.
   *
   * @return the decision; {@link CommandDecision.Ignore} once the session is closed
   * @throws IllegalStateException if the session no longer reads the conversation
   *     ({@link ControlState#SECURING}, {@link ControlState#PERSISTENCE}), or an active-mode command
   *     arrives before {@link #backendConnected}
   */
  public synchronized CommandDecision onClientCommand(DecodedCommand decoded) {
    requireNonNull(decoded, "decoded");
    if (state == ControlState.CLOSED) {
      return IGNORE_COMMAND;
    }
    checkReading();
    if (decoded instanceof Malformed malformed) {
      return answer(null, FtpReply.of(ReplyCode.SYNTAX_ERROR, "Syntax error, command unrecognized ("
          + malformed.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")"));
    }
    if (decoded instanceof LineTooLong) {
      return answer(null, FtpReply.of(ReplyCode.SYNTAX_ERROR, "Command line too long"));
    }
    FtpCommand command = (FtpCommand) decoded;
    FtpVerb verb = command.verb();
    if (verb.equals(FtpVerb.PORT) || verb.equals(FtpVerb.EPRT) || verb.equals(FtpVerb.LPRT)) {
      return epsvAll ? refuseAfterEpsvAll(command) : activeMode(command);
    }
    if (verb.equals(FtpVerb.PASV) || verb.equals(FtpVerb.LPSV)) {
      return epsvAll ? refuseAfterEpsvAll(command) : new CommandDecision.Forward(command);
    }
    if (verb.equals(FtpVerb.EPSV)) {
      return epsv(command);
    }
    if (verb.equals(FtpVerb.REIN) || (verb.equals(FtpVerb.USER) && loggedIn)) {
      leases.releaseUnclaimed();
      loggedIn = false;
      epsvAll = false;
    }
    return new CommandDecision.Forward(command);
  }

  private CommandDecision epsv(FtpCommand command) {
    Object outcome = DataCommands.epsv(command, local.getAddress());
    if (outcome instanceof FtpReply refusal) {
      return answer(command, refusal);
    }
    FtpCommand toBackend = (FtpCommand) outcome;
    if (DataCommands.isEpsvAll(command)) {
      epsvAll = true;
    }
    return toBackend == command ? new CommandDecision.Forward(command)
        : new CommandDecision.Rewrite(command, toBackend, OptionalInt.empty());
  }

  private CommandDecision activeMode(FtpCommand command) {
    Object checked = DataCommands.checkActive(command, client.getAddress(), rules);
    if (checked instanceof FtpReply refusal) {
      return answer(command, refusal);
    }
    InetSocketAddress announced = (InetSocketAddress) checked;
    InetSocketAddress proxySide = backendLocal;
    if (proxySide == null) {
      throw new IllegalStateException("backendConnected(...) must be called before active-mode commands");
    }
    leases.releaseUnclaimed();
    Object leased = leases.lease(this, routed.backend().endpoint().getAddress(), announced, LeasePurpose.ACTIVE);
    if (leased instanceof FtpReply refusal) {
      return answer(command, leases.refused(this, refusal));
    }
    PortLease lease = (PortLease) leased;
    FtpCommand replacement = DataCommands.rewriteActive(command,
        new InetSocketAddress(proxySide.getAddress(), lease.port()));
    return new CommandDecision.Rewrite(command, replacement, OptionalInt.of(lease.port()));
  }

  private CommandDecision refuseAfterEpsvAll(FtpCommand command) {
    return answer(command, DataCommands.notAfterEpsvAll(command));
  }

  private CommandDecision answer(@Nullable FtpCommand command, FtpReply reply) {
    if (command != null) {
      listener.commandRefused(this, command, reply);
    }
    return new CommandDecision.Answer(reply, !order.offerAnswer(reply));
  }

  /**
   * Decides what to do with one reply from the backend.
   *
   * @return the decision; {@link ReplyDecision.Ignore} once the session is closed
   * @throws IllegalStateException if the session no longer reads the conversation
   */
  public synchronized ReplyDecision onServerReply(FtpReply reply) {
    requireNonNull(reply, "reply");
    if (state == ControlState.CLOSED) {
      return IGNORE_REPLY;
    }
    checkReading();
    int code = reply.code().value();
    if (code == 227 || code == 228 || code == 229) {
      return passive(reply);
    }
    if (code == 234) {
      order.offer(reply);
      state = ControlState.SECURING;
      return new ReplyDecision.SecureControl(reply);
    }
    if (code == 230) {
      loggedIn = true;
    }
    return order.offer(reply) ? new ReplyDecision.Forward(reply) : new ReplyDecision.Hold(reply, OptionalInt.empty());
  }

  private ReplyDecision passive(FtpReply reply) {
    Object checked = DataCommands.passiveTarget(reply, routed.backend().endpoint().getAddress(), local, rules);
    if (checked instanceof FtpReply refusal) {
      return refusePassive(reply, refusal);
    }
    DataCommands.PassiveTarget passive = (DataCommands.PassiveTarget) checked;
    leases.releaseUnclaimed();
    Object leased = leases.lease(this, client.getAddress(), passive.target(), LeasePurpose.PASSIVE);
    if (leased instanceof FtpReply refusal) {
      return refusePassive(reply, refusal);
    }
    int port = ((PortLease) leased).port();
    FtpReply rewritten = passive.reply().rewrite(passive.advertised(), port);
    return order.offer(rewritten) ? new ReplyDecision.Rewrite(reply, rewritten, OptionalInt.of(port))
        : new ReplyDecision.Hold(rewritten, OptionalInt.of(port));
  }

  private ReplyDecision refusePassive(FtpReply original, FtpReply replacement) {
    leases.refused(this, replacement);
    return order.offer(replacement) ? new ReplyDecision.Rewrite(original, replacement, OptionalInt.empty())
        : new ReplyDecision.Hold(replacement, OptionalInt.empty());
  }

  /** The router admitted a data connection under {@code lease}; null if the session has closed. */
  synchronized @Nullable DataConnection admitted(PortLease lease) {
    if (state == ControlState.CLOSED) {
      return null;
    }
    order.dataOpened();
    return new DataConnection(this, lease);
  }

  /** A data connection of this session moved these bytes, reported to the listener. */
  void dataBytes(int port, long bytesFromClient, long bytesToClient) {
    listener.dataClosed(this, port, bytesFromClient, bytesToClient);
  }

  /** A data connection of this session closed: returns the replies now due, in order. */
  synchronized List<FtpReply> dataClosed(PortLease lease) {
    leases.forget(lease);
    List<FtpReply> due = order.dataClosed();
    return state == ControlState.CLOSED ? List.of() : due;
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
    leases.releaseUnclaimed();
  }

  /**
   * Ends the session: every lease it holds is released (a data connection still running keeps its
   * sockets; only the port's admission ends), held replies are dropped, and the client's affinity
   * entry loses this connection. Closing twice is harmless.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (state == ControlState.CLOSED) {
        return;
      }
      state = ControlState.CLOSED;
      leases.releaseAll();
    }
    router.sessionClosed(this, routed);
  }

  private void checkReading() {
    if (state != ControlState.PLAIN && state != ControlState.DECRYPTED) {
      throw new IllegalStateException("session " + id + " is " + state + " (expected: PLAIN or DECRYPTED)");
    }
  }

  private void checkState(ControlState expected) {
    if (state != expected) {
      throw new IllegalStateException("session " + id + " is " + state + " (expected: " + expected + ")");
    }
  }

  @Override
  public String toString() {
    return "FtpSession[" + id + " " + client + " -> " + routed.backend().id() + ", " + state + "]";
  }
}
