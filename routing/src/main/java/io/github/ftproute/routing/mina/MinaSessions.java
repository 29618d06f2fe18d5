package io.github.ftproute.routing.mina;

import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.SocketSessionConfig;

/** Per-connection socket settings of the transport, in one place. */
final class MinaSessions {
  /** How far a data connection's reads may grow beyond their configured size. */
  static final int READ_GROWTH = 4;

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

  /**
   * A spliced connection: TCP_NODELAY (the last short segment of a transfer, or of a spliced control
   * reply, must not wait for a delayed ACK), and reads in {@code bufferBytes} chunks from the start
   * (MINA starts at 2 KiB and grows only as reads fill it).
   */
  static void configureData(IoSession session, int bufferBytes) {
    if (session.getConfig() instanceof SocketSessionConfig socket) {
      socket.setTcpNoDelay(true);
    }
    // max first: MINA refuses a minimum above the current maximum (64 KiB by default)
    session.getConfig().setMaxReadBufferSize(bufferBytes * READ_GROWTH); // MINA doubles the size while reads fill it
    session.getConfig().setReadBufferSize(bufferBytes);
    session.getConfig().setMinReadBufferSize(bufferBytes);
  }
}
