package io.github.ftproute.codec.proxy;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol entry point: {@link #decoder()} for the receiving side, {@link #encode} for the
 * sending side. Stateless and thread-safe.
 */
public final class ProxyProtocol {
  /** The longest version 1 header, CRLF included, in bytes. */
  public static final int V1_MAX_LENGTH = 107;
  /** The default cap on a version 2 header's variable part (addresses and TLVs), in bytes. */
  public static final int DEFAULT_MAX_V2_LENGTH = 2048;
  /** The fixed part of a version 2 header, in bytes. */
  public static final int V2_FIXED_LENGTH = 16;

  static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
  static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

  private ProxyProtocol() {}

  /** Returns a decoder for one connection with the default v2 cap of {@value #DEFAULT_MAX_V2_LENGTH} bytes. */
  public static ProxyHeaderDecoder decoder() {
    return new ProxyHeaderDecoder(DEFAULT_MAX_V2_LENGTH);
  }

  /**
   * Returns a decoder for one connection that refuses v2 headers whose variable part is longer than
   * {@code maxV2Length} bytes (as {@link ProxyDecodeResult.Reason#TOO_LONG}).
   *
   * @throws IllegalArgumentException if {@code maxV2Length} is not in 216..65535 (216 bytes hold the
   *     largest address block, AF_UNIX)
   */
  public static ProxyHeaderDecoder decoder(int maxV2Length) {
    if (maxV2Length < 216 || maxV2Length > 0xFFFF) {
      throw new IllegalArgumentException("maxV2Length: " + maxV2Length + " (expected: 216..65535)");
    }
    return new ProxyHeaderDecoder(maxV2Length);
  }

  /**
   * Returns the wire bytes of {@code header} in its version. In version 2 a {@link ProxyTlv#CRC32C}
   * TLV of 4 bytes gets the header's checksum, whatever value it held.
   *
   * @throws IllegalArgumentException if the addresses and TLVs exceed 65535 bytes
   */
  public static byte[] encode(ProxyHeader header) {
    requireNonNull(header, "header");
    return header.version() == ProxyVersion.V1 ? V1Format.encode(header) : V2Format.encode(header);
  }
}
