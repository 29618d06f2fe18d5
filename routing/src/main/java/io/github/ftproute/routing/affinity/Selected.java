package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

/**
 * A policy's choice: the candidate at {@code index} of the {@link Candidates} it was given.
 *
 * <p>Obtain instances with {@link Candidates#select(int)}, which returns a shared instance and so
 * allocates nothing. The table checks that {@code backend} is the candidate at {@code index}.
 *
 * @param backend the chosen backend
 * @param index its position in the candidates, 0 or more
 */
public record Selected(Backend backend, int index) implements Selection {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public Selected {
    requireNonNull(backend, "backend");
    if (index < 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: >= 0)");
    }
  }
}
