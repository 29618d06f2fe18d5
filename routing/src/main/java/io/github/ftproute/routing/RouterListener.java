package io.github.ftproute.routing;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import java.net.InetSocketAddress;

/**
 * Receives the events of a {@link FtpSessionRouter}, for metrics and audit logs. Every method has an
 * empty default, so a listener overrides what it needs.
 *
 * <p>Methods are called synchronously on the thread that caused the event (the thread driving the
 * session, or the one calling {@link FtpSessionRouter#admitData}); they must be quick and must not
 * throw. A listener that throws has the exception logged and the event is otherwise unaffected.
 */
public interface RouterListener {
  /** A session was opened and routed to its backend. */
  default void sessionOpened(FtpSession session) {}

  /** A session was refused before it started. */
  default void sessionRefused(InetSocketAddress client, SessionOpening.Reason reason) {}

  /** A session was closed; its leases are released. */
  default void sessionClosed(FtpSession session) {}

  /** A data port was leased for {@code session}; data connections to it go to {@code target}. */
  default void leaseIssued(FtpSession session, int port, InetSocketAddress target) {}

  /** No data port could be leased; the client got a {@code 425}. */
  default void leaseRefused(FtpSession session, FtpReply reply) {}

  /** A data connection was admitted to {@code session}. */
  default void dataAdmitted(FtpSession session, int port, InetSocketAddress remote) {}

  /**
   * An admitted data connection of {@code session} ended, having moved {@code bytesFromClient}
   * bytes from the client toward the backend and {@code bytesToClient} bytes the other way (both 0
   * when the transport does not count; {@link io.github.ftproute.routing.mina.MinaTransport} does).
   */
  default void dataClosed(FtpSession session, int port, long bytesFromClient, long bytesToClient) {}

  /** A data connection was refused. */
  default void dataRefused(int port, InetSocketAddress remote, DataRefusal reason) {}

  /** A client command was answered locally and not forwarded (bounce attempt, bad syntax...). */
  default void commandRefused(FtpSession session, FtpCommand command, FtpReply reply) {}
}
