package io.github.ftproute.routing.mina;

import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.SocketSessionConfig;

/** Per-connection socket settings of the transport, in one place. */
final class MinaSessions {
  private MinaSessions() {}

  /**
   * A control connection: TCP_NODELAY, or each small reply can wait for a delayed ACK (about 40 ms
   * on Linux); and the idle time that drives its deadline.
   */
  static void configureControl(IoSession session, int idleSeconds, IdleStatus idle) {
    if (session.getConfig() instanceof SocketSessionConfig socket) {
      socket.setTcpNoDelay(true);
    }
    session.getConfig().setIdleTime(idle, idleSeconds);
  }

  /** A data connection: reads in {@code bufferBytes} chunks from the start (MINA starts at 2 KiB). */
  static void configureData(IoSession session, int bufferBytes) {
    session.getConfig().setMinReadBufferSize(bufferBytes);
    session.getConfig().setReadBufferSize(bufferBytes);
    session.getConfig().setMaxReadBufferSize(bufferBytes);
  }
}
