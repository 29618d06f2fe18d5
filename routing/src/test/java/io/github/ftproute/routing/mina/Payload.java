package io.github.ftproute.routing.mina;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Test content that depends only on a seed and a size, streamed (never held whole), and SHA-256
 * digests of what was sent and received.
 */
final class Payload {
  private static final int BLOCK = 64 * 1024;

  private Payload() {}

  /** Returns the {@code size} bytes of content {@code seed}. */
  static byte[] bytes(long seed, int size) {
    try (InputStream in = stream(seed, size)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Returns the content {@code seed} of {@code size} bytes as a stream; the same bytes however it is read. */
  static InputStream stream(long seed, long size) {
    return new InputStream() {
      private final byte[] block = new byte[BLOCK];
      private long position;
      private long blockIndex = -1;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (position >= size) {
          return -1;
        }
        long index = position / BLOCK;
        if (index != blockIndex) {
          new SplittableRandom(seed * 1_000_003L + index).nextBytes(block);
          blockIndex = index;
        }
        int inBlock = (int) (position % BLOCK);
        int n = (int) Math.min(Math.min(len, BLOCK - inBlock), size - position);
        System.arraycopy(block, inBlock, b, off, n);
        position += n;
        return n;
      }
    };
  }

  /** Returns the SHA-256 of content {@code seed} of {@code size} bytes. */
  static String sha256(long seed, long size) {
    Sink sink = new Sink();
    try (InputStream in = stream(seed, size)) {
      in.transferTo(sink);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return sink.sha256();
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** An output stream that keeps only the count and the SHA-256 of what it was given. */
  static final class Sink extends OutputStream {
    private final MessageDigest digest = digest();
    private long count;

    @Override
    public void write(int b) {
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
      count += len;
    }

    long count() {
      return count;
    }

    String sha256() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
