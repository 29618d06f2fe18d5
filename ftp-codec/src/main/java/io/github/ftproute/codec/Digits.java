package io.github.ftproute.codec;

/** Writes small non-negative numbers as ASCII digits without going through strings. */
final class Digits {
  private Digits() {}

  /** Returns the numbers, each 0..99999, as ASCII decimal separated by commas. */
  static byte[] commaList(int... values) {
    int length = values.length - 1;
    for (int v : values) {
      length += count(v);
    }
    byte[] out = new byte[length];
    int at = 0;
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      int v = values[i];
      int n = count(v);
      for (int k = at + n - 1; k >= at; k--) {
        out[k] = (byte) ('0' + v % 10);
        v /= 10;
      }
      at += n;
    }
    return out;
  }

  private static int count(int v) {
    return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : 5;
  }
}
