package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SecureRandomBufferTest {
  private final SecureRandomBuffer random = SecureRandomBuffer.INSTANCE;

  @Test
  void boundedDraws_areUniform_chiSquare() {
    int buckets = 64;
    int draws = 640_000;
    long[] counts = new long[buckets];
    for (int i = 0; i < draws; i++) {
      counts[random.nextInt(buckets)]++;
    }
    double expected = (double) draws / buckets;
    double chiSquare = 0;
    for (long count : counts) {
      chiSquare += (count - expected) * (count - expected) / expected;
    }
    // 63 degrees of freedom: the 99.99th percentile is about 112.
    assertThat(chiSquare).isLessThan(112);
  }

  @Test
  void everyBitIsSetAboutHalfTheTime() {
    int draws = 200_000;
    int[] ones = new int[64];
    for (int i = 0; i < draws; i++) {
      long v = random.nextLong();
      for (int bit = 0; bit < 64; bit++) {
        ones[bit] += (int) ((v >>> bit) & 1);
      }
    }
    for (int bit = 0; bit < 64; bit++) {
      // 6 standard deviations (sqrt(200000)/2 ≈ 224) around 100,000.
      assertThat(ones[bit]).as("bit %d", bit).isBetween(draws / 2 - 1342, draws / 2 + 1342);
    }
  }

  @Test
  void noRepeatedValues_acrossARekey() {
    // Past REKEY_BLOCKS blocks of 256 longs the thread's keystream takes a new key.
    long total = (long) SecureRandomBuffer.REKEY_BLOCKS * 256 + 100_000;
    Set<Long> lastBeforeAndAfter = new HashSet<>();
    for (long i = 0; i < total; i++) {
      long v = random.nextLong();
      if (i >= total - 200_000) {
        assertThat(lastBeforeAndAfter.add(v)).isTrue();
      }
    }
    assertThat(lastBeforeAndAfter).hasSize(200_000);
  }

  @Test
  void threadsDrawDifferentStreams() throws InterruptedException {
    AtomicLong other = new AtomicLong();
    Thread thread = new Thread(() -> other.set(random.nextLong()));
    thread.start();
    thread.join();
    long mine = random.nextLong();
    assertThat(mine).isNotEqualTo(other.get());
  }
}
