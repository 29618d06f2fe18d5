package io.github.ftproute.routing.health;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpVerb;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link FtpProbe} does: wait for the greeting, optionally log in as a check user,
 * optionally send {@code NOOP}, then {@code QUIT}; each step under {@link #stepTimeout()}.
 *
 * <table class="striped">
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>{@link #stepTimeout}: connect, greeting, each reply, QUIT's 221</td><td>2 s</td></tr>
 *   <tr><td>{@link #noop}: send NOOP after the greeting (and the login)</td><td>yes</td></tr>
 *   <tr><td>{@link #login}: a check user's USER and PASS</td><td>none: no login</td></tr>
 *   <tr><td>{@link #slowThreshold}: a probe that took longer is {@code DEGRADED}/{@code SLOW}</td>
 *       <td>{@link Duration#ZERO}: off</td></tr>
 * </table>
 *
 * <p>A login costs the backend a real session (and a log line); pick a check user that may log in
 * but do nothing, or leave it off. Immutable.
 *
 * @param stepTimeout the deadline of each step, 1 ms to 1 hour
 * @param noop whether to send NOOP after the greeting
 * @param login the check user, or null for no login
 * @param slowThreshold a probe slower than this is DEGRADED (SLOW); zero turns it off
 */
public record ProbeSpec(Duration stepTimeout, boolean noop, @Nullable Login login, Duration slowThreshold) {
  private static final ProbeSpec DEFAULTS = new ProbeSpec(Duration.ofSeconds(2), true, null, Duration.ZERO);

  /**
   * A check user's name and password.
   *
   * @param user the USER argument: not empty, no CR, LF or NUL
   * @param password the PASS argument (may be empty): no CR, LF or NUL
   */
  public record Login(String user, String password) {
    /**
     * Validates the components.
     *
     * @throws IllegalArgumentException if the user is empty or either holds CR, LF or NUL
     */
    public Login {
      requireNonNull(user, "user");
      requireNonNull(password, "password");
      if (user.isEmpty()) {
        throw new IllegalArgumentException("user: '' (expected: a user name)");
      }
      FtpCommand.of(FtpVerb.USER, user); // throws on CR, LF, NUL
      FtpCommand.of(FtpVerb.PASS, password);
    }

    /** Shows the user, never the password. */
    @Override
    public String toString() {
      return "Login[user=" + user + "]";
    }
  }

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if the step timeout is not in 1 ms..1 h or the slow threshold
   *     is negative
   */
  public ProbeSpec {
    requireNonNull(stepTimeout, "stepTimeout");
    requireNonNull(slowThreshold, "slowThreshold");
    if (stepTimeout.compareTo(Duration.ofMillis(1)) < 0 || stepTimeout.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("stepTimeout: " + stepTimeout + " (expected: 1 ms..1 h)");
    }
    if (slowThreshold.isNegative()) {
      throw new IllegalArgumentException("slowThreshold: " + slowThreshold + " (expected: >= 0)");
    }
  }

  /** Returns the defaults: 2 s per step, NOOP, no login, no slow threshold. */
  public static ProbeSpec defaults() {
    return DEFAULTS;
  }

  /** Returns this spec with {@code timeout} per step. */
  public ProbeSpec withStepTimeout(Duration timeout) {
    return new ProbeSpec(timeout, noop, login, slowThreshold);
  }

  /** Returns this spec with NOOP sent after the greeting, or not. */
  public ProbeSpec withNoop(boolean noop) {
    return new ProbeSpec(stepTimeout, noop, login, slowThreshold);
  }

  /** Returns this spec logging in as {@code user} with {@code password}. */
  public ProbeSpec withLogin(String user, String password) {
    return new ProbeSpec(stepTimeout, noop, new Login(user, password), slowThreshold);
  }

  /** Returns this spec with {@code threshold} for SLOW; zero turns it off. */
  public ProbeSpec withSlowThreshold(Duration threshold) {
    return new ProbeSpec(stepTimeout, noop, login, threshold);
  }

  /** Returns the check user, if any. */
  public Optional<Login> checkUser() {
    return Optional.ofNullable(login);
  }
}
