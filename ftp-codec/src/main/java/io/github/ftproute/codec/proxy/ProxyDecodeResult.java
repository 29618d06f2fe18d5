package io.github.ftproute.codec.proxy;

import static java.util.Objects.requireNonNull;

/**
 * What {@link ProxyHeaderDecoder#decode} found: more bytes needed, a header, or malformed input.
 */
public sealed interface ProxyDecodeResult {
  /** The bytes so far are a valid beginning of a header; feed more. */
  record NeedMore() implements ProxyDecodeResult {}

  /**
   * A complete header; the input buffer's position is just past it, so what remains is payload.
   *
   * @param header the header
   * @param length how many bytes the header took on the wire
   */
  record Decoded(ProxyHeader header, int length) implements ProxyDecodeResult {
    /** Checks the components. */
    public Decoded {
      requireNonNull(header, "header");
    }
  }

  /**
   * The input is not a valid header; the connection should be refused.
   *
   * @param reason the family of the fault
   * @param message a description quoting the offending input, escaped and truncated
   */
  record Malformed(Reason reason, String message) implements ProxyDecodeResult {
    /** Checks the components. */
    public Malformed {
      requireNonNull(reason, "reason");
      requireNonNull(message, "message");
    }
  }

  /** Why a header is malformed. */
  enum Reason {
    /** The bytes start neither with {@code "PROXY "} nor with the version 2 signature. */
    NOT_PROXY,
    /** A v1 line with no CRLF within 107 bytes, or a v2 header longer than the decoder's cap. */
    TOO_LONG,
    /** A v1 line that breaks the grammar (protocol, addresses, ports, separators). */
    BAD_LINE,
    /** A v2 version nibble other than 2, or a command other than LOCAL and PROXY. */
    BAD_VERSION_OR_COMMAND,
    /** A v2 family or transport out of range, or an address block shorter than its family needs. */
    BAD_ADDRESS,
    /** A v2 TLV that overruns the header, or a unique ID over 128 bytes. */
    BAD_TLV,
    /** A v2 CRC32C TLV that does not match the header. */
    BAD_CHECKSUM
  }
}
