package io.github.ftproute.routing.mina;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;

/** What the transport does with the events of one MINA session; stored as the session's attribute. */
interface Endpoint {
  /** The session is open (for a connected session: its connect completed). */
  default void opened(IoSession session) {}

  /** Bytes arrived. */
  void received(IoSession session, IoBuffer buffer);

  /** A write completed. */
  default void sent(IoSession session) {}

  /** The peer half-closed: no more bytes will arrive. */
  void inputClosed(IoSession session);

  /** The session closed. */
  void closed(IoSession session);

  /** The session was idle for its configured time. */
  default void idle(IoSession session, IdleStatus status) {}
}
