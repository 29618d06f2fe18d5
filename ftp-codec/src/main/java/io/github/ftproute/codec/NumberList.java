package io.github.ftproute.codec;

/**
 * Reads comma-separated decimal numbers of one to three digits, as in {@code 127,0,0,1,4,1}: the
 * shared grammar of PORT and LPRT arguments and of 227 and 228 replies.
 */
final class NumberList {
  private NumberList() {}

  /**
   * Reads up to {@code values.length} numbers from {@code s} at {@code from}; returns how many were
   * read and leaves in {@code end[0]} the index after the last digit. Stops at the first character
   * that does not continue the list. A number of four or more digits ends the list before it and
   * counts as one more number with the value 1000, so callers see it as out of range.
   */
  static int read(CharSequence s, int from, int[] values, int[] end) {
    int count = 0;
    int i = from;
    int last = from;
    while (count < values.length) {
      int start = i;
      int value = 0;
      while (i < s.length() && isDigit(s.charAt(i))) {
        value = i - start < 3 ? value * 10 + (s.charAt(i) - '0') : 1000;
        i++;
      }
      if (i == start) {
        break;
      }
      values[count++] = value;
      last = i;
      if (i < s.length() && s.charAt(i) == ',' && count < values.length) {
        i++;
      } else {
        break;
      }
    }
    end[0] = last;
    return count;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** Appends {@code values} as a comma-separated list. */
  static void append(StringBuilder out, int... values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(values[i]);
    }
  }
}
