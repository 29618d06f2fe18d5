package io.github.ftproute.codec.proxy;

/** Builds {@link ProxyDecodeResult.Malformed} values with the offending bytes quoted, escaped and truncated. */
final class Faults {
  private static final int QUOTED = 48;

  private Faults() {}

  static ProxyDecodeResult.Malformed malformed(ProxyDecodeResult.Reason reason, String what, byte[] bytes, int length) {
    return new ProxyDecodeResult.Malformed(reason, what + ": '" + quote(bytes, length) + "'");
  }

  static String quote(byte[] bytes, int length) {
    StringBuilder s = new StringBuilder();
    int n = Math.min(length, QUOTED);
    for (int i = 0; i < n; i++) {
      int b = bytes[i] & 0xFF;
      if (b >= 0x20 && b < 0x7F && b != '\\' && b != '\'') {
        s.append((char) b);
      } else {
        s.append(String.format("\\x%02x", b));
      }
    }
    if (length > n) {
      s.append("...");
    }
    return s.toString();
  }
}
