package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.core.buffer.IoBuffer;
import org.junit.jupiter.api.Test;

/**
 * The splice between two threads that play the two sessions' I/O threads, with random chunk sizes,
 * drain sizes and delays. Like a MINA processor, each thread reads its side only while that side is
 * not suspended, and it also drains its side's write queue and reports {@code sent}, so pause and
 * resume race exactly as they do between two processors. Every byte is checked in order, each round
 * has a deadline, and the queue is checked never to exceed high water by more than one read.
 */
final class SpliceStressTest {
  private static final int ROUNDS = 40;
  private static final long BYTES_PER_DIRECTION = 50L << 20; // over all rounds
  private static final long ROUND_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

  @Test
  void splice_twoIoThreadsWithRandomChunksAndDrains_deliversEveryByteInOrderWithoutStalling()
      throws InterruptedException {
    long seed = new SplittableRandom().nextLong();
    long pauses = 0;
    for (int round = 0; round < ROUNDS; round++) {
      pauses += new Round(new SplittableRandom(seed + round), BYTES_PER_DIRECTION / ROUNDS)
          .run("seed " + seed + " round " + round);
    }
    assertThat(pauses).as("backpressure engaged (seed %d)", seed).isGreaterThan(ROUNDS);
  }

  /** The byte at {@code position} of the stream read on {@code side}: any loss, duplicate or swap shows. */
  static byte pattern(int side, long position) {
    return (byte) (((position + 1) * 0x9E3779B97F4A7C15L + side * 0x632BE59BD9B4E019L) >>> 56);
  }

  private static final class Round {
    private final SplittableRandom random;
    private final long perDirection;
    private final long highWater;
    private final long lowWater;
    private final int maxChunk;
    private final FakeSide[] sides = {new FakeSide("first"), new FakeSide("second")};
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Splice splice;

    Round(SplittableRandom random, long perDirection) {
      this.random = random;
      this.perDirection = perDirection;
      this.highWater = 1L << random.nextInt(6, 17); // 64 B .. 64 KiB
      this.lowWater = random.nextLong(highWater + 1); // 0 .. highWater
      this.maxChunk = 1 << random.nextInt(8, 15); // 256 B .. 16 KiB per read
      this.splice = new Splice(sides[0], sides[1], highWater, lowWater, finished::incrementAndGet);
    }

    /** Runs the round to its end and returns how many times a reader was paused. */
    long run(String name) throws InterruptedException {
      String setup = name + ": highWater=" + highWater + " lowWater=" + lowWater + " maxChunk=" + maxChunk;
      IoThread[] io = {new IoThread(0, random.split()), new IoThread(1, random.split())};
      Thread[] threads = new Thread[2];
      for (int side = 0; side < 2; side++) {
        threads[side] = new Thread(io[side], "splice-stress-" + side);
        threads[side].setDaemon(true);
        threads[side].start();
      }
      long deadline = System.nanoTime() + ROUND_DEADLINE_NANOS;
      for (Thread thread : threads) {
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
      boolean stalled = threads[0].isAlive() || threads[1].isAlive();
      stop.set(true);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      }
      String state = setup + "; " + sides[0] + " " + io[0] + "; " + sides[1] + " " + io[1];

      assertThat(threads[0].isAlive() || threads[1].isAlive()).as("threads stopped: %s", state).isFalse();
      assertThat(stalled).as("stalled: %s", state).isFalse();
      for (int side = 0; side < 2; side++) {
        assertThat(io[side].failure).as(state).isNull();
        assertThat(io[side].delivered).as("bytes delivered to side %d: %s", side, state).isEqualTo(perDirection);
        assertThat(sides[side].violations()).as(state).isEmpty();
        assertThat(sides[side].maxQueued()).as("queue bound on side %d: %s", side, state)
            .isLessThanOrEqualTo(highWater + maxChunk);
        assertThat(splice.bytesFrom(side)).as(state).isEqualTo(perDirection);
      }
      assertThat(finished).as("onFinish: %s", state).hasValue(1);
      return sides[0].suspends() + sides[1].suspends();
    }

    /** One side's I/O thread: reads when not suspended, writes its queue out, closes when asked. */
    private final class IoThread implements Runnable {
      private final int side;
      private final SplittableRandom random;
      private final int maxDrain;
      private final int drainPercent;
      private final int maxSpins;
      private long produced;
      private volatile long delivered;
      private volatile boolean inputEnded;
      private volatile boolean closed;
      private volatile String failure;

      IoThread(int side, SplittableRandom random) {
        this.side = side;
        this.random = random;
        this.maxDrain = 1 << random.nextInt(8, 16); // 256 B .. 32 KiB per write
        this.drainPercent = random.nextInt(25, 101); // how often the socket is writable
        this.maxSpins = 1 << random.nextInt(0, 7);
      }

      @Override
      public void run() {
        FakeSide me = sides[side];
        int from = 1 - side;
        FakeSide.Sink check = (bytes, offset, length) -> {
          long position = delivered;
          for (int i = 0; i < length; i++) {
            if (bytes[offset + i] != pattern(from, position + i) && failure == null) {
              failure = "side " + side + ": wrong byte at " + (position + i);
            }
          }
          delivered = position + length;
        };
        try {
          while (!stop.get()) {
            if (!inputEnded && !me.suspended()) {
              read();
            }
            if (random.nextInt(100) < drainPercent) {
              for (int n = me.drain(1 + random.nextInt(maxDrain), check); n > 0; n--) {
                splice.sent(side);
              }
            }
            if (me.closeOnFlushes() > 0 && me.queued() == 0) {
              closed = true;
              splice.closed(side);
              return;
            }
            delay();
          }
        } catch (RuntimeException | AssertionError e) {
          failure = side + ": " + e;
        }
      }

      private void read() {
        if (produced == perDirection) {
          inputEnded = true;
          splice.inputClosed(side);
          return;
        }
        int n = (int) Math.min(perDirection - produced, 1 + random.nextInt(maxChunk));
        byte[] chunk = new byte[n];
        for (int i = 0; i < n; i++) {
          chunk[i] = pattern(side, produced + i);
        }
        produced += n;
        splice.received(side, IoBuffer.wrap(chunk));
      }

      private void delay() {
        int spins = random.nextInt(maxSpins);
        if (spins == 0 && random.nextInt(16) == 0) {
          Thread.yield();
        }
        for (int i = 0; i < spins; i++) {
          Thread.onSpinWait();
        }
      }

      @Override
      public String toString() {
        return "io[produced=" + produced + ", delivered=" + delivered + ", inputEnded=" + inputEnded
            + ", closed=" + closed + ", maxDrain=" + maxDrain + ", drain%=" + drainPercent + "]";
      }
    }
  }
}
