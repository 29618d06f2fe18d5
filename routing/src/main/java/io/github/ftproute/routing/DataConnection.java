package io.github.ftproute.routing;

import io.github.ftproute.core.PortLease;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handle of one admitted data connection: closing it releases the data-port lease that admitted
 * it. Closing twice is harmless. Thread-safe.
 */
public final class DataConnection implements AutoCloseable {
  private final FtpSessionRouter router;
  private final PortLease lease;
  private final AtomicBoolean closed = new AtomicBoolean();

  DataConnection(FtpSessionRouter router, PortLease lease) {
    this.router = router;
    this.lease = lease;
  }

  /** Returns the local port the connection arrived on. */
  public int port() {
    return lease.port();
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Releases the lease; the port enters its quarantine. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      router.released(lease);
    }
  }

  @Override
  public String toString() {
    return "DataConnection[port " + lease.port() + (closed.get() ? ", closed]" : "]");
  }
}
