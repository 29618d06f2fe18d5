package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.codec.FtpReply;

/** The outcome of {@link FtpSessionRouter#openSession}: a session, or a refusal with its reply. */
public sealed interface SessionOpening {
  /**
   * A session routed to a backend; the proxy connects to {@link FtpSession#backend()}.
   *
   * @param session the new session, which the proxy must {@linkplain FtpSession#close() close}
   */
  record Opened(FtpSession session) implements SessionOpening {
    /** Checks for null. */
    public Opened {
      requireNonNull(session, "session");
    }
  }

  /**
   * No session: send {@code reply} (a {@code 421}) to the client and close its connection.
   *
   * @param reason why
   * @param reply the reply for the client
   */
  record Refused(Reason reason, FtpReply reply) implements SessionOpening {
    /** Checks for null. */
    public Refused {
      requireNonNull(reason, "reason");
      requireNonNull(reply, "reply");
    }
  }

  /** Why a session was refused. */
  enum Reason {
    /** No backend is {@code UP} with a weight above zero, and the client has no live affinity. */
    NO_BACKEND,
    /** The client (its key under the persistence netmask) has as many sessions as allowed. */
    CLIENT_SESSION_LIMIT
  }
}
