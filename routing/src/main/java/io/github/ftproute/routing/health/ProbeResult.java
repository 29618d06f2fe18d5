package io.github.ftproute.routing.health;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The outcome of one {@link FtpProbe}: a status, the reason for it, how long the probe took and a
 * short detail for logs (the backend's reply, quoted and truncated, or the step that timed out).
 *
 * <p>Each reason has one status:
 *
 * <table class="striped">
 *   <caption>Reasons</caption>
 *   <tr><th>reason</th><th>status</th><th>when</th></tr>
 *   <tr><td>{@link Reason#OK}</td><td>UP</td><td>greeting 220, and the NOOP and login if asked for</td></tr>
 *   <tr><td>{@link Reason#REFUSED}</td><td>DOWN</td><td>the TCP connection could not be made</td></tr>
 *   <tr><td>{@link Reason#TIMEOUT}</td><td>DOWN</td><td>a step passed its deadline (no greeting,
 *       no reply)</td></tr>
 *   <tr><td>{@link Reason#CLOSED}</td><td>DOWN</td><td>the backend closed before the probe was done</td></tr>
 *   <tr><td>{@link Reason#SERVICE_UNAVAILABLE}</td><td>DOWN</td><td>a {@code 421} (to the greeting
 *       or to a later command)</td></tr>
 *   <tr><td>{@link Reason#BAD_GREETING}</td><td>DOWN</td><td>a greeting that is neither 120, 220
 *       nor 421, or not a reply at all</td></tr>
 *   <tr><td>{@link Reason#BAD_REPLY}</td><td>DEGRADED</td><td>NOOP refused, or a reply that is not
 *       one after the greeting</td></tr>
 *   <tr><td>{@link Reason#LOGIN_FAILED}</td><td>DEGRADED</td><td>the check user was refused</td></tr>
 *   <tr><td>{@link Reason#SLOW}</td><td>DEGRADED</td><td>everything worked, but took longer than
 *       the slow threshold</td></tr>
 * </table>
 *
 * @param status UP, DEGRADED or DOWN
 * @param reason why
 * @param latency from the probe's start (before connecting) to its outcome, never negative
 * @param detail a short text for logs, at most 120 characters, no control characters
 */
public record ProbeResult(Status status, Reason reason, Duration latency, String detail) {
  private static final int MAX_DETAIL = 120;

  /** Whether the backend serves, serves badly, or does not. */
  public enum Status {
    /** The backend greeted and did what the probe asked. */
    UP,
    /** The backend greets but does not work as it should (login refused, NOOP refused, slow). */
    DEGRADED,
    /** The backend cannot be reached or does not greet. */
    DOWN
  }

  /** Why a probe ended as it did; each reason belongs to one {@link Status}. */
  public enum Reason {
    /** Everything the probe asked for worked in time. */
    OK(Status.UP),
    /** The connection was refused or could not be made. */
    REFUSED(Status.DOWN),
    /** A step (connect, greeting, a reply) passed its deadline. */
    TIMEOUT(Status.DOWN),
    /** The backend closed the connection before the probe was done. */
    CLOSED(Status.DOWN),
    /** The backend answered {@code 421 Service not available}. */
    SERVICE_UNAVAILABLE(Status.DOWN),
    /** The greeting was not 120, 220 or 421, or was not a well-formed reply. */
    BAD_GREETING(Status.DOWN),
    /** After a good greeting, NOOP was refused or a reply was not well formed. */
    BAD_REPLY(Status.DEGRADED),
    /** The check user's USER or PASS was refused. */
    LOGIN_FAILED(Status.DEGRADED),
    /** Everything worked, but slower than the probe's slow threshold. */
    SLOW(Status.DEGRADED);

    private final Status status;

    Reason(Status status) {
      this.status = status;
    }

    /** Returns the status this reason gives. */
    public Status status() {
      return status;
    }
  }

  /**
   * Validates the components and cleans the detail (control characters become {@code ?}, over 120
   * characters it is cut).
   *
   * @throws IllegalArgumentException if the status is not the reason's, or the latency is negative
   */
  public ProbeResult {
    requireNonNull(status, "status");
    requireNonNull(reason, "reason");
    requireNonNull(latency, "latency");
    requireNonNull(detail, "detail");
    if (reason.status() != status) {
      throw new IllegalArgumentException("status: " + status + " (expected: " + reason.status() + " for " + reason + ")");
    }
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency: " + latency + " (expected: >= 0)");
    }
    detail = clean(detail);
  }

  /** Returns the result of {@code reason}, with the status it gives. */
  public static ProbeResult of(Reason reason, Duration latency, String detail) {
    return new ProbeResult(requireNonNull(reason, "reason").status(), reason, latency, detail);
  }

  /** Returns whether the status is {@link Status#UP}. */
  public boolean isUp() {
    return status == Status.UP;
  }

  private static String clean(String s) {
    StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_DETAIL));
    for (int i = 0; i < s.length() && out.length() < MAX_DETAIL; i++) {
      char c = s.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.toString();
  }
}
