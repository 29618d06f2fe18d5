package io.github.ftproute.routing;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router's default listener: counts every event for {@link FtpSessionRouter#stats()}, as
 * Caffeine's {@code StatsCounter} counts for its cache. Thread-safe; allocation-free.
 */
final class RouterCounters implements RouterListener {
  private final LongAdder sessionsOpened = new LongAdder();
  private final LongAdder sessionsRefused = new LongAdder();
  private final LongAdder sessionsClosed = new LongAdder();
  private final LongAdder leasesIssued = new LongAdder();
  private final LongAdder leasesRefused = new LongAdder();
  private final LongAdder dataAdmitted = new LongAdder();
  private final LongAdder dataRefused = new LongAdder();
  private final LongAdder commandsRefused = new LongAdder();

  @Override
  public void sessionOpened(FtpSession session) {
    sessionsOpened.increment();
  }

  @Override
  public void sessionRefused(InetSocketAddress client, SessionOpening.Reason reason) {
    sessionsRefused.increment();
  }

  @Override
  public void sessionClosed(FtpSession session) {
    sessionsClosed.increment();
  }

  @Override
  public void leaseIssued(FtpSession session, int port, InetSocketAddress target) {
    leasesIssued.increment();
  }

  @Override
  public void leaseRefused(FtpSession session, FtpReply reply) {
    leasesRefused.increment();
  }

  @Override
  public void dataAdmitted(FtpSession session, int port, InetSocketAddress remote) {
    dataAdmitted.increment();
  }

  @Override
  public void dataRefused(int port, InetSocketAddress remote, DataRefusal reason) {
    dataRefused.increment();
  }

  @Override
  public void commandRefused(FtpSession session, FtpCommand command, FtpReply reply) {
    commandsRefused.increment();
  }

  RouterStats snapshot() {
    long closed = sessionsClosed.sum(); // read before opened, so active is never negative
    long opened = sessionsOpened.sum();
    return new RouterStats(opened, sessionsRefused.sum(), Math.max(0, opened - closed), leasesIssued.sum(),
        leasesRefused.sum(), dataAdmitted.sum(), dataRefused.sum(), commandsRefused.sum());
  }
}
