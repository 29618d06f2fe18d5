package io.github.ftproute.examples;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.AbstractIoSession;
import org.apache.mina.core.session.IoSession;
import org.jspecify.annotations.Nullable;

/**
 * Two TCP connections spliced byte for byte, with backpressure: when one side has more than
 * {@link #HIGH_WATER} bytes waiting to be written, the other side stops reading until the queue drains
 * below {@link #LOW_WATER}. A slow reader therefore never makes the proxy buffer a whole file. When one
 * side ends, the other is closed once everything queued for it is written.
 */
final class Splice {
  static final String ATTRIBUTE = Splice.class.getName();
  static final long HIGH_WATER = 256 * 1024;
  static final long LOW_WATER = 64 * 1024;

  private final Runnable onFinish;
  private @Nullable IoSession first;
  private @Nullable IoSession second;
  private int closed;
  private boolean finished;
  private long bytes;

  Splice(Runnable onFinish) {
    this.onFinish = onFinish;
  }

  /** Attaches one side. */
  synchronized void attach(IoSession session) {
    if (first == null) {
      first = session;
    } else {
      second = session;
    }
    session.setAttribute(ATTRIBUTE, this);
  }

  static @Nullable Splice of(IoSession session) {
    return (Splice) session.getAttribute(ATTRIBUTE);
  }

  private synchronized @Nullable IoSession other(IoSession session) {
    return session == first ? second : first;
  }

  /** Passes bytes read on {@code from} to the other side, pausing {@code from} if that side is full. */
  void received(IoSession from, IoBuffer buffer) {
    IoSession to = other(from);
    if (to == null || to.isClosing()) {
      return;
    }
    synchronized (this) {
      bytes += buffer.remaining();
    }
    to.write(buffer);
    if (to.getScheduledWriteBytes() > HIGH_WATER) {
      from.suspendRead();
    }
  }

  /** Resumes the other side once {@code session}'s queue has drained. */
  void sent(IoSession session) {
    IoSession from = other(session);
    if (from != null && session.getScheduledWriteBytes() < LOW_WATER && !from.isClosing()) {
      resumeRead(from);
    }
  }

  /** Notes that {@code session} closed; closes the other side after its queue is flushed. */
  void closed(IoSession session) {
    IoSession peer;
    boolean finish;
    synchronized (this) {
      closed++;
      peer = other(session);
      finish = !finished && (closed == 2 || peer == null);
      finished |= finish;
    }
    if (peer != null && !peer.isClosing()) {
      peer.closeOnFlush();
    }
    if (finish) {
      onFinish.run();
    }
  }

  /**
   * Resumes reading on {@code session} at once. MINA 2.2's {@code resumeRead()} only changes the
   * selection key's interest set; a processor thread already blocked in {@code select()} sees the
   * change when that call returns, up to a second later, which stalls a throttled transfer for a
   * second each time. Asking the processor to flush the session wakes its selector.
   */
  static void resumeRead(IoSession session) {
    session.resumeRead();
    if (session instanceof AbstractIoSession s) {
      s.getProcessor().flush(s);
    }
  }

  /** Ends a splice whose second side never connected. */
  void abort(IoSession session) {
    session.closeNow();
  }

  synchronized long bytes() {
    return bytes;
  }
}
