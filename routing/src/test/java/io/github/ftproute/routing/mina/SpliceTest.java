package io.github.ftproute.routing.mina;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.core.buffer.IoBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The splice driven by hand through two {@link FakeSide}s: the test plays both I/O threads, so every
 * interleaving it checks is exact, including the lost-wake-up window of the previous implementation.
 */
final class SpliceTest {
  private static final int HIGH = 64;
  private static final int LOW = 16;

  private final FakeSide first = new FakeSide("first");
  private final FakeSide second = new FakeSide("second");
  private final AtomicInteger finished = new AtomicInteger();
  private Splice splice;

  @BeforeEach
  void createSplice() {
    splice = new Splice(first, second, HIGH, LOW, finished::incrementAndGet);
  }

  // --- data ---------------------------------------------------------------------------------

  @Test
  void received_bytesFromEitherSide_reachTheOtherByteExactAndInOrder() {
    splice.received(0, ascii("RETR "));
    splice.received(1, ascii("150 "));
    splice.received(0, ascii("file.bin"));
    splice.received(1, IoBuffer.wrap(new byte[] {0, (byte) 0xff, '\r', '\n'}));

    assertThat(second.drainAll()).isEqualTo("RETR file.bin".getBytes(US_ASCII));
    assertThat(first.drainAll()).isEqualTo(new byte[] {'1', '5', '0', ' ', 0, (byte) 0xff, '\r', '\n'});
  }

  @Test
  void received_sliceOfALargerBuffer_passesOnlyTheRemainingBytes() {
    IoBuffer buffer = IoBuffer.wrap("xxPAYLOADyy".getBytes(US_ASCII), 2, 7);

    splice.received(0, buffer);

    assertThat(second.drainAll()).isEqualTo("PAYLOAD".getBytes(US_ASCII));
    assertThat(splice.bytesFrom(0)).isEqualTo(7);
  }

  @Test
  void bytesFrom_afterTrafficBothWays_countsEachDirection() {
    splice.received(0, IoBuffer.wrap(new byte[10]));
    splice.received(0, IoBuffer.wrap(new byte[5]));
    splice.received(1, IoBuffer.wrap(new byte[7]));

    assertThat(splice.bytesFrom(0)).isEqualTo(15);
    assertThat(splice.bytesFrom(1)).isEqualTo(7);
  }

  // --- backpressure -------------------------------------------------------------------------

  @Test
  void received_targetAtHighWater_keepsReading() {
    splice.received(0, IoBuffer.wrap(new byte[HIGH]));

    assertThat(first.suspended()).isFalse();
    assertThat(first.suspends()).isZero();
  }

  @Test
  void received_targetAboveHighWater_pausesTheReader() {
    splice.received(0, IoBuffer.wrap(new byte[HIGH]));
    splice.received(0, IoBuffer.wrap(new byte[1]));

    assertThat(first.suspended()).isTrue();
    assertThat(second.suspended()).isFalse();
  }

  @Test
  void sent_queueAboveLowWater_keepsTheReaderPaused() {
    splice.received(0, IoBuffer.wrap(new byte[HIGH + 1]));

    second.drain(HIGH + 1 - (LOW + 1), (bytes, offset, length) -> {});
    splice.sent(1);

    assertThat(second.queued()).isEqualTo(LOW + 1);
    assertThat(first.suspended()).isTrue();
    assertThat(first.resumes()).isZero();
  }

  @Test
  void sent_queueAtLowWater_resumesTheReaderOnce() {
    splice.received(0, IoBuffer.wrap(new byte[HIGH + 1]));

    second.drain(HIGH + 1 - LOW, (bytes, offset, length) -> {});
    splice.sent(1);
    second.drainAll();
    splice.sent(1);

    assertThat(first.suspended()).isFalse();
    assertThat(first.resumes()).isEqualTo(1);
  }

  @Test
  void sent_readerNotPaused_doesNotResume() {
    splice.received(0, IoBuffer.wrap(new byte[HIGH]));

    second.drainAll();
    splice.sent(1);

    assertThat(first.resumes()).isZero();
  }

  @Test
  void received_bothDirectionsFull_pausesAndResumesEachIndependently() {
    splice.received(0, IoBuffer.wrap(new byte[HIGH + 1]));
    splice.received(1, IoBuffer.wrap(new byte[HIGH + 1]));
    assertThat(first.suspended()).isTrue();
    assertThat(second.suspended()).isTrue();

    first.drainAll();
    splice.sent(0);

    assertThat(second.suspended()).isFalse();
    assertThat(first.suspended()).isTrue();
  }

  // --- the lost wake-up ---------------------------------------------------------------------

  /** Where, inside {@code received} on the reader's thread, the target's thread drains and reports sent. */
  enum Window {
    /** After the high-water check, before the read is suspended: the old implementation's hole. */
    BEFORE_SUSPEND,
    /** After the read is suspended, before the paused flag is raised. */
    AFTER_SUSPEND,
    /** After the flag is raised, before the queue is looked at again. */
    BEFORE_RECHECK,
    /** After the re-check has read the (still high) queue, before it acts on it. */
    AFTER_RECHECK_READ
  }

  @ParameterizedTest
  @EnumSource(Window.class)
  void received_queueDrainsInsideThePauseWindow_readerEndsResumedExactlyOnce(Window window) {
    Relay relay = Relay.of(splice);

    drainInside(window, relay);

    assertThat(second.queued()).isZero();
    assertThat(first.suspends()).isEqualTo(1);
    assertThat(first.suspended()).as("reader still paused with nothing queued: a lost wake-up").isFalse();
    assertThat(first.resumes()).as("resumed by exactly one of the two threads").isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Window.class)
  void received_afterARacedPause_dataKeepsFlowing(Window window) {
    Relay relay = Relay.of(splice);
    drainInside(window, relay);

    splice.received(0, ascii("more"));

    assertThat(second.drainAll()).isEqualTo("more".getBytes(US_ASCII));
  }

  @Test
  void oldSplice_queueDrainsBetweenCheckAndPause_stallsWithNothingQueued() {
    Relay old = new OldSplice(first, second, HIGH, LOW);

    drainInside(Window.BEFORE_SUSPEND, old);

    // The stall the splice exists to prevent: the writer is empty, so no sent() will ever come, and
    // the reader is paused, so no received() will either.
    assertThat(second.queued()).isZero();
    assertThat(first.suspended()).isTrue();
  }

  @Test
  void oldSplice_queueDrainsAfterThePause_resumes() {
    Relay old = new OldSplice(first, second, HIGH, LOW);

    old.received(0, IoBuffer.wrap(new byte[HIGH + 1]));
    second.drainAll();
    old.sent(1);

    assertThat(first.suspended()).isFalse(); // the old one only fails inside the window
  }

  /** Reader {@code first} goes over high water; at {@code window} the other thread drains {@code second}. */
  private void drainInside(Window window, Relay relay) {
    Runnable otherThread = () -> {
      second.drainAll();
      relay.sent(1);
    };
    switch (window) {
      case BEFORE_SUSPEND -> first.beforeNextSuspend(otherThread);
      case AFTER_SUSPEND -> first.afterNextSuspend(otherThread);
      case BEFORE_RECHECK -> second.onQueuedBytes(call -> {
        if (call == 2) { // 1: the high-water check; 2: the re-check after raising the flag
          otherThread.run();
        }
      });
      case AFTER_RECHECK_READ -> second.afterQueuedBytesRead(call -> {
        if (call == 2) {
          otherThread.run();
        }
      });
    }
    relay.received(0, IoBuffer.wrap(new byte[HIGH + 1]));
    second.onQueuedBytes(null);
    second.afterQueuedBytesRead(null);
  }

  @Test
  void sent_staleLowQueueFromBeforeAPause_doesNotResumeTheFullerQueue() {
    splice.received(0, IoBuffer.wrap(new byte[10])); // low, not paused
    second.afterQueuedBytesRead(call -> {
      if (call == 1) { // sent(1) has read 10 (<= low water); before it acts, the reader fills the queue
        second.afterQueuedBytesRead(null);
        splice.received(0, IoBuffer.wrap(new byte[HIGH]));
      }
    });

    splice.sent(1);

    assertThat(second.queued()).isEqualTo(HIGH + 10);
    assertThat(first.suspended()).as("resumed on a stale look at the queue, now above high water").isTrue();
  }

  @Test
  void sent_afterAStaleLook_resumesOnceTheQueueIsReallyLow() {
    splice.received(0, IoBuffer.wrap(new byte[10]));
    second.afterQueuedBytesRead(call -> {
      if (call == 1) {
        second.afterQueuedBytesRead(null);
        splice.received(0, IoBuffer.wrap(new byte[HIGH]));
      }
    });
    splice.sent(1);

    second.drainAll();
    splice.sent(1);

    assertThat(first.suspended()).isFalse();
    assertThat(first.resumes()).isEqualTo(1);
  }

  /** The two events the race is about, so one scenario can run on the splice and on the old code. */
  private interface Relay {
    void received(int from, IoBuffer buffer);

    void sent(int side);

    static Relay of(Splice splice) {
      return new Relay() {
        @Override
        public void received(int from, IoBuffer buffer) {
          splice.received(from, buffer);
        }

        @Override
        public void sent(int side) {
          splice.sent(side);
        }
      };
    }
  }

  /**
   * The previous implementation (the example proxy's, now deleted): write, check the queue, pause;
   * resume when the queue is below low water. A drain that finishes between the check and the pause
   * resumes a reader that is not paused yet, and the pause that follows is never undone.
   */
  private static final class OldSplice implements Relay {
    private final SpliceSide[] sides;
    private final long highWater;
    private final long lowWater;

    OldSplice(SpliceSide first, SpliceSide second, long highWater, long lowWater) {
      this.sides = new SpliceSide[] {first, second};
      this.highWater = highWater;
      this.lowWater = lowWater;
    }

    @Override
    public void received(int from, IoBuffer buffer) {
      SpliceSide to = sides[1 - from];
      to.write(buffer);
      if (to.queuedBytes() > highWater) {
        sides[from].suspendRead();
      }
    }

    @Override
    public void sent(int side) {
      if (sides[side].queuedBytes() < lowWater) {
        sides[1 - side].resumeRead();
      }
    }
  }

  // --- half-close ---------------------------------------------------------------------------

  @Test
  void inputClosed_otherQueueEmpty_shutsTheOtherOutputAtOnce() {
    splice.inputClosed(0);

    assertThat(second.shutdowns()).isEqualTo(1);
    assertThat(first.shutdowns()).isZero();
    assertThat(first.suspended()).as("an EOF stays readable: stop polling it").isTrue();
    assertThat(first.closeOnFlushes() + second.closeOnFlushes()).isZero();
  }

  @Test
  void inputClosed_otherQueueNotEmpty_shutsTheOtherOutputOnlyOnceDrained() {
    splice.received(0, IoBuffer.wrap(new byte[40]));
    splice.inputClosed(0);
    assertThat(second.shutdowns()).isZero();

    second.drain(39, (bytes, offset, length) -> {});
    splice.sent(1);
    assertThat(second.shutdowns()).isZero();

    second.drainAll();
    splice.sent(1);
    splice.sent(1);

    assertThat(second.shutdowns()).isEqualTo(1);
    assertThat(second.violations()).isEmpty();
  }

  @Test
  void inputClosed_queueDrainsWhileThePendingFinIsRaised_shutsDownExactlyOnce() {
    splice.received(0, IoBuffer.wrap(new byte[40]));
    second.onQueuedBytes(call -> {
      if (call == 2) { // 1: the check under the lock; 2: the re-check after it
        second.drainAll();
        splice.sent(1);
      }
    });

    splice.inputClosed(0);

    assertThat(second.shutdowns()).isEqualTo(1);
    assertThat(second.violations()).isEmpty();
  }

  @Test
  void sent_staleEmptyQueueFromBeforeTheLastWriteAndFin_waitsForTheQueueToDrain() {
    second.afterQueuedBytesRead(call -> {
      if (call == 1) { // sent(1) has read 0; before it acts, the other thread's last read and its EOF
        second.afterQueuedBytesRead(null);
        splice.received(0, IoBuffer.wrap(new byte[16]));
        splice.inputClosed(0);
      }
    });

    splice.sent(1);

    assertThat(second.violations()).as("FIN sent with bytes still queued").isEmpty();
    assertThat(second.shutdowns()).isZero();
    second.drainAll();
    splice.sent(1);
    assertThat(second.shutdowns()).isEqualTo(1);
    assertThat(second.violations()).isEmpty();
  }

  @Test
  void inputClosed_halfClosed_otherDirectionKeepsFlowing() {
    splice.inputClosed(0);

    splice.received(1, ascii("226 Transfer complete"));

    assertThat(first.drainAll()).isEqualTo("226 Transfer complete".getBytes(US_ASCII));
    assertThat(first.shutdowns() + first.closeOnFlushes()).isZero();
  }

  @Test
  void inputClosed_bothDirectionsEnded_closesBothOnFlush() {
    splice.received(1, IoBuffer.wrap(new byte[8]));
    splice.inputClosed(0);
    splice.inputClosed(1);

    assertThat(first.closeOnFlushes()).isEqualTo(1);
    assertThat(second.closeOnFlushes()).isEqualTo(1);
    assertThat(first.shutdowns()).as("closing after the flush sends the FIN").isZero();
    assertThat(finished).hasValue(0);
  }

  // --- closing ------------------------------------------------------------------------------

  @Test
  void closed_oneSide_closesTheOtherOnFlush() {
    splice.closed(1);

    assertThat(first.closeOnFlushes()).isEqualTo(1);
    assertThat(finished).hasValue(0);
  }

  @Test
  void closed_bothSides_runsOnFinishOnce() {
    splice.closed(0);
    splice.closed(1);
    splice.sent(0);

    assertThat(finished).hasValue(1);
  }

  @Test
  void closed_bothSidesOnTwoThreadsAtOnce_runsOnFinishExactlyOnce() throws Exception {
    for (int round = 0; round < 200; round++) {
      AtomicInteger runs = new AtomicInteger();
      Splice s = new Splice(new FakeSide("a"), new FakeSide("b"), HIGH, LOW, runs::incrementAndGet);
      CyclicBarrier start = new CyclicBarrier(2);
      Thread other = new Thread(() -> {
        await(start);
        s.closed(1);
      }, "splice-test-closer");
      other.start();
      await(start);
      s.closed(0);
      other.join(TimeUnit.SECONDS.toMillis(10));

      assertThat(other.isAlive()).isFalse();
      assertThat(runs).as("round %d", round).hasValue(1);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static IoBuffer ascii(String text) {
    return IoBuffer.wrap(text.getBytes(US_ASCII));
  }
}
