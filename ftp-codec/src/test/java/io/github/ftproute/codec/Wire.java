package io.github.ftproute.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: wire bytes, chunked feeding, fixtures. */
final class Wire {
  private Wire() {}

  /** Returns the ISO-8859-1 bytes of {@code s}, so {@code \u00ff} is the byte 0xFF. */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Returns the lines joined and ended with CRLF, as ISO-8859-1 bytes. */
  static byte[] crlf(String... lines) {
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line).append("\r\n");
    }
    return bytes(out.toString());
  }

  static List<DecodedCommand> commands(FtpCodec codec, byte[] in) {
    FtpCommandDecoder decoder = codec.newCommandDecoder();
    List<DecodedCommand> out = new ArrayList<>(decoder.decode(in));
    decoder.finish(out::add);
    return out;
  }

  static List<DecodedReply> replies(FtpCodec codec, byte[] in) {
    FtpReplyDecoder decoder = codec.newReplyDecoder();
    List<DecodedReply> out = new ArrayList<>(decoder.decode(in));
    decoder.finish(out::add);
    return out;
  }

  /** Decodes {@code in} fed as the given chunks, each as a fresh heap or direct buffer. */
  static List<DecodedCommand> commandsInChunks(FtpCodec codec, byte[] in, int[] cuts, boolean direct) {
    FtpCommandDecoder decoder = codec.newCommandDecoder();
    List<DecodedCommand> out = new ArrayList<>();
    for (ByteBuffer chunk : chunks(in, cuts, direct)) {
      decoder.decode(chunk, out::add);
    }
    decoder.finish(out::add);
    return out;
  }

  static List<DecodedReply> repliesInChunks(FtpCodec codec, byte[] in, int[] cuts, boolean direct) {
    FtpReplyDecoder decoder = codec.newReplyDecoder();
    List<DecodedReply> out = new ArrayList<>();
    for (ByteBuffer chunk : chunks(in, cuts, direct)) {
      decoder.decode(chunk, out::add);
    }
    decoder.finish(out::add);
    return out;
  }

  /** Splits {@code in} at the sorted cut indexes; a heap chunk sits inside a larger array. */
  static List<ByteBuffer> chunks(byte[] in, int[] cuts, boolean direct) {
    List<ByteBuffer> out = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? Math.max(from, Math.min(in.length, cuts[i])) : in.length;
      int n = to - from;
      ByteBuffer chunk;
      if (direct) {
        chunk = ByteBuffer.allocateDirect(n);
        chunk.put(in, from, n).flip();
      } else {
        byte[] padded = new byte[n + 6];
        System.arraycopy(in, from, padded, 3, n);
        chunk = ByteBuffer.wrap(padded, 3, n).slice(); // non-zero array offset
      }
      out.add(chunk);
      from = to;
    }
    return out;
  }

  static int[] randomCuts(int length, long seed) {
    Random random = new Random(seed);
    int count = length == 0 ? 0 : random.nextInt(Math.min(length, 40) + 1);
    return random.ints(count, 0, length + 1).sorted().toArray();
  }

  static byte[] encodeAll(List<?> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object value : values) {
      if (value instanceof FtpCommand command) {
        out.writeBytes(FtpEncoder.encode(command));
      } else if (value instanceof FtpReply reply) {
        out.writeBytes(FtpEncoder.encode(reply));
      } else {
        throw new AssertionError("not encodable: " + value);
      }
    }
    return out.toByteArray();
  }

  static byte[] resource(String path) {
    try (InputStream in = Wire.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new AssertionError("missing test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
