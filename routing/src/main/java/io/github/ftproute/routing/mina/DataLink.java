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
 */
final class DataLink implements Endpoint {
  private final MinaTransport transport;
  private final IoSession accepted;
  private final Runnable onFinish;
  private @Nullable Splice splice;
  private boolean closedEarly;
  private boolean finished;

  private DataLink(MinaTransport transport, IoSession accepted, Runnable onFinish) {
    this.transport = transport;
    this.accepted = accepted;
    this.onFinish = onFinish;
  }

  /** Suspends {@code accepted}, connects to {@code target} from {@code localBind}, and splices the two. */
  static DataLink connect(MinaTransport transport, IoSession accepted, InetSocketAddress target,
      @Nullable InetAddress localBind, Runnable onFinish) {
    accepted.suspendRead();
    MinaSessions.configureData(accepted, transport.config().dataBufferBytes());
    DataLink link = new DataLink(transport, accepted, onFinish);
    ConnectFuture connect = transport.connect(target, localBind, link::connected);
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
    synchronized (this) {
      if (closedEarly) {
        TransportHandler.attach(peer, ClosingEnd.INSTANCE);
        peer.closeNow();
        return;
      }
      created = new Splice(new MinaSide(accepted), new MinaSide(peer), transport.config().spliceHighWater(),
          transport.config().spliceLowWater(), this::finish);
      splice = created;
    }
    TransportHandler.attach(peer, new SplicedEnd(created, 1));
    TransportHandler.attach(accepted, new SplicedEnd(created, 0));
    MinaSide.resumeAndWake(accepted);
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
    Splice current = current();
    if (current != null) {
      current.inputClosed(0);
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
