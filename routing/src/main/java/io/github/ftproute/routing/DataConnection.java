package io.github.ftproute.routing;

import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.core.LeasePurpose;
import io.github.ftproute.core.PortLease;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One admitted data connection of a {@link FtpSession}: the handle through which the transport tells
 * the session that the connection has ended.
 *
 * <p>The session counts the connection as open from its admission, and holds back the final reply of
 * a transfer (and every reply after it) while any of its data connections is open. The transport
 * calls {@link #close()} only after the connection has <em>delivered its last byte</em>: for a
 * download, once everything read from the backend has been written to the client and the client's
 * socket is closed; for an upload, once the backend has everything. {@code close()} returns the
 * replies that are then due, which the transport writes to the client in that order.
 *
 * <p>Thread-safe; closing twice is harmless (the second call returns nothing).
 */
public final class DataConnection {
  private final FtpSession session;
  private final PortLease lease;
  private final AtomicBoolean closed = new AtomicBoolean();

  DataConnection(FtpSession session, PortLease lease) {
    this.session = session;
    this.lease = lease;
  }

  /** Returns the session the connection belongs to. */
  public FtpSession session() {
    return session;
  }

  /** Returns the proxy port the connection arrived on. */
  public int port() {
    return lease.port();
  }

  /**
   * Returns where the other end of the connection is: the backend's data port for a passive
   * transfer, the client's announced endpoint for an active one.
   */
  public InetSocketAddress target() {
    return lease.target();
  }

  /**
   * Returns who connected: {@link LeasePurpose#PASSIVE} (the client, so the target is the backend) or
   * {@link LeasePurpose#ACTIVE} (the backend, so the target is the client).
   */
  public LeasePurpose purpose() {
    return lease.purpose();
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Ends the connection: releases its data-port lease (the port rests in quarantine) and returns the
   * replies the session held for it, in order, to be written to the client now. Empty when nothing
   * was held, when another data connection of the session is still open, when the session has
   * closed, or on a second call.
   */
  public List<FtpReply> close() {
    return close(0, 0);
  }

  /**
   * Ends the connection as {@link #close()} does, and reports the bytes it moved to the router's
   * listener ({@link RouterListener#dataClosed}) and to the per-backend counts of
   * {@link FtpSessionRouter#traffic(String)}: {@code bytesFromClient} toward the backend,
   * {@code bytesToClient} toward the client. A second call reports and returns nothing.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public List<FtpReply> close(long bytesFromClient, long bytesToClient) {
    if (bytesFromClient < 0 || bytesToClient < 0) {
      throw new IllegalArgumentException(
          "bytes: " + bytesFromClient + ", " + bytesToClient + " (expected: >= 0)");
    }
    if (!closed.compareAndSet(false, true)) {
      return List.of();
    }
    lease.close();
    session.dataBytes(lease.port(), bytesFromClient, bytesToClient);
    return session.dataClosed(lease);
  }

  @Override
  public String toString() {
    return "DataConnection[session " + session.id() + ", port " + lease.port() + (closed.get() ? ", closed]" : "]");
  }
}
