package io.github.ftproute.routing.mina;

import io.github.ftproute.core.PortProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the proxy's data ports on demand: the allocator asks before it leases a port, and a port not
 * yet bound is bound then, on every data address, and stays bound until the transport closes. A port
 * that cannot be bound (another process holds it) is reported, counted, and skipped by the allocator
 * for its back-off, so one stray socket never fails a transfer or the proxy's start.
 *
 * <p>Thread-safe; the first lease of each port pays for one bind, every later one a bit test.
 */
final class DataPortBinder implements PortProbe {
  private static final Logger logger = LoggerFactory.getLogger(MinaTransport.class);

  private final NioSocketAcceptor acceptor;
  private final List<InetAddress> addresses;
  private final AtomicLongArray bound = new AtomicLongArray(1024);
  private final List<SocketAddress> boundAddresses = new ArrayList<>();
  private final LongAdder failures = new LongAdder();
  private boolean closed;

  DataPortBinder(NioSocketAcceptor acceptor, List<InetAddress> addresses) {
    this.acceptor = acceptor;
    this.addresses = List.copyOf(addresses);
  }

  boolean isBound(int port) {
    return (bound.get(port >>> 6) & (1L << port)) != 0;
  }

  @Override
  public boolean isUsable(int port) {
    return isBound(port) || bind(port);
  }

  private synchronized boolean bind(int port) {
    if (isBound(port)) {
      return true;
    }
    if (closed) {
      return false;
    }
    List<SocketAddress> wanted = new ArrayList<>(addresses.size());
    for (InetAddress address : addresses) {
      wanted.add(new InetSocketAddress(address, port));
    }
    try {
      acceptor.bind(wanted);
    } catch (IOException | RuntimeException e) {
      failures.increment();
      logger.warn("data port {} cannot be bound on {} ({}): skipped for now", port, addresses, e.toString());
      return false;
    }
    boundAddresses.addAll(wanted);
    bound.getAndUpdate(port >>> 6, word -> word | (1L << port));
    return true;
  }

  /** Binds every port of {@code ports} now, tolerating failures; returns how many were bound. */
  int bindAll(Iterable<Integer> ports) {
    int count = 0;
    for (int port : ports) {
      if (isUsable(port)) {
        count++;
      }
    }
    return count;
  }

  long bindFailures() {
    return failures.sum();
  }

  synchronized int boundPorts() {
    return boundAddresses.size() / Math.max(1, addresses.size());
  }

  /** Unbinds every data port; later probes bind nothing. */
  synchronized void close() {
    closed = true;
    if (!boundAddresses.isEmpty()) {
      acceptor.unbind(new ArrayList<>(boundAddresses));
      boundAddresses.clear();
    }
    for (int i = 0; i < bound.length(); i++) {
      bound.set(i, 0);
    }
  }
}
