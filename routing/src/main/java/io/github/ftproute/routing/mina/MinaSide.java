package io.github.ftproute.routing.mina;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.polling.AbstractPollingIoProcessor;
import org.apache.mina.core.session.AbstractIoSession;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSession;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SpliceSide} on a MINA session, with the things MINA 2.2 does not do by itself: a
 * {@code resumeRead()} from another thread that takes effect at once and reliably, read suspension
 * that leaves a half-written message's write interest alone, and a TCP half-close.
 *
 * <p>MINA 2.2's {@code suspendRead()} and {@code resumeRead()} apply the change to the selection key
 * on the calling thread, with a read-modify-write of the interest set, and they recompute write
 * interest from the write queue alone. Two ways to stall a splice follow: a message the socket took
 * only part of is no longer in the queue, so its write interest is dropped and, under backpressure,
 * no new write comes to restore it; and a resume from another thread can be overwritten by the
 * session's own I/O thread updating the same interest set for its writes, leaving a session that
 * is not suspended but is never read. Both were seen in {@code SpliceSocketTest}.
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
    if (session instanceof AbstractIoSession s) {
      s.getProcessor().flush(s); // a flush sets write interest right for a half-written message
    }
  }

  @Override
  public void resumeRead() {
    resumeAndWake(session);
  }

  /**
   * Resumes reading on {@code session} at once, from any thread. MINA 2.2's {@code resumeRead()} only
   * changes the selection key's interest set, from the calling thread: a processor blocked in {@code
   * select()} sees it up to a second later, and the session's processor may overwrite it at the same
   * moment. So the session's own processor is asked to apply the interest set again (which also
   * wakes it), and to flush, which restores the write interest of a half-written message.
   */
  static void resumeAndWake(IoSession session) {
    session.resumeRead();
    if (session instanceof AbstractIoSession s) {
      AbstractPollingIoProcessor<AbstractIoSession> own = ownProcessor(s);
      if (own != null) {
        own.updateTrafficMask(s);
      }
      s.getProcessor().flush(s);
    }
  }

  /** Returns the processor that runs {@code session}'s I/O thread (a pool keeps it in an attribute). */
  @SuppressWarnings("unchecked")
  private static @Nullable AbstractPollingIoProcessor<AbstractIoSession> ownProcessor(AbstractIoSession session) {
    if (session.getProcessor() instanceof AbstractPollingIoProcessor<?> own) {
      return (AbstractPollingIoProcessor<AbstractIoSession>) own;
    }
    for (Object key : session.getAttributeKeys()) {
      if (session.getAttribute(key) instanceof AbstractPollingIoProcessor<?> own) {
        return (AbstractPollingIoProcessor<AbstractIoSession>) own;
      }
    }
    return null;
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
