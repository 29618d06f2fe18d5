package io.github.ftproute.routing.mina;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mina.core.buffer.IoBuffer;

/**
 * Two TCP connections spliced byte for byte, with backpressure and half-close.
 *
 * <p><b>Backpressure without lost wake-ups.</b> When one side has more than {@code highWater} bytes
 * queued for writing, the side feeding it stops reading; it reads again once the queue is at or
 * below {@code lowWater}. The two sides run on different I/O threads, so the pause and the resume
 * race: the queue may drain, and its "sent" event run, between the write and the pause. The splice
 * closes that window the classic way: the reading side pauses first, then raises its {@code paused}
 * flag, then looks at the queue again; the draining side lowers its queue (an atomic counter), then
 * looks at the flag. Whichever sees the other's write resumes the reader, and a compare-and-set on
 * the flag makes sure only one does. The flag counts pauses (odd while paused) and the draining side
 * reads it before the queue, so a look at the queue taken before a pause began cannot resume that
 * pause (it would let the queue grow past high water by another read). A slow reader therefore never
 * makes the proxy buffer more than {@code highWater} plus one read per direction, and a stalled
 * transfer with bytes in one receive queue and nothing in the other cannot happen.
 *
 * <p><b>Closing.</b> End of input on one side (a FIN) becomes a FIN on the other once everything
 * queued there is written, so half-closed connections pass through. When both directions have ended,
 * or either side is closed outright, the other is closed after its queue is flushed. {@code onFinish}
 * runs once, when both sides are closed: every byte has then been handed to the kernel.
 *
 * <p>Thread-safe: each side's events come from its own I/O thread.
 */
final class Splice {
  private final SpliceSide[] sides = new SpliceSide[2];
  /** Per reading side: how many times it was paused and resumed; odd while it is paused. */
  private final AtomicLong[] pauses = {new AtomicLong(), new AtomicLong()};
  private final boolean[] inputDone = new boolean[2];
  private final boolean[] shutdownPending = new boolean[2];
  private final AtomicInteger closedSides = new AtomicInteger();
  private final long highWater;
  private final long lowWater;
  private final Runnable onFinish;
  private final long[] bytes = new long[2];

  Splice(SpliceSide first, SpliceSide second, long highWater, long lowWater, Runnable onFinish) {
    sides[0] = first;
    sides[1] = second;
    this.highWater = highWater;
    this.lowWater = lowWater;
    this.onFinish = onFinish;
  }

  /** Bytes read on side {@code from} go to the other side; pauses {@code from} if that side is full. */
  void received(int from, IoBuffer buffer) {
    int to = 1 - from;
    synchronized (this) {
      bytes[from] += buffer.remaining();
    }
    SpliceSide target = sides[to];
    target.write(buffer);
    if (target.queuedBytes() > highWater) {
      sides[from].suspendRead();
      long pause = pauses[from].get();
      if ((pause & 1) == 0) { // only this thread makes it odd; others only make an odd one even
        pause++;
        pauses[from].set(pause);
      }
      // Re-check after pausing: the queue may have drained, and its sent() found nothing to resume.
      if (target.queuedBytes() <= lowWater && pauses[from].compareAndSet(pause, pause + 1)) {
        sides[from].resumeRead();
      }
    }
  }

  /** Side {@code side} wrote some bytes: resume the other side if it is paused and this queue is low. */
  void sent(int side) {
    int from = 1 - side;
    long pause = pauses[from].get(); // before the queue: a queue read then belongs to this pause
    long queued = sides[side].queuedBytes();
    if ((pause & 1) != 0 && queued <= lowWater && pauses[from].compareAndSet(pause, pause + 1)) {
      sides[from].resumeRead();
    }
    if (queued == 0) {
      boolean shutdown;
      synchronized (this) {
        // Look again once the FIN is known to be pending: the first look may predate the last write
        // into this queue, made just before the other side's EOF raised the flag.
        shutdown = shutdownPending[side] && sides[side].queuedBytes() == 0;
        if (shutdown) {
          shutdownPending[side] = false;
        }
      }
      if (shutdown) {
        sides[side].shutdownOutput();
      }
    }
  }

  /** Side {@code side} reached end of input: pass the FIN on once the other side's queue is empty. */
  void inputClosed(int side) {
    sides[side].suspendRead(); // an EOF stays readable: stop polling it
    int other = 1 - side;
    boolean both;
    boolean shutdownNow = false;
    synchronized (this) {
      inputDone[side] = true;
      both = inputDone[other];
      if (!both) {
        if (sides[other].queuedBytes() == 0) {
          shutdownNow = true;
        } else {
          shutdownPending[other] = true;
        }
      }
    }
    if (both) {
      sides[0].closeOnFlush();
      sides[1].closeOnFlush();
    } else if (shutdownNow) {
      sides[other].shutdownOutput();
    }
    if (!both && sides[other].queuedBytes() == 0) {
      sent(other); // the queue emptied between the check and the flag: deliver the FIN now
    }
  }

  /** Side {@code side} closed: close the other after its queue is flushed; finish when both are closed. */
  void closed(int side) {
    sides[1 - side].closeOnFlush();
    if (closedSides.incrementAndGet() == 2) {
      onFinish.run();
    }
  }

  /** Returns the bytes read so far on side {@code side}. */
  synchronized long bytesFrom(int side) {
    return bytes[side];
  }
}
