package io.github.ftproute.examples;

import io.github.ftproute.codec.FtpEncoder;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.routing.FtpSession;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.jspecify.annotations.Nullable;

/**
 * The proxy's side of one FTP session: the client and backend control connections, and the final
 * replies held back while a data connection of the session is still moving bytes.
 *
 * <p>A backend's {@code 226 Transfer complete} can overtake the last data bytes on their way through
 * the proxy; a client that believes it then may cut the file short. So once a transfer has started
 * (a 1xx reply went by), the final reply that ends it waits here while a data splice of the session is
 * still open, and every reply after it waits too, to keep the order; they go out when the splice has
 * delivered everything and closed. Replies before the transfer starts pass at once even while a data
 * connection is open (curl connects right after the 229 and only then sends {@code TYPE I} and
 * {@code RETR}), and so does the 1xx itself: clients such as Commons Net wait for it before they read
 * any data.
 */
final class ProxySession {
  final FtpSession session;
  final IoSession client;
  private @Nullable IoSession backend;
  private final Deque<FtpReply> held = new ArrayDeque<>();
  private int openSplices;
  private boolean transferStarted;
  private boolean backendGone;
  private boolean closed;
  long controlBytesUp;
  long controlBytesDown;
  long dataBytes;

  ProxySession(FtpSession session, IoSession client) {
    this.session = session;
    this.client = client;
  }

  synchronized void backend(IoSession backend) {
    this.backend = backend;
  }

  synchronized @Nullable IoSession backend() {
    return backend;
  }

  /** Sends a reply to the client now, or holds it while a data splice is open. */
  synchronized void toClient(FtpReply reply) {
    boolean endsTransfer = transferStarted && reply.isFinal();
    transferStarted = !reply.isFinal() || (transferStarted && !endsTransfer);
    if (!held.isEmpty() || (endsTransfer && openSplices > 0)) {
      held.add(reply);
      return;
    }
    write(reply);
  }

  /** Writes encoded bytes, so a reply still goes out after the codec is removed (AUTH TLS). */
  private void write(FtpReply reply) {
    client.write(IoBuffer.wrap(FtpEncoder.encode(reply)));
  }

  synchronized void spliceOpened() {
    openSplices++;
  }

  /** A data splice finished: release the replies it held, then close if the backend has gone. */
  synchronized void spliceClosed(long bytes) {
    openSplices--;
    dataBytes += bytes;
    if (openSplices > 0) {
      return;
    }
    while (!held.isEmpty()) {
      write(held.poll());
    }
    if (backendGone) {
      client.closeOnFlush();
    }
  }

  synchronized boolean hasOpenSplices() {
    return openSplices > 0;
  }

  /** The backend closed its control connection: close the client's once held replies are out. */
  synchronized void backendClosed() {
    backendGone = true;
    if (held.isEmpty()) {
      client.closeOnFlush();
    }
  }

  /** Returns true the first time only. */
  synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }
}
