package io.github.ftproute.routing.mina;

import java.util.concurrent.Executor;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;
import org.jspecify.annotations.Nullable;

/**
 * A MINA {@link NioProcessor} that does not wake its own selector, nor read a drained socket.
 *
 * <p>MINA wakes a processor's selector ({@code Selector.wakeup()}: a write to an eventfd, then an
 * extra return from {@code epoll_wait} and a read of that eventfd) whenever a session is scheduled
 * for flushing or a read is suspended or resumed, even when the thread asking is the processor's own
 * I/O thread, which is the usual case in a relay whose two sides share a processor ({@link
 * PairedProcessorPool}): about 25 of the 140 system calls of a short FTP session. A thread never
 * needs to interrupt a select it is not in. This processor records such a request instead, and makes
 * the next select of its loop a {@code selectNow()}, so work queued anywhere in the loop (after its
 * flush step too: idle and close events) is still done in the next round, without waiting for the
 * select timeout. Requests from other threads wake the selector as before.
 *
 * <p>It also skips the read that MINA makes after a short read only to meet {@code EAGAIN} (see
 * {@link #read(NioSession, IoBuffer)}).
 *
 * <p>The loop's thread is known from the executor: the processor's loop is the only task it submits
 * to it, and each run records the thread running it until it returns (MINA ends the loop when the
 * processor has no sessions and starts it again, perhaps on another thread, when one comes).
 */
final class LoopAwareProcessor extends NioProcessor {
  private final LoopThread loop;
  /** A wake-up asked by the loop's own thread; read and written by that thread only. */
  private boolean selectNowNext;
  /** The session whose last read came back short, for one call; the loop's thread only. */
  private @Nullable NioSession drained;

  private LoopAwareProcessor(LoopThread loop) {
    super(loop);
    this.loop = loop;
  }

  /** Creates a processor whose loop runs on {@code executor}. */
  static LoopAwareProcessor create(Executor executor) {
    return new LoopAwareProcessor(new LoopThread(executor));
  }

  @Override
  protected void wakeup() {
    if (Thread.currentThread() == loop.thread) {
      selectNowNext = true;
      return;
    }
    super.wakeup();
  }

  @Override
  protected int select(long timeout) throws Exception {
    if (selectNowNext) {
      selectNowNext = false;
      // a round asked for, not an epoll spin: MINA rebuilds the selector after ten quick empty ones
      wakeupCalled.set(true);
      selectorLock.readLock().lock();
      try {
        return selector.selectNow();
      } finally {
        selectorLock.readLock().unlock();
      }
    }
    return super.select(timeout);
  }

  /**
   * Reads as {@link NioProcessor} does, but answers 0 without a system call right after a read
   * that did not fill the buffer. MINA reads a readable socket until a read returns 0 (or fills the
   * buffer), so every read event would otherwise end with one {@code read(2)} that fails with
   * {@code EAGAIN}: about 13 per short FTP session. A short read means the socket's receive queue
   * was empty at that moment; bytes (or an end of input) that arrive later make the socket readable
   * again, and the selector reports it in the next round.
   */
  @Override
  protected int read(NioSession session, IoBuffer buf) throws Exception {
    if (drained == session) {
      drained = null;
      return 0;
    }
    drained = null;
    int wanted = buf.remaining();
    int read = super.read(session, buf);
    if (read > 0 && read < wanted) {
      drained = session;
    }
    return read;
  }

  /** The embedder's executor, remembering which thread runs the loop now. */
  private static final class LoopThread implements Executor {
    private final Executor executor;
    volatile @Nullable Thread thread;

    LoopThread(Executor executor) {
      this.executor = executor;
    }

    @Override
    public void execute(Runnable loopTask) {
      executor.execute(() -> {
        thread = Thread.currentThread();
        try {
          loopTask.run();
        } finally {
          thread = null;
        }
      });
    }
  }
}
