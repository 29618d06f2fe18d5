package io.github.ftproute.codec;

/** Renders peer input for error messages: truncated, with control and non-ASCII bytes escaped. */
final class Ascii {
  /** The most characters of peer input quoted in a message. */
  static final int QUOTE_LIMIT = 64;

  private Ascii() {}

  /** Returns {@code s} truncated to {@link #QUOTE_LIMIT} with non-printable characters escaped. */
  static String escape(CharSequence s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), QUOTE_LIMIT) + 8);
    int n = Math.min(s.length(), QUOTE_LIMIT);
    for (int i = 0; i < n; i++) {
      appendEscaped(out, s.charAt(i));
    }
    if (s.length() > QUOTE_LIMIT) {
      out.append("...");
    }
    return out.toString();
  }

  /** Returns the bytes as text, truncated to {@link #QUOTE_LIMIT} with non-printable bytes escaped. */
  static String escape(byte[] bytes, int offset, int length) {
    int n = Math.min(length, QUOTE_LIMIT);
    StringBuilder out = new StringBuilder(n + 8);
    for (int i = 0; i < n; i++) {
      appendEscaped(out, (char) (bytes[offset + i] & 0xFF));
    }
    if (length > QUOTE_LIMIT) {
      out.append("...");
    }
    return out.toString();
  }

  private static void appendEscaped(StringBuilder out, char c) {
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
      out.append(c);
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\n') {
      out.append("\\n");
    } else if (c == '\\' || c == '\'') {
      out.append('\\').append(c);
    } else if (c <= 0xFF) {
      out.append(String.format("\\x%02X", (int) c));
    } else {
      out.append(String.format("\\u%04X", (int) c));
    }
  }
}
