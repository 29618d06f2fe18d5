package io.github.ftproute.routing.mina;

import io.github.ftproute.codec.DecodedCommand;
import io.github.ftproute.codec.DecodedReply;
import io.github.ftproute.codec.FtpCommandDecoder;
import io.github.ftproute.codec.FtpEncoder;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpReplyDecoder;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.routing.CommandDecision;
import io.github.ftproute.routing.DataConnection;
import io.github.ftproute.routing.FtpSession;
import io.github.ftproute.routing.ReplyDecision;
import io.github.ftproute.routing.SessionOpening;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two control connections of one FTP session in rewrite mode, client and backend, and the
 * {@link FtpSession} that decides everything about them. It moves bytes and does what the decisions
 * say: nothing here knows FTP beyond "a reply is a line the codec decodes".
 *
 * <p>Failure paths each send one {@code 421} and close: the backend cannot be reached, it sends no
 * greeting or no reply within the backend timeout, it sends a malformed reply, it closes without
 * answering, or the client stays idle past the control timeout while no data connection moves. A
 * half-close from the client is passed to the backend once the commands before it are written.
 *
 * <p>Thread safety: the client's and the backend's events come from their own I/O threads, and data
 * connections finish on theirs; every decision is taken and written under this object's monitor, so
 * replies reach the client in the order the session hands them out.
 */
final class ControlRelay implements Endpoint {
  private static final Logger logger = LoggerFactory.getLogger(MinaTransport.class);
  private static final long CONTROL_HIGH_WATER = 64 * 1024;
  private static final long CONTROL_LOW_WATER = 16 * 1024;

  private final MinaTransport transport;
  private final IoSession client;
  private final FtpCommandDecoder commands;
  private final FtpReplyDecoder replies;
  private final AtomicBoolean clientPaused = new AtomicBoolean();
  private final AtomicBoolean backendPaused = new AtomicBoolean();
  private @Nullable FtpSession session;
  private @Nullable IoSession backend;
  private @Nullable Splice passthrough;
  private boolean awaitingReply = true; // the greeting
  private boolean failed;
  private boolean backendGone;
  private boolean backendShutdownPending;
  private boolean closed;
  private boolean dataEverFinished;
  private long lastDataFinishedNanos; // router ticker time, valid when dataEverFinished
  private final long openedNanos;
  private int transfers;
  private long bytesFromClient;
  private long bytesToClient;
  private @Nullable String outcome; // why the session ended, for its log line; null while it runs

  ControlRelay(MinaTransport transport, IoSession client) {
    this.transport = transport;
    this.client = client;
    this.commands = transport.config().codec().newCommandDecoder();
    this.replies = transport.config().codec().newReplyDecoder();
    this.openedNanos = transport.router().ticker().read();
  }

  synchronized @Nullable FtpSession session() {
    return session;
  }

  @Override
  public void opened(IoSession s) {
    if (s != client) {
      backendOpened(s);
      return;
    }
    MinaSessions.configureControl(client, transport.config().controlIdleTimeoutSeconds(), IdleStatus.READER_IDLE);
    SessionOpening opening = transport.router().openSession(
        (InetSocketAddress) client.getRemoteAddress(), (InetSocketAddress) client.getLocalAddress(), this);
    if (opening instanceof SessionOpening.Refused refused) {
      client.write(encode(refused.reply()));
      client.closeOnFlush();
      return;
    }
    FtpSession opened = ((SessionOpening.Opened) opening).session();
    synchronized (this) {
      session = opened;
    }
    transport.register(this);
    client.suspendRead(); // nothing to relay to until the backend is connected
    ConnectFuture connect = transport.connect(opened.backend().endpoint(), transport.config().backendSource(), client,
        backendSession -> TransportHandler.attach(backendSession, this));
    connect.addListener(future -> {
      if (!((ConnectFuture) future).isConnected()) {
        logger.warn("backend {} unreachable for session {}", opened.backend().id(), opened.id());
        transport.backendUnreachable(opened.backend());
        fail("Service not available: backend unreachable, try again");
      }
    });
  }

  private void backendOpened(IoSession s) {
    MinaSessions.configureControl(s, transport.config().backendTimeoutSeconds(), IdleStatus.BOTH_IDLE);
    FtpSession current;
    synchronized (this) {
      backend = s;
      current = session;
      if (closed || current == null) {
        s.closeNow();
        return;
      }
      current.backendConnected((InetSocketAddress) s.getLocalAddress());
    }
    MinaSide.resumeAndWake(client);
  }

  @Override
  public void received(IoSession s, IoBuffer buffer) {
    Splice splice = passthrough();
    if (splice != null) {
      splice.received(s == client ? 0 : 1, buffer);
      return;
    }
    if (s == client) {
      commands.decode(buffer.buf(), this::onCommand);
      pauseIfFull(client, backend, clientPaused);
    } else {
      replies.decode(buffer.buf(), this::onReply);
      pauseIfFull(s, client, backendPaused);
    }
  }

  private synchronized @Nullable Splice passthrough() {
    return passthrough;
  }

  private synchronized void onCommand(DecodedCommand command) {
    FtpSession current = session;
    IoSession toBackend = backend;
    if (current == null || toBackend == null || failed) {
      return;
    }
    CommandDecision decision = current.onClientCommand(command);
    write(decision.toClient());
    if (decision.toBackend().isPresent()) {
      toBackend.write(IoBuffer.wrap(FtpEncoder.encode(decision.toBackend().get())));
      awaitingReply = true;
    }
  }

  private void onReply(DecodedReply decoded) {
    if (!(decoded instanceof FtpReply reply)) {
      protocolError(decoded.toString());
      return;
    }
    synchronized (this) {
      FtpSession current = session;
      if (current == null || failed) {
        return;
      }
      awaitingReply = false;
      ReplyDecision decision = current.onServerReply(reply);
      write(decision.toClient());
      if (decision.securesControl()) {
        startPassthrough(current);
      }
    }
  }

  /** After a 234 the control channel is TLS: pass its bytes through unread (see FtpSession#switchToPersistence). */
  private void startPassthrough(FtpSession current) {
    IoSession toBackend = backend;
    if (toBackend == null) {
      return;
    }
    current.switchToPersistence();
    passthrough = new Splice(new MinaSide(client), new MinaSide(toBackend),
        transport.config().spliceHighWater(), transport.config().spliceLowWater(), () -> { });
    if (clientPaused.compareAndSet(true, false)) {
      MinaSide.resumeAndWake(client);
    }
    if (backendPaused.compareAndSet(true, false)) {
      MinaSide.resumeAndWake(toBackend);
    }
  }

  private void protocolError(@Nullable String detail) {
    FtpSession current = session();
    logger.warn("backend {} sent a bad reply in session {}: {}",
        current == null ? "?" : current.backend().id(), current == null ? 0 : current.id(), detail);
    fail("Backend protocol error");
  }

  /** Control backpressure: a peer that does not read makes the sender pause, as in a {@link Splice}. */
  private static void pauseIfFull(IoSession from, @Nullable IoSession to, AtomicBoolean paused) {
    if (to != null && to.getScheduledWriteBytes() > CONTROL_HIGH_WATER) {
      from.suspendRead();
      paused.set(true);
      if (to.getScheduledWriteBytes() <= CONTROL_LOW_WATER && paused.compareAndSet(true, false)) {
        MinaSide.resumeAndWake(from);
      }
    }
  }

  @Override
  public void sent(IoSession s) {
    Splice splice = passthrough();
    if (splice != null) {
      splice.sent(s == client ? 0 : 1);
      return;
    }
    long queued = s.getScheduledWriteBytes();
    AtomicBoolean paused = s == client ? backendPaused : clientPaused;
    IoSession other = s == client ? backend : client;
    if (queued <= CONTROL_LOW_WATER && other != null && paused.compareAndSet(true, false)) {
      MinaSide.resumeAndWake(other);
    }
    if (s != client && queued == 0) {
      boolean shutdown;
      synchronized (this) {
        shutdown = backendShutdownPending;
        backendShutdownPending = false;
      }
      if (shutdown) {
        MinaSide.shutdownOutput(s);
      }
    }
  }

  @Override
  public void inputClosed(IoSession s) {
    s.suspendRead();
    Splice splice = passthrough();
    if (splice != null) {
      splice.inputClosed(s == client ? 0 : 1);
      return;
    }
    if (s != client) {
      backendFinished();
      return;
    }
    // The client half-closed: it still reads. Pass the FIN on once its commands are written.
    IoSession toBackend;
    synchronized (this) {
      toBackend = backend;
      if (toBackend != null && toBackend.getScheduledWriteBytes() > 0) {
        backendShutdownPending = true;
        toBackend = null;
      }
    }
    if (toBackend != null) {
      MinaSide.shutdownOutput(toBackend);
    } else if (backend() == null) {
      client.closeNow(); // the client left before its backend was reached
    }
  }

  private synchronized @Nullable IoSession backend() {
    return backend;
  }

  @Override
  public void closed(IoSession s) {
    Splice splice = passthrough();
    if (splice != null) {
      splice.closed(s == client ? 0 : 1);
    }
    if (s != client) {
      backendFinished();
      return;
    }
    FtpSession current;
    IoSession toBackend;
    String ended;
    int moved;
    long up;
    long down;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      current = session;
      toBackend = backend;
      ended = outcome != null ? outcome : "client closed";
      moved = transfers;
      up = bytesFromClient;
      down = bytesToClient;
    }
    if (toBackend != null) {
      toBackend.closeOnFlush();
    }
    if (current != null) {
      current.close();
      transport.unregister(this);
      SessionLog.rewrite(current, moved, up, down, transport.router().ticker().read() - openedNanos, ended);
    }
  }

  /** The backend will send no more: one 421 if it left a command unanswered; close when data is done. */
  private synchronized void backendFinished() {
    if (backendGone) {
      return;
    }
    backendGone = true;
    if (outcome == null && !closed) {
      outcome = "backend closed";
    }
    if (passthrough != null || closed) {
      client.closeOnFlush();
      return;
    }
    if (awaitingReply && !failed) {
      fail("Service not available: the server closed the connection");
      return;
    }
    FtpSession current = session;
    if (current == null || !current.isTransferring()) {
      client.closeOnFlush();
    }
  }

  /**
   * A data connection of the session delivered its last byte: close it and write the replies now
   * due. Both happen under this monitor, so a reply decided on the backend's thread cannot slip in
   * between.
   */
  synchronized void dataFinished(DataConnection connection, long bytesFromClient, long bytesToClient) {
    write(connection.close(bytesFromClient, bytesToClient));
    transfers++;
    this.bytesFromClient += bytesFromClient;
    this.bytesToClient += bytesToClient;
    dataEverFinished = true;
    lastDataFinishedNanos = transport.router().ticker().read();
    FtpSession current = session;
    if (backendGone && current != null && !current.isTransferring()) {
      client.closeOnFlush();
    }
  }

  @Override
  public void idle(IoSession s, IdleStatus status) {
    synchronized (this) {
      FtpSession current = session;
      if (current == null || failed || passthrough != null || current.isTransferring()) {
        return; // a long transfer is moving: the control connection is not idle
      }
      if (s == client) {
        if (dataEverFinished && transport.router().ticker().read() - lastDataFinishedNanos
            < TimeUnit.SECONDS.toNanos(transport.config().controlIdleTimeoutSeconds())) {
          return; // idle since before a transfer that just ended: the client was busy with it
        }
        fail("Timeout: closing control connection");
      } else if (awaitingReply) {
        fail("Service not available: the server did not answer in time");
      }
    }
  }

  /** Sends one 421 and closes both control connections; later failures send nothing. */
  synchronized void fail(String text) {
    if (failed || closed) {
      return;
    }
    failed = true;
    if (outcome == null) {
      outcome = "421 " + text;
    }
    client.write(encode(FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, text)));
    client.closeOnFlush();
    if (backend != null) {
      backend.closeNow();
    }
  }

  /** Closes both control connections now (the transport is closing). */
  void abort(String text) {
    fail(text);
  }

  private void write(List<FtpReply> out) {
    for (int i = 0; i < out.size(); i++) {
      client.write(encode(out.get(i)));
    }
  }

  private static IoBuffer encode(FtpReply reply) {
    return IoBuffer.wrap(FtpEncoder.encode(reply));
  }

  InetSocketAddress clientFacingAddress() {
    return (InetSocketAddress) client.getLocalAddress();
  }
}
