package io.github.ftproute.routing.mina;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.SocketSessionConfig;

/** Per-connection socket settings of the transport, in one place. */
final class MinaSessions {
  /** How far a data connection's reads may grow beyond their configured size. */
  static final int READ_GROWTH = 4;
  /** A spliced connection's reads until one fills its buffer. */
  static final int FIRST_READ_BYTES = 4096;

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
   * reply, must not wait for a delayed ACK), and reads that start small and become {@code
   * bufferBytes} chunks at the first read that fills its buffer (see {@link #dataRead}).
   */
  static void configureData(IoSession session, int bufferBytes) {
    if (session.getConfig() instanceof SocketSessionConfig socket) {
      socket.setTcpNoDelay(true);
    }
    int start = Math.min(bufferBytes, FIRST_READ_BYTES);
    // max first: MINA refuses a minimum above the current maximum (64 KiB by default)
    session.getConfig().setMaxReadBufferSize(bufferBytes * READ_GROWTH); // MINA doubles the size while reads fill it
    session.getConfig().setReadBufferSize(start);
    session.getConfig().setMinReadBufferSize(start);
  }

  /**
   * Called with each read of a spliced connection: a read that filled its buffer means bulk, and
   * from then on reads are at least the configured chunk. MINA allocates (and zeroes) a buffer of
   * the read size on every read, the end-of-stream read included, so the short connections of a
   * busy proxy (control lines in persistence mode, small files) must not pay for 128 KiB each time;
   * and the floor keeps MINA from halving a bulk connection's reads whenever one comes back short.
   */
  static void dataRead(IoSession session, IoBuffer buffer) {
    var config = session.getConfig();
    int bulk = config.getMaxReadBufferSize() / READ_GROWTH;
    if (config.getMinReadBufferSize() < bulk && buffer.remaining() >= config.getReadBufferSize()) {
      config.setReadBufferSize(bulk);
      config.setMinReadBufferSize(bulk);
    }
  }
}
