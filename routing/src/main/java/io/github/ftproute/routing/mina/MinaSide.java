package io.github.ftproute.routing.mina;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.AbstractIoSession;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSession;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SpliceSide} on a MINA session, with the two things MINA 2.2 does not do by itself: a
 * {@code resumeRead()} from another thread that takes effect at once, and a TCP half-close.
 */
record MinaSide(IoSession session) implements SpliceSide {
  private static final @Nullable VarHandle CHANNEL = channelHandle();

  private static @Nullable VarHandle channelHandle() {
    try {
      return MethodHandles.privateLookupIn(NioSession.class, MethodHandles.lookup())
          .findVarHandle(NioSession.class, "channel", Channel.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // half-close then degrades to a close after flush
    }
  }

  @Override
  public void write(IoBuffer buffer) {
    session.write(buffer);
  }

  @Override
  public long queuedBytes() {
    return session.getScheduledWriteBytes();
  }

  @Override
  public void suspendRead() {
    session.suspendRead();
  }

  @Override
  public void resumeRead() {
    resumeAndWake(session);
  }

  /**
   * Resumes reading on {@code session} at once. MINA 2.2's {@code resumeRead()} only changes the
   * selection key's interest set; a processor thread blocked in {@code select()} sees the change when
   * that call returns, up to a second later. Asking the processor to flush the session wakes it.
   */
  static void resumeAndWake(IoSession session) {
    session.resumeRead();
    if (session instanceof AbstractIoSession s) {
      s.getProcessor().flush(s);
    }
  }

  @Override
  public void shutdownOutput() {
    shutdownOutput(session);
  }

  /** Sends a FIN on {@code session}'s socket; falls back to closing after flush if it cannot. */
  static void shutdownOutput(IoSession session) {
    VarHandle handle = CHANNEL;
    if (handle != null && session instanceof NioSession nio && handle.get(nio) instanceof SocketChannel channel) {
      try {
        channel.shutdownOutput();
        return;
      } catch (IOException | RuntimeException e) {
        // the connection is gone already: closing it is all that is left
      }
    }
    session.closeOnFlush();
  }

  @Override
  public void closeOnFlush() {
    session.closeOnFlush();
  }
}
