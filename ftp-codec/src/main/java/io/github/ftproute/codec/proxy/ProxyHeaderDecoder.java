package io.github.ftproute.codec.proxy;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one PROXY protocol header, v1 or v2, from bytes that arrive in any chunking. It takes from
 * the input only the header's bytes, never the payload after it, and keeps what it has between calls.
 * {@link ProxyProtocol#decoder()} makes one.
 *
 * <p><b>Limits.</b> A v1 header is at most {@value ProxyProtocol#V1_MAX_LENGTH} bytes, CRLF included;
 * a v2 header's variable part (addresses and TLVs) at most the decoder's cap (default {@value
 * ProxyProtocol#DEFAULT_MAX_V2_LENGTH} bytes, at most 65535). So a decoder holds at most 16 bytes plus
 * the cap. Bad input is reported as {@link ProxyDecodeResult.Malformed} as soon as it is seen (the
 * first byte that cannot start a header, for instance); no exception escapes for any input.
 *
 * <p>One decoder serves one connection: once it returned a header or a fault, it returns the same
 * result again and reads nothing more. Not thread-safe.
 */
public final class ProxyHeaderDecoder {
  private static final byte[] EMPTY = new byte[0];
  private static final ProxyDecodeResult NEED_MORE = new ProxyDecodeResult.NeedMore();
  private static final int UNKNOWN = 0;
  private static final int V1 = 1;
  private static final int V2 = 2;

  private final int maxV2Length;
  private byte[] buf;
  private int len;
  private int kind = UNKNOWN;
  private boolean maybeV1 = true;
  private boolean maybeV2 = true;
  private @Nullable ProxyDecodeResult done;

  ProxyHeaderDecoder(int maxV2Length) {
    this.maxV2Length = maxV2Length;
    this.buf = new byte[ProxyProtocol.V1_MAX_LENGTH];
  }

  /**
   * Reads header bytes from {@code in} (from its position, advancing it) and says whether the header
   * is complete. On {@link ProxyDecodeResult.Decoded}, {@code in}'s position is just past the header;
   * on {@link ProxyDecodeResult.NeedMore}, all of {@code in} was taken.
   */
  public ProxyDecodeResult decode(ByteBuffer in) {
    requireNonNull(in, "in");
    ProxyDecodeResult finished = done;
    if (finished != null) {
      return finished;
    }
    ProxyDecodeResult result = step(in);
    if (!(result instanceof ProxyDecodeResult.NeedMore)) {
      done = result;
      buf = EMPTY;
    }
    return result;
  }

  /** Returns how many bytes the decoder holds now (0 once it has finished). */
  public int buffered() {
    return done == null ? len : 0;
  }

  private ProxyDecodeResult step(ByteBuffer in) {
    while (kind == UNKNOWN) {
      if (!in.hasRemaining()) {
        return NEED_MORE;
      }
      byte b = in.get();
      buf[len++] = b;
      maybeV1 = maybeV1 && len <= ProxyProtocol.V1_PREFIX.length && b == ProxyProtocol.V1_PREFIX[len - 1];
      maybeV2 = maybeV2 && len <= ProxyProtocol.V2_SIGNATURE.length && b == ProxyProtocol.V2_SIGNATURE[len - 1];
      if (maybeV1 && len == ProxyProtocol.V1_PREFIX.length) {
        kind = V1;
      } else if (maybeV2 && len == ProxyProtocol.V2_SIGNATURE.length) {
        kind = V2;
      } else if (!maybeV1 && !maybeV2) {
        return Faults.malformed(ProxyDecodeResult.Reason.NOT_PROXY, "not a PROXY header", buf, len);
      }
    }
    return kind == V1 ? stepV1(in) : stepV2(in);
  }

  private ProxyDecodeResult stepV1(ByteBuffer in) {
    while (in.hasRemaining()) {
      byte b = in.get();
      buf[len++] = b;
      if (b == '\n') {
        return V1Format.parse(buf, len);
      }
      if (len == ProxyProtocol.V1_MAX_LENGTH) {
        return Faults.malformed(ProxyDecodeResult.Reason.TOO_LONG,
            "v1 header without CRLF in " + ProxyProtocol.V1_MAX_LENGTH + " bytes", buf, len);
      }
    }
    return NEED_MORE;
  }

  private ProxyDecodeResult stepV2(ByteBuffer in) {
    if (len < ProxyProtocol.V2_FIXED_LENGTH) {
      int n = Math.min(ProxyProtocol.V2_FIXED_LENGTH - len, in.remaining());
      in.get(buf, len, n);
      len += n;
      if (len < ProxyProtocol.V2_FIXED_LENGTH) {
        return NEED_MORE;
      }
    }
    int variable = ((buf[14] & 0xFF) << 8) | (buf[15] & 0xFF);
    if (variable > maxV2Length) {
      return new ProxyDecodeResult.Malformed(ProxyDecodeResult.Reason.TOO_LONG,
          "v2 header length: " + variable + " (expected: at most " + maxV2Length + ")");
    }
    int total = ProxyProtocol.V2_FIXED_LENGTH + variable;
    if (buf.length < total) {
      byte[] grown = new byte[total];
      System.arraycopy(buf, 0, grown, 0, len);
      buf = grown;
    }
    int n = Math.min(total - len, in.remaining());
    in.get(buf, len, n);
    len += n;
    return len < total ? NEED_MORE : V2Format.parse(buf, total);
  }
}
