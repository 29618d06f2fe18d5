package io.github.ftproute.routing.mina;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.session.IoSession;
import org.jspecify.annotations.Nullable;

/**
 * An accepted connection (a data connection, or any connection in persistence mode) from the moment
 * it is admitted until it is spliced to its target. Reading waits until the target is connected; the
 * splice is installed in the connect's initializer, before the target's first byte can arrive, and
 * {@code onFinish} runs exactly once: when the splice has delivered everything, or when the link
 * fails before it began.
 *
 * <p><b>The end of an FTP transfer.</b> The splice passes half-closes through, which is right for
 * a connection the transport does not read (persistence mode). On an FTP data connection, though,
 * the server's end of input ends the transfer (RFC 959 stream mode: the sender closes to mark the
 * end of the file; a receiving server closes after the client's end of file): the client's side is
 * then closed as soon as everything queued for it is written. Waiting for the client to close its
 * side first could wait forever, since a client may well keep its data connection open until it has
 * read the final reply, and the session holds that reply until the data connection is finished. The
 * client's own end of input is passed on as a half-close, as before.
 */
final class DataLink implements Endpoint {
  /** Which side of a link is an FTP server's data connection. */
  enum ServerSide {
    /** Neither: not an FTP data connection (persistence mode); half-closes pass through. */
    NONE,
    /** The accepted connection (active mode: the backend connected to the proxy's data port). */
    ACCEPTED,
    /** The connection to the target (passive mode: the proxy connected to the backend's data port). */
    TARGET
  }

  private final MinaTransport transport;
  private final IoSession accepted;
  private final ServerSide serverSide;
  private final Runnable onFinish;
  private @Nullable IoBuffer early;
  private @Nullable Splice splice;
  private @Nullable Endpoint acceptedEnd;
  private boolean closedEarly;
  private boolean finished;

  private DataLink(MinaTransport transport, IoSession accepted, ServerSide serverSide, @Nullable IoBuffer early,
      Runnable onFinish) {
    this.transport = transport;
    this.early = early;
    this.accepted = accepted;
    this.serverSide = serverSide;
    this.onFinish = onFinish;
  }

  /**
   * Suspends {@code accepted}, connects to {@code target} from {@code localBind}, and splices the two;
   * {@code serverSide} names the FTP server's side, whose end of input ends the link; {@code early}
   * holds bytes already read from {@code accepted} (after a PROXY header), sent to the target first.
   */
  static DataLink connect(MinaTransport transport, IoSession accepted, InetSocketAddress target,
      @Nullable InetAddress localBind, ServerSide serverSide, @Nullable IoBuffer early, Runnable onFinish) {
    accepted.suspendRead();
    MinaSessions.configureData(accepted, transport.config().dataBufferBytes());
    DataLink link = new DataLink(transport, accepted, serverSide, early, onFinish);
    ConnectFuture connect = transport.connect(target, localBind, accepted, link::connected);
    connect.addListener(future -> {
      if (!((ConnectFuture) future).isConnected()) {
        accepted.closeNow();
      }
    });
    return link;
  }

  private void connected(IoSession peer) {
    MinaSessions.configureData(peer, transport.config().dataBufferBytes());
    Splice created;
    Endpoint createdEnd;
    IoBuffer first;
    synchronized (this) {
      first = early;
      early = null;
      if (closedEarly) {
        TransportHandler.attach(peer, ClosingEnd.INSTANCE);
        peer.closeNow();
        return;
      }
      created = new Splice(new MinaSide(accepted), new MinaSide(peer), transport.config().spliceHighWater(),
          transport.config().spliceLowWater(), this::finish);
      splice = created;
      createdEnd = end(created, 0, accepted, peer, serverSide == ServerSide.ACCEPTED);
      acceptedEnd = createdEnd;
    }
    TransportHandler.attach(peer, end(created, 1, peer, accepted, serverSide == ServerSide.TARGET));
    TransportHandler.attach(accepted, createdEnd);
    if (first != null) {
      created.received(0, first);
    }
    MinaSide.resumeAndWake(accepted);
  }

  private static Endpoint end(Splice splice, int side, IoSession self, IoSession other, boolean server) {
    return server ? new ServerEnd(splice, side, self, other) : new SplicedEnd(splice, side);
  }

  private void finish() {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
    }
    onFinish.run();
  }

  @Override
  public void received(IoSession session, IoBuffer buffer) {
    MinaSessions.dataRead(session, buffer);
    Splice current = current();
    if (current != null) {
      current.received(0, buffer);
    }
  }

  @Override
  public void sent(IoSession session) {
    Splice current = current();
    if (current != null) {
      current.sent(0);
    }
  }

  @Override
  public void inputClosed(IoSession session) {
    Endpoint end;
    synchronized (this) {
      end = acceptedEnd;
    }
    if (end != null) {
      end.inputClosed(session);
    } else {
      session.closeNow();
    }
  }

  @Override
  public void closed(IoSession session) {
    Splice current;
    synchronized (this) {
      current = splice;
      closedEarly = current == null;
    }
    if (current != null) {
      current.closed(0);
    } else {
      finish();
    }
  }

  private synchronized @Nullable Splice current() {
    return splice;
  }

  /**
   * The FTP server's side of a data connection: its end of input is the end of the transfer, so
   * both sides close once everything queued is written.
   */
  record ServerEnd(Splice splice, int side, IoSession self, IoSession other) implements Endpoint {
    @Override
    public void received(IoSession session, IoBuffer buffer) {
      MinaSessions.dataRead(session, buffer);
      splice.received(side, buffer);
    }

    @Override
    public void sent(IoSession session) {
      splice.sent(side);
    }

    @Override
    public void inputClosed(IoSession session) {
      splice.inputClosed(side); // the FIN goes on after the queued bytes
      other.closeOnFlush(); // then the connection closes: the client need not close first
      self.closeOnFlush();
    }

    @Override
    public void closed(IoSession session) {
      splice.closed(side);
    }
  }

  /** The endpoint of a connection that is only being closed. */
  enum ClosingEnd implements Endpoint {
    INSTANCE;

    @Override
    public void received(IoSession session, IoBuffer buffer) {}

    @Override
    public void inputClosed(IoSession session) {
      session.closeNow();
    }

    @Override
    public void closed(IoSession session) {}
  }
}
