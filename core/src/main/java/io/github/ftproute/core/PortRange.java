package io.github.ftproute.core;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A set of TCP ports made of one or more inclusive intervals, such as {@code 10000-20000} or
 * {@code 30000-30100,30200,40000-40999}: the ports a proxy may lease for data connections.
 *
 * <p>Ports are 1..65535. Intervals may be given in any order and adjacent ones are joined, but they
 * may not overlap: a port listed twice is almost always a configuration mistake, so it is refused
 * with a message naming both intervals. {@link #toString()} gives the canonical text, which
 * {@link #parse} reads back to an equal range. Iteration is in ascending port order.
 *
 * <p>Instances are immutable and thread-safe. Memory is two {@code int}s per interval.
 */
public final class PortRange implements Iterable<Integer> {
  private final int[] lows;
  private final int[] highs;
  private final int[] startIndex; // index of each interval's first port within the range
  private final int size;

  private PortRange(int[] lows, int[] highs) {
    this.lows = lows;
    this.highs = highs;
    this.startIndex = new int[lows.length];
    int total = 0;
    for (int i = 0; i < lows.length; i++) {
      startIndex[i] = total;
      total += highs[i] - lows[i] + 1;
    }
    this.size = total;
  }

  /**
   * Returns the ports {@code low} to {@code high}, both included.
   *
   * @throws IllegalArgumentException if a port is outside 1..65535 or {@code low > high}
   */
  public static PortRange of(int low, int high) {
    checkPort(low, Integer.toString(low));
    checkPort(high, Integer.toString(high));
    if (low > high) {
      throw new IllegalArgumentException(
          "port range: " + low + "-" + high + " (expected: low <= high)");
    }
    return new PortRange(new int[] {low}, new int[] {high});
  }

  /** Returns the single port {@code port}. */
  public static PortRange of(int port) {
    return of(port, port);
  }

  /**
   * Parses comma-separated ports and {@code low-high} intervals. Spaces around commas and dashes are
   * allowed.
   *
   * @throws IllegalArgumentException with a message quoting the bad part, if the text is empty, a
   *     number is not a port in 1..65535, an interval runs backwards, or two intervals overlap
   */
  public static PortRange parse(String text) {
    requireNonNull(text, "text");
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("port range: '' (expected: ports or LOW-HIGH intervals, comma-separated)");
    }
    List<int[]> intervals = new ArrayList<>();
    for (String part : trimmed.split(",", -1)) {
      String p = part.trim();
      int dash = p.indexOf('-', 1);
      int low;
      int high;
      if (dash < 0) {
        low = number(p, text);
        high = low;
      } else {
        low = number(p.substring(0, dash).trim(), text);
        high = number(p.substring(dash + 1).trim(), text);
        if (low > high) {
          throw new IllegalArgumentException(
              "port range: '" + p + "' in '" + text + "' (expected: low <= high)");
        }
      }
      intervals.add(new int[] {low, high});
    }
    intervals.sort((a, b) -> Integer.compare(a[0], b[0]));
    List<int[]> joined = new ArrayList<>();
    for (int[] interval : intervals) {
      int[] last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
      if (last != null && interval[0] <= last[1]) {
        throw new IllegalArgumentException("port range: '" + text + "' (expected: no overlap, but "
            + format(last[0], last[1]) + " and " + format(interval[0], interval[1]) + " overlap)");
      }
      if (last != null && interval[0] == last[1] + 1) {
        last[1] = interval[1];
      } else {
        joined.add(interval.clone());
      }
    }
    int[] lows = new int[joined.size()];
    int[] highs = new int[joined.size()];
    for (int i = 0; i < lows.length; i++) {
      lows[i] = joined.get(i)[0];
      highs[i] = joined.get(i)[1];
    }
    return new PortRange(lows, highs);
  }

  private static int number(String s, String text) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "port: '" + s + "' in '" + text + "' (expected: a number from 1 to 65535)");
    }
    int port = Integer.parseInt(s);
    checkPort(port, text);
    return port;
  }

  private static void checkPort(int port, String text) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "port: " + port + (text.equals(Integer.toString(port)) ? "" : " in '" + text + "'")
              + " (expected: 1..65535)");
    }
  }

  /** Returns the number of ports. */
  public int size() {
    return size;
  }

  /** Returns the lowest port. */
  public int lowest() {
    return lows[0];
  }

  /** Returns the highest port. */
  public int highest() {
    return highs[highs.length - 1];
  }

  /** Returns whether {@code port} is in the range. */
  public boolean contains(int port) {
    return indexOf(port) >= 0;
  }

  /** Returns the position of {@code port} in ascending order, or -1 if it is not in the range. */
  int indexOf(int port) {
    if (lows.length == 1) { // the usual one interval: no search
      return port >= lows[0] && port <= highs[0] ? port - lows[0] : -1;
    }
    int i = Arrays.binarySearch(lows, port);
    if (i < 0) {
      i = -i - 2; // the interval that starts below port
      if (i < 0 || port > highs[i]) {
        return -1;
      }
    }
    return startIndex[i] + (port - lows[i]);
  }

  /** Returns the port at {@code index} in ascending order, 0 to {@code size() - 1}. */
  int portAt(int index) {
    if (lows.length == 1) {
      return lows[0] + index;
    }
    int i = Arrays.binarySearch(startIndex, index);
    if (i < 0) {
      i = -i - 2;
    }
    return lows[i] + (index - startIndex[i]);
  }

  @Override
  public Iterator<Integer> iterator() {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < size;
      }

      @Override
      public Integer next() {
        if (next >= size) {
          throw new NoSuchElementException();
        }
        return portAt(next++);
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortRange other && Arrays.equals(lows, other.lows) && Arrays.equals(highs, other.highs);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(lows) + Arrays.hashCode(highs);
  }

  /** Returns the canonical text, such as {@code 30000-30100,30200,40000-40999}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lows.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(format(lows[i], highs[i]));
    }
    return out.toString();
  }

  private static String format(int low, int high) {
    return low == high ? Integer.toString(low) : low + "-" + high;
  }
}
