package io.github.ftproute.routing;

import com.google.common.base.Ticker;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.core.ClientKey;
import io.github.ftproute.core.DataPortAllocator;
import io.github.ftproute.core.LeasePurpose;
import io.github.ftproute.core.LeaseResult;
import io.github.ftproute.core.PortLease;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The data-port leases of one {@link FtpSession}, and its lease budget. Each lease carries the
 * session as its attachment, so the router finds the session from an arriving connection in one
 * lookup. Not thread-safe: the session calls it under its lock.
 */
final class SessionLeases {
  private final DataPortAllocator allocator;
  private final RouterListener listener;
  private final Ticker ticker;
  private final ClientKey key;
  private final LeaseBudget budget;
  private final List<PortLease> leases = new ArrayList<>(2);

  SessionLeases(DataPortAllocator allocator, RouterListener listener, Ticker ticker, ClientKey key, SessionRules rules) {
    this.allocator = allocator;
    this.listener = listener;
    this.ticker = ticker;
    this.key = key;
    this.budget = new LeaseBudget(rules.maxLeasesPerSession(), rules.leaseWindowNanos(), ticker.read());
  }

  /** Returns a new lease for {@code session}, or the 425 that refuses the data setup. */
  Object lease(FtpSession session, InetAddress expectedPeer, InetSocketAddress target, LeasePurpose purpose) {
    if (!budget.tryTake(ticker.read())) {
      return DataCommands.cannotOpen("too many data connections, slow down");
    }
    LeaseResult result = allocator.lease(key, expectedPeer, target, purpose, 1, session);
    if (!(result instanceof LeaseResult.Leased leased)) {
      return DataCommands.cannotOpen("no data port available");
    }
    PortLease lease = leased.lease();
    leases.add(lease);
    listener.leaseIssued(session, lease.port(), target);
    return lease;
  }

  /** Releases the leases no data connection has claimed (a new data setup replaces them). */
  void releaseUnclaimed() {
    leases.removeIf(lease -> {
      if (lease.isClaimed() && lease.isLive()) {
        return false;
      }
      lease.close();
      return true;
    });
  }

  void forget(PortLease lease) {
    leases.remove(lease);
  }

  int live() {
    leases.removeIf(lease -> !lease.isLive());
    return leases.size();
  }

  void releaseAll() {
    for (PortLease lease : leases) {
      lease.close();
    }
    leases.clear();
  }

  /** Returns the 425 to send, counting the refusal. */
  FtpReply refused(FtpSession session, FtpReply reply) {
    listener.leaseRefused(session, reply);
    return reply;
  }
}
