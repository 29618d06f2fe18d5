package io.github.ftproute.codec.proxy;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One type-length-value field of a version 2 header. The value is copied in and out; two TLVs are
 * equal when type and bytes are.
 */
public final class ProxyTlv {
  /** Application-Layer Protocol Negotiation: the protocol name, e.g. {@code ftp}. */
  public static final int ALPN = 0x01;
  /** The host name the client asked for (TLS SNI), UTF-8. */
  public static final int AUTHORITY = 0x02;
  /** A CRC32C of the whole header with this field's 4 bytes zero; checked by the decoder. */
  public static final int CRC32C = 0x03;
  /** Padding, to be ignored. */
  public static final int NOOP = 0x04;
  /** An opaque identifier of the connection, at most 128 bytes. */
  public static final int UNIQUE_ID = 0x05;
  /** Facts about the client's TLS connection, with sub-TLVs. */
  public static final int SSL = 0x20;
  /** The network namespace the connection was accepted in, US-ASCII. */
  public static final int NETNS = 0x30;

  private final int type;
  private final byte[] value;

  private ProxyTlv(int type, byte[] value) {
    this.type = type;
    this.value = value;
  }

  /**
   * Returns a TLV of {@code type} with a copy of {@code value}.
   *
   * @throws IllegalArgumentException if {@code type} is not in 0..255 or the value is over 65535 bytes
   */
  public static ProxyTlv of(int type, byte[] value) {
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("type: " + type + " (expected: 0..255)");
    }
    if (value.length > 0xFFFF) {
      throw new IllegalArgumentException("value: " + value.length + " bytes (expected: at most 65535)");
    }
    return new ProxyTlv(type, value.clone());
  }

  static ProxyTlv wrap(int type, byte[] value) {
    return new ProxyTlv(type, value);
  }

  /** Returns the type, 0..255. */
  public int type() {
    return type;
  }

  /** Returns a copy of the value. */
  public byte[] value() {
    return value.clone();
  }

  /** Returns the value's length in bytes. */
  public int length() {
    return value.length;
  }

  byte[] raw() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProxyTlv t && t.type == type && Arrays.equals(t.value, value);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "ProxyTlv[0x" + Integer.toHexString(type) + "=" + HexFormat.of().formatHex(value) + "]";
  }
}
