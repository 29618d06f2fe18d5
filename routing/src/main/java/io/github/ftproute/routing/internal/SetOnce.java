package io.github.ftproute.routing.internal;

/**
 * The one set-once idiom of the module's builders: each setting is a bit; a second set throws
 * {@link IllegalStateException} naming the setting, and so does a setting that conflicts with one
 * already made, from the setter that causes the conflict. Not thread-safe, as builders are not.
 */
public final class SetOnce {
  private long set;

  /** Returns a mask of the given setting bits. */
  public static long bits(int... bits) {
    long mask = 0;
    for (int bit : bits) {
      mask |= 1L << bit;
    }
    return mask;
  }

  /** Marks {@code bit} set; throws if it was, or if any of {@code conflicts} was. */
  public void mark(int bit, String name, long conflicts, String conflictName) {
    if ((set & (1L << bit)) != 0) {
      throw new IllegalStateException(name + " was already set");
    }
    if ((set & conflicts) != 0) {
      throw new IllegalStateException(name + ": conflicts with " + conflictName + ", which was already set");
    }
    set |= 1L << bit;
  }

  /** Marks {@code bit} set; throws if it was. */
  public void mark(int bit, String name) {
    mark(bit, name, 0, "");
  }

  /** Returns whether {@code bit} was set. */
  public boolean isSet(int bit) {
    return (set & (1L << bit)) != 0;
  }
}
