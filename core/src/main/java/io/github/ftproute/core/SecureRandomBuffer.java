package io.github.ftproute.core;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;

/**
 * The allocator's default randomness: bits from {@link SecureRandom}, drawn a block at a time per
 * thread. A client that watches the ports it is given learns nothing about the next session's port
 * (RFC 1948 and RFC 2577 spirit), while the cost per lease stays a few nanoseconds: one
 * {@code SecureRandom} call fills 256 longs. Thread-safe: each thread has its own buffer.
 */
final class SecureRandomBuffer implements RandomGenerator {
  static final SecureRandomBuffer INSTANCE = new SecureRandomBuffer();
  private static final int BLOCK = 256;

  private static final ThreadLocal<Block> BLOCKS = ThreadLocal.withInitial(Block::new);

  private SecureRandomBuffer() {}

  private static final class Block {
    private final SecureRandom source = new SecureRandom();
    private final byte[] bytes = new byte[BLOCK * Long.BYTES];
    private int next = BLOCK;

    long nextLong() {
      if (next == BLOCK) {
        source.nextBytes(bytes);
        next = 0;
      }
      int at = Long.BYTES * next++;
      long v = 0;
      for (int i = 0; i < Long.BYTES; i++) {
        v = v << 8 | (bytes[at + i] & 0xFF);
      }
      return v;
    }
  }

  @Override
  public long nextLong() {
    return BLOCKS.get().nextLong();
  }

  @Override
  public String toString() {
    return "SecureRandomBuffer";
  }
}
