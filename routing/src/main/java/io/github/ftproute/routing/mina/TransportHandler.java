package io.github.ftproute.routing.mina;

import java.util.function.Function;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one MINA handler of the transport's acceptor and connector: it hands each event to the
 * session's {@link Endpoint}. Accepted sessions get theirs from {@code onAccept}; connected sessions
 * carry one from their connect initializer.
 */
final class TransportHandler extends IoHandlerAdapter {
  static final String ENDPOINT = Endpoint.class.getName();
  private static final Logger logger = LoggerFactory.getLogger(MinaTransport.class);

  private final Function<IoSession, @Nullable Endpoint> onAccept;

  TransportHandler(Function<IoSession, @Nullable Endpoint> onAccept) {
    this.onAccept = onAccept;
  }

  static @Nullable Endpoint endpoint(IoSession session) {
    return (Endpoint) session.getAttribute(ENDPOINT);
  }

  static void attach(IoSession session, Endpoint endpoint) {
    session.setAttribute(ENDPOINT, endpoint);
  }

  @Override
  public void sessionOpened(IoSession session) {
    Endpoint endpoint = endpoint(session);
    if (endpoint == null) {
      endpoint = onAccept.apply(session);
      if (endpoint == null) {
        session.closeNow();
        return;
      }
      attach(session, endpoint);
    }
    endpoint.opened(session);
  }

  @Override
  public void messageReceived(IoSession session, Object message) {
    Endpoint endpoint = endpoint(session);
    if (endpoint != null && message instanceof IoBuffer buffer) {
      endpoint.received(session, buffer);
    }
  }

  @Override
  public void messageSent(IoSession session, Object message) {
    Endpoint endpoint = endpoint(session);
    if (endpoint != null) {
      endpoint.sent(session);
    }
  }

  @Override
  public void inputClosed(IoSession session) {
    Endpoint endpoint = endpoint(session);
    if (endpoint != null) {
      endpoint.inputClosed(session);
    } else {
      session.closeNow();
    }
  }

  @Override
  public void sessionClosed(IoSession session) {
    Endpoint endpoint = endpoint(session);
    if (endpoint != null) {
      endpoint.closed(session);
    }
  }

  @Override
  public void sessionIdle(IoSession session, IdleStatus status) {
    Endpoint endpoint = endpoint(session);
    if (endpoint != null) {
      endpoint.idle(session, status);
    }
  }

  @Override
  public void exceptionCaught(IoSession session, Throwable cause) {
    logger.debug("connection {} failed", session.getRemoteAddress(), cause);
    session.closeNow();
  }
}
