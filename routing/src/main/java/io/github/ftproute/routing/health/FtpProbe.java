package io.github.ftproute.routing.health;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.codec.DecodedReply;
import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpReplyDecoder;
import io.github.ftproute.codec.FtpVerb;
import io.github.ftproute.codec.proxy.ProxyHeader;
import io.github.ftproute.codec.proxy.ProxyProtocol;
import io.github.ftproute.codec.proxy.ProxyVersion;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.health.ProbeResult.Reason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One FTP health probe of one backend, as a state machine that any transport drives: the transport
 * opens a TCP connection and feeds the probe what happens ({@link #connected()}, {@link
 * #received(ByteBuffer)}, {@link #closed()}, {@link #refused()}, and {@link #tick()} at or after
 * {@link #deadlineNanos()}); each call answers with a {@link ProbeStep}: what to send, whether to
 * close, and the outcome when it is decided.
 *
 * <p>The conversation is the one an FTP health check should have (a check that never sends QUIT
 * costs the server a slot until its idle timeout):
 *
 * <ol>
 *   <li>the greeting: {@code 220}, single or multi-line; {@code 120 Service ready in nnn minutes}
 *       is waited past (under the same deadline); {@code 421} is DOWN;
 *   <li>{@code USER} and {@code PASS} of the check user, if the spec has one, expecting {@code 230}
 *       (to USER or to PASS);
 *   <li>{@code NOOP}, if the spec asks, expecting {@code 2xx}; without a login {@code 530} is good
 *       too (vsftpd answers NOOP with {@code 530 Please login with USER and PASS} before login,
 *       which shows its command loop works);
 *   <li>{@code QUIT}, sent whatever the outcome once the backend has greeted (or timed out after
 *       connecting), then the connection closes on the {@code 221}, on the backend's close, or at
 *       the step deadline.
 * </ol>
 *
 * <p>The outcome is a {@link ProbeResult}, given once, on the step that decides it. Each step has
 * its own deadline ({@link ProbeSpec#stepTimeout()} from when it began, the first from {@link
 * #start}); time is read only from the ticker, at each call. Replies are decoded by the codec's
 * {@link FtpReplyDecoder}, so memory is bounded by its limits. Bad input never throws.
 *
 * <p>Not thread-safe: the transport calls it from one thread at a time.
 */
public final class FtpProbe {
  private enum State { CONNECTING, GREETING, USER, PASS, NOOP, QUIT, DONE }

  private static final FtpCommand NOOP = FtpCommand.of(FtpVerb.NOOP);
  private static final FtpCommand QUIT = FtpCommand.of(FtpVerb.QUIT);

  private final ProbeSpec spec;
  private final Ticker ticker;
  private final FtpReplyDecoder replies;
  private final long startNanos;
  private final long stepNanos;
  private State state = State.CONNECTING;
  private long deadline;
  private @Nullable ProbeResult result;
  private @Nullable String waitedPast; // the 120 the greeting began with, for the timeout's detail

  private FtpProbe(ProbeSpec spec, FtpCodec codec, Ticker ticker) {
    this.spec = spec;
    this.ticker = ticker;
    this.replies = codec.newReplyDecoder();
    this.stepNanos = spec.stepTimeout().toNanos();
    this.startNanos = ticker.read();
    this.deadline = startNanos + stepNanos;
  }

  /** Starts a probe now (the connect step's deadline runs from here); the transport connects next. */
  public static FtpProbe start(ProbeSpec spec, FtpCodec codec, Ticker ticker) {
    return new FtpProbe(requireNonNull(spec, "spec"), requireNonNull(codec, "codec"), requireNonNull(ticker, "ticker"));
  }

  /**
   * Returns the bytes a transport sends first on a probe's connection to a backend that expects
   * {@code proxyHeader}: the version 2 {@code LOCAL} header, or {@code PROXY UNKNOWN} in version 1
   * (which has no LOCAL): either way the backend uses the connection's own addresses and sees no made-up
   * client; nothing for {@code NONE}. A new array each call.
   */
  public static byte[] preamble(Backend.ProxyHeader proxyHeader) {
    requireNonNull(proxyHeader, "proxyHeader");
    return switch (proxyHeader) {
      case V2 -> ProxyProtocol.encode(ProxyHeader.local());
      case V1 -> ProxyProtocol.encode(ProxyHeader.unknown(ProxyVersion.V1));
      case NONE -> new byte[0];
    };
  }

  /** The TCP connection is open: wait for the greeting. */
  public ProbeStep connected() {
    if (state != State.CONNECTING) {
      return ProbeStep.NOTHING;
    }
    enter(State.GREETING);
    return ProbeStep.NOTHING;
  }

  /** The connection could not be made: DOWN, REFUSED. */
  public ProbeStep refused() {
    if (state == State.DONE) {
      return ProbeStep.NOTHING;
    }
    boolean decided = result == null;
    state = State.DONE;
    return decided ? decide(List.of(), true, Reason.REFUSED, "connect failed") : ProbeStep.CLOSE;
  }

  /** Bytes arrived from the backend; every byte of {@code in} is consumed. */
  public ProbeStep received(ByteBuffer in) {
    requireNonNull(in, "in");
    if (state == State.CONNECTING) {
      connected(); // a transport may report bytes first
    }
    List<FtpCommand> send = new ArrayList<>(2);
    boolean[] close = {false};
    ProbeResult before = result;
    replies.decode(in, decoded -> {
      if (state != State.DONE && !close[0]) {
        close[0] = reply(decoded, send);
      }
    });
    Optional<ProbeResult> decided = before == null ? Optional.ofNullable(result) : Optional.empty();
    if (send.isEmpty() && !close[0] && decided.isEmpty()) {
      return ProbeStep.NOTHING;
    }
    return new ProbeStep(send, close[0], decided);
  }

  /** The backend closed the connection (or it was lost): DOWN, CLOSED, unless already decided. */
  public ProbeStep closed() {
    if (state == State.DONE) {
      return ProbeStep.NOTHING;
    }
    boolean decided = result == null;
    state = State.DONE;
    return decided ? decide(List.of(), true, Reason.CLOSED, "closed while waiting for " + waitingFor()) : ProbeStep.CLOSE;
  }

  /**
   * Checks the deadline: past it, the probe is DOWN (TIMEOUT) if undecided, sends QUIT if the
   * connection is open, and closes; a probe already in QUIT just closes. Before it, nothing happens.
   */
  public ProbeStep tick() {
    if (state == State.DONE || ticker.read() - deadline < 0) {
      return ProbeStep.NOTHING;
    }
    State was = state;
    state = State.DONE;
    if (result != null) {
      return ProbeStep.CLOSE; // QUIT was not answered in time: just close
    }
    String detail = "no " + waitingFor(was) + " within " + spec.stepTimeout().toMillis() + " ms"
        + (waitedPast == null ? "" : " after '" + waitedPast + "'");
    return decide(was == State.CONNECTING ? List.of() : List.of(QUIT), true, Reason.TIMEOUT, detail);
  }

  /** Returns the ticker time of the current step's deadline; {@link #tick()} acts at or after it. */
  public long deadlineNanos() {
    return deadline;
  }

  /** Returns the nanoseconds from now to the current deadline, at least 0. */
  public long nanosToDeadline() {
    return Math.max(0, deadline - ticker.read());
  }

  /** Returns whether the probe has ended: the transport has closed, or should close, the connection. */
  public boolean isFinished() {
    return state == State.DONE;
  }

  /** Returns the outcome, once decided. */
  public Optional<ProbeResult> result() {
    return Optional.ofNullable(result);
  }

  /** Handles one reply; returns whether to close. */
  private boolean reply(DecodedReply decoded, List<FtpCommand> send) {
    if (!(decoded instanceof FtpReply reply)) {
      if (state == State.QUIT) {
        state = State.DONE;
        return true;
      }
      finish(send, state == State.GREETING ? Reason.BAD_GREETING : Reason.BAD_REPLY, "malformed " + decoded);
      return false;
    }
    int code = reply.code().value();
    String quoted = "'" + code + " " + reply.lineText(0) + "'";
    if (state == State.QUIT) {
      if (code >= 200) {
        state = State.DONE;
        return true;
      }
      return false;
    }
    if (code == 421) {
      finish(send, Reason.SERVICE_UNAVAILABLE, quoted);
      return false;
    }
    switch (state) {
      case GREETING -> {
        if (code == 120) {
          waitedPast = code + " " + reply.lineText(0);
        } else if (code == 220) {
          afterGreeting(send);
        } else if (code >= 200 || code < 100) {
          finish(send, Reason.BAD_GREETING, quoted);
        } // another 1xx: preliminary, keep waiting
      }
      case USER -> {
        if (code == 230) {
          loggedIn(send);
        } else if (code == 331) {
          send.add(FtpCommand.of(FtpVerb.PASS, login().password()));
          enter(State.PASS);
        } else if (code >= 200) {
          finish(send, Reason.LOGIN_FAILED, "USER: " + quoted);
        }
      }
      case PASS -> {
        if (code == 230 || code == 202) {
          loggedIn(send);
        } else if (code >= 200) {
          finish(send, Reason.LOGIN_FAILED, "PASS: " + quoted);
        }
      }
      case NOOP -> {
        if (code >= 200 && code < 300) {
          finish(send, Reason.OK, spec.login() != null ? "logged in, NOOP" : "greeting and NOOP");
        } else if (code == 530 && spec.login() == null) {
          // vsftpd answers every command but a few with 530 before login: its command loop works
          finish(send, Reason.OK, "greeting and NOOP (530 before login)");
        } else if (code >= 300) {
          finish(send, Reason.BAD_REPLY, "NOOP: " + quoted);
        }
      }
      default -> { }
    }
    return false;
  }

  private void afterGreeting(List<FtpCommand> send) {
    if (spec.login() != null) {
      send.add(FtpCommand.of(FtpVerb.USER, login().user()));
      enter(State.USER);
    } else {
      loggedIn(send);
    }
  }

  /** After the greeting (no login) or the login: NOOP, or done. */
  private void loggedIn(List<FtpCommand> send) {
    if (spec.noop()) {
      send.add(NOOP);
      enter(State.NOOP);
    } else {
      finish(send, Reason.OK, spec.login() != null ? "logged in" : "greeting");
    }
  }

  private ProbeSpec.Login login() {
    return requireNonNull(spec.login(), "login");
  }

  /** Decides the outcome (OK may become SLOW) and moves on to QUIT. */
  private void finish(List<FtpCommand> send, Reason reason, String detail) {
    Duration latency = Duration.ofNanos(Math.max(0, ticker.read() - startNanos));
    if (reason == Reason.OK && !spec.slowThreshold().isZero() && latency.compareTo(spec.slowThreshold()) > 0) {
      detail = "took " + latency.toMillis() + " ms (slow above " + spec.slowThreshold().toMillis() + " ms)";
      reason = Reason.SLOW;
    }
    result = ProbeResult.of(reason, latency, detail);
    send.add(QUIT);
    enter(State.QUIT);
  }

  private ProbeStep decide(List<FtpCommand> send, boolean close, Reason reason, String detail) {
    Duration latency = Duration.ofNanos(Math.max(0, ticker.read() - startNanos));
    ProbeResult decided = ProbeResult.of(reason, latency, detail);
    result = decided;
    return new ProbeStep(send, close, Optional.of(decided));
  }

  private void enter(State next) {
    state = next;
    deadline = ticker.read() + stepNanos;
  }

  private String waitingFor() {
    return waitingFor(state);
  }

  private static String waitingFor(State s) {
    return switch (s) {
      case CONNECTING -> "connect";
      case GREETING -> "greeting";
      case NOOP -> "reply to NOOP";
      case USER -> "reply to USER";
      case PASS -> "reply to PASS";
      case QUIT, DONE -> "reply to QUIT";
    };
  }
}
