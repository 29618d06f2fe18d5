package io.github.ftproute.routing.mina;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.mina.core.buffer.IoBuffer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SpliceSide} for tests: it keeps what is written in a queue that the test drains by hand
 * (as the kernel would), counts every call, and has hooks that run inside {@link #suspendRead()} and
 * {@link #queuedBytes()}, so a test can run "the other I/O thread" at an exact point of the splice.
 *
 * <p>Thread-safe for one writer (the other side's I/O thread) and one drainer (this side's I/O
 * thread), like a MINA session. Rule breaks the splice must never commit (a write after the FIN, a FIN
 * with bytes still queued) are recorded in {@link #violations()}.
 */
final class FakeSide implements SpliceSide {
  private final String name;
  private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong maxQueued = new AtomicLong();
  private final AtomicBoolean suspended = new AtomicBoolean();
  private final AtomicInteger suspends = new AtomicInteger();
  private final AtomicInteger resumes = new AtomicInteger();
  private final AtomicInteger shutdowns = new AtomicInteger();
  private final AtomicInteger closeOnFlushes = new AtomicInteger();
  private final AtomicInteger queuedBytesCalls = new AtomicInteger();
  private final List<String> violations = new ArrayList<>();
  private volatile boolean outputShut;
  private volatile @Nullable Runnable beforeSuspend;
  private volatile @Nullable Runnable afterSuspend;
  private volatile @Nullable IntConsumer onQueuedBytes;
  private volatile @Nullable IntConsumer afterQueuedBytesRead;
  // the drainer's partly written message; only the drainer touches these
  private byte @Nullable [] head;
  private int headOffset;

  FakeSide(String name) {
    this.name = name;
  }

  @Override
  public void write(IoBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    if (outputShut) {
      violation("write of " + bytes.length + " bytes after shutdownOutput");
    }
    queue.add(bytes);
    maxQueued.accumulateAndGet(queued.addAndGet(bytes.length), Math::max);
  }

  @Override
  public long queuedBytes() {
    IntConsumer before = onQueuedBytes;
    IntConsumer after = afterQueuedBytesRead;
    int call = before != null || after != null ? queuedBytesCalls.incrementAndGet() : 0;
    if (before != null) {
      before.accept(call);
    }
    long value = queued.get();
    if (after != null) {
      after.accept(call); // the caller is "preempted" holding a value that may be stale by now
    }
    return value;
  }

  @Override
  public void suspendRead() {
    Runnable before = beforeSuspend;
    if (before != null) {
      beforeSuspend = null;
      before.run();
    }
    suspended.set(true);
    suspends.incrementAndGet();
    Runnable after = afterSuspend;
    if (after != null) {
      afterSuspend = null;
      after.run();
    }
  }

  @Override
  public void resumeRead() {
    suspended.set(false);
    resumes.incrementAndGet();
  }

  @Override
  public void shutdownOutput() {
    long left = queued.get();
    if (left != 0) {
      violation("shutdownOutput with " + left + " bytes queued");
    }
    outputShut = true;
    shutdowns.incrementAndGet();
  }

  @Override
  public void closeOnFlush() {
    closeOnFlushes.incrementAndGet();
  }

  /** Writes everything queued, as the kernel would, and returns it; the caller reports {@code sent}. */
  byte[] drainAll() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    drain(Integer.MAX_VALUE, (bytes, offset, length) -> out.write(bytes, offset, length));
    return out.toByteArray();
  }

  /** What a drain hands on: a slice of one queued message. */
  interface Sink {
    void accept(byte[] bytes, int offset, int length);
  }

  /**
   * Writes up to {@code maxBytes} queued bytes to {@code sink}, lowering the queue counter as it goes
   * (MINA lowers it on every partial write), and returns how many whole messages were completed: the
   * caller then reports one {@code sent} per message, as MINA fires one {@code messageSent} each.
   */
  int drain(int maxBytes, Sink sink) {
    int left = maxBytes;
    int completed = 0;
    while (left > 0) {
      byte[] current = head;
      if (current == null) {
        current = queue.poll();
        if (current == null) {
          break;
        }
        head = current;
        headOffset = 0;
      }
      int n = Math.min(left, current.length - headOffset);
      sink.accept(current, headOffset, n);
      headOffset += n;
      left -= n;
      queued.addAndGet(-n);
      if (headOffset == current.length) {
        head = null;
        completed++;
      }
    }
    return completed;
  }

  /** Runs {@code hook} once, inside the next {@link #suspendRead()}, before the read is suspended. */
  void beforeNextSuspend(Runnable hook) {
    beforeSuspend = hook;
  }

  /** Runs {@code hook} once, inside the next {@link #suspendRead()}, after the read is suspended. */
  void afterNextSuspend(Runnable hook) {
    afterSuspend = hook;
  }

  /** Runs {@code hook} with the call number (from 1) at the start of every {@link #queuedBytes()}. */
  void onQueuedBytes(@Nullable IntConsumer hook) {
    queuedBytesCalls.set(0);
    onQueuedBytes = hook;
  }

  /**
   * Runs {@code hook} with the call number (from 1) in every {@link #queuedBytes()} after the counter
   * is read and before it is returned: the caller acts on the value after {@code hook} has run.
   */
  void afterQueuedBytesRead(@Nullable IntConsumer hook) {
    queuedBytesCalls.set(0);
    afterQueuedBytesRead = hook;
  }

  long queued() {
    return queued.get();
  }

  long maxQueued() {
    return maxQueued.get();
  }

  boolean suspended() {
    return suspended.get();
  }

  int suspends() {
    return suspends.get();
  }

  int resumes() {
    return resumes.get();
  }

  int shutdowns() {
    return shutdowns.get();
  }

  boolean outputShut() {
    return outputShut;
  }

  int closeOnFlushes() {
    return closeOnFlushes.get();
  }

  synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  private synchronized void violation(String what) {
    violations.add(name + ": " + what);
  }

  @Override
  public String toString() {
    return name + "[queued=" + queued.get() + ", suspended=" + suspended.get() + ", suspends=" + suspends.get()
        + ", resumes=" + resumes.get() + ", shutdowns=" + shutdowns.get() + ", closeOnFlushes="
        + closeOnFlushes.get() + "]";
  }
}
