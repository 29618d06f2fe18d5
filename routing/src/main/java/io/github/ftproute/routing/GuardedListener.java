package io.github.ftproute.routing;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each event to the router's counters, then to the embedder's listener, shielding the router
 * from a listener that throws (the exception is logged; the event is otherwise unaffected). The one
 * place where listener calls are guarded.
 */
final class GuardedListener implements RouterListener {
  private static final Logger logger = LoggerFactory.getLogger(FtpSessionRouter.class);

  private final RouterCounters counters;
  private final RouterListener delegate;
  private final boolean hasDelegate;

  GuardedListener(RouterCounters counters, RouterListener delegate, boolean hasDelegate) {
    this.counters = counters;
    this.delegate = delegate;
    this.hasDelegate = hasDelegate;
  }

  private void guard(Runnable call) {
    if (!hasDelegate) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      logger.warn("router listener {} threw", delegate, e);
    }
  }

  @Override
  public void sessionOpened(FtpSession session) {
    counters.sessionOpened(session);
    guard(() -> delegate.sessionOpened(session));
  }

  @Override
  public void sessionRefused(InetSocketAddress client, SessionOpening.Reason reason) {
    counters.sessionRefused(client, reason);
    guard(() -> delegate.sessionRefused(client, reason));
  }

  @Override
  public void dataClosed(FtpSession session, int port, long bytesFromClient, long bytesToClient) {
    counters.dataClosed(session, port, bytesFromClient, bytesToClient);
    guard(() -> delegate.dataClosed(session, port, bytesFromClient, bytesToClient));
  }

  @Override
  public void sessionClosed(FtpSession session) {
    counters.sessionClosed(session);
    guard(() -> delegate.sessionClosed(session));
  }

  @Override
  public void leaseIssued(FtpSession session, int port, InetSocketAddress target) {
    counters.leaseIssued(session, port, target);
    guard(() -> delegate.leaseIssued(session, port, target));
  }

  @Override
  public void leaseRefused(FtpSession session, FtpReply reply) {
    counters.leaseRefused(session, reply);
    guard(() -> delegate.leaseRefused(session, reply));
  }

  @Override
  public void dataAdmitted(FtpSession session, int port, InetSocketAddress remote) {
    counters.dataAdmitted(session, port, remote);
    guard(() -> delegate.dataAdmitted(session, port, remote));
  }

  @Override
  public void dataRefused(int port, InetSocketAddress remote, DataRefusal reason) {
    counters.dataRefused(port, remote, reason);
    guard(() -> delegate.dataRefused(port, remote, reason));
  }

  @Override
  public void commandRefused(FtpSession session, FtpCommand command, FtpReply reply) {
    counters.commandRefused(session, command, reply);
    guard(() -> delegate.commandRefused(session, command, reply));
  }
}
