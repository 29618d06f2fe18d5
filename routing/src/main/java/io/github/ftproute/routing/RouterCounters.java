package io.github.ftproute.routing;

import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The router's default listener: counts every event for {@link FtpSessionRouter#stats()}, as
 * Caffeine's {@code StatsCounter} counts for its cache, and the data bytes per backend for
 * {@link FtpSessionRouter#traffic(String)}. Thread-safe; allocation-free but for the first data
 * connection of each backend id.
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
  private final ConcurrentHashMap<String, Traffic> traffic = new ConcurrentHashMap<>();

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
  public void dataClosed(FtpSession session, int port, long bytesFromClient, long bytesToClient) {
    Traffic t = traffic.computeIfAbsent(session.backend().id(), id -> new Traffic());
    t.fromClients.add(bytesFromClient);
    t.toClients.add(bytesToClient);
    t.connections.increment();
  }

  /** Returns the data traffic of backend {@code id} so far; zeros for a backend that moved none. */
  BackendTraffic traffic(String id) {
    Traffic t = traffic.get(id);
    return t == null ? BackendTraffic.NONE
        : new BackendTraffic(t.connections.sum(), t.fromClients.sum(), t.toClients.sum());
  }

  /** One backend's counts; one per backend id ever routed to, so as many as the pool has held. */
  private static final class Traffic {
    final LongAdder connections = new LongAdder();
    final LongAdder fromClients = new LongAdder();
    final LongAdder toClients = new LongAdder();
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
