package io.github.ftproute.core;

import com.google.common.base.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One lock's worth of a {@link DataPortAllocator}'s ports: port {@code local} of stripe {@code s} is
 * the range's port at index {@code local << shift | s}.
 *
 * <p>It keeps a dense array of the ports that can take another lease (so a uniform choice is one
 * random index), each port's leases as an intrusive list (one lease, or up to {@link #perPort} with
 * shared ports), the unclaimed leases in deadline order (an intrusive FIFO list), the ports the probe
 * rejected (a FIFO by end of back-off), and the (port, peer) pairs at rest ({@link PeerQuarantine}).
 *
 * <p>Not thread-safe: every method runs with the stripe's monitor held ({@code synchronized
 * (stripe)}), except {@link #publishedFree()}, a lock-free hint for choosing a stripe.
 */
final class PortStripe {
  static final int NONE = -1;
  private static final VarHandle PUBLISHED;

  static {
    try {
      PUBLISHED = MethodHandles.lookup().findVarHandle(PortStripe.class, "published", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int id;
  private final int shift;
  private final int ports;
  private final int perPort;
  private final long quarantine;
  private final int[] free;
  private final int[] freePosition;
  private final PortLease[] leases;
  private final byte[] leaseCount;
  private final long[] expiredPeer;
  private final int[] rejectedNext;
  private final long[] rejectedUntil;
  private final PeerQuarantine resting;
  private int freeCount;
  private int published;
  private int rejectedHead = NONE;
  private int rejectedTail = NONE;
  private @Nullable PortLease expiryHead;
  private @Nullable PortLease expiryTail;
  private int cursor;
  int leased;
  int claimed;
  int rejected;
  long granted;
  long expired;
  final long[] refused = new long[ClaimRefusal.values().length];

  private final PortRange range;

  PortStripe(PortRange range, int id, int shift, int ports, int perPort, long quarantine, int maxResting, long origin) {
    this.range = range;
    this.id = id;
    this.shift = shift;
    this.ports = ports;
    this.perPort = perPort;
    this.quarantine = quarantine;
    this.free = new int[ports];
    this.freePosition = new int[ports];
    this.leases = new PortLease[ports];
    this.leaseCount = new byte[ports];
    this.expiredPeer = new long[ports];
    this.rejectedNext = new int[ports];
    this.rejectedUntil = new long[ports];
    this.resting = new PeerQuarantine(ports, maxResting, origin);
    Arrays.fill(freePosition, NONE);
    for (int local = 0; local < ports; local++) {
      addFree(local);
    }
  }

  /** Returns, without the lock, about how many ports can take a lease. */
  int publishedFree() {
    return (int) PUBLISHED.getOpaque(this);
  }

  int freeCount() {
    return freeCount;
  }

  int resting() {
    return resting.size();
  }

  long overflows() {
    return resting.overflows;
  }

  /** Returns the range index of port {@code local}. */
  int indexOf(int local) {
    return local << shift | id;
  }

  /** Catches up with time: expires unclaimed leases, ends rests and back-offs. Returns the leases expired. */
  int drain(long now) {
    int count = 0;
    while (expiryHead != null && expiryHead.deadline - now <= 0) {
      PortLease lease = expiryHead;
      unlinkExpiry(lease);
      lease.end(PortLease.EXPIRED);
      int local = lease.index >>> shift;
      unlinkFromPort(local, lease);
      expiredPeer[local] = lease.peerBits;
      leased--;
      expired++;
      lease.share.release();
      count++;
    }
    resting.expire(now);
    while (rejectedHead != NONE && rejectedUntil[rejectedHead] - now <= 0) {
      int local = rejectedHead;
      rejectedHead = rejectedNext[local];
      if (rejectedHead == NONE) {
        rejectedTail = NONE;
      }
      rejected--;
      addFree(local);
    }
    return count;
  }

  /** Returns whether port {@code local}, which can take a lease, may take one for {@code peer}. */
  private boolean eligible(int local, long peer, long now) {
    if (resting.closed(local, now)) {
      return false;
    }
    for (PortLease l = leases[local]; l != null; l = l.nextOnPort) {
      if (l.peerBits == peer) {
        return false; // shared ports: one lease per peer and port
      }
    }
    return !resting.rests(local, peer);
  }

  /**
   * One try: the port at {@code position} of the free array (a new uniform draw if the array shrank
   * since the position was drawn), if eligible for {@code peer}; or the next eligible one in order.
   */
  int pick(RandomGenerator random, boolean sequential, int position, long peer, long now) {
    if (freeCount == 0) {
      return NONE;
    }
    if (sequential) {
      for (int k = 0; k < ports; k++) {
        int local = (cursor + k) % ports;
        if (freePosition[local] != NONE && eligible(local, peer, now)) {
          cursor = local + 1;
          return local;
        }
      }
      return NONE;
    }
    int local = free[position < freeCount ? position : random.nextInt(freeCount)];
    return eligible(local, peer, now) ? local : NONE;
  }

  /** Counts the ports eligible for {@code peer}. O(ports). */
  int countEligible(long peer, long now) {
    int n = 0;
    for (int i = 0; i < freeCount; i++) {
      if (eligible(free[i], peer, now)) {
        n++;
      }
    }
    return n;
  }

  /** Returns the {@code rank}-th port eligible for {@code peer}, or the last one if there are fewer now. */
  int eligibleAt(int rank, long peer, long now) {
    int last = NONE;
    for (int i = 0; i < freeCount; i++) {
      if (eligible(free[i], peer, now)) {
        if (rank-- == 0) {
          return free[i];
        }
        last = free[i];
      }
    }
    return last;
  }

  /** Asks the probe about a port with no lease; a rejected port rests until {@code until}. */
  boolean probe(int local, PortProbe probe, long until) {
    if (leaseCount[local] != 0 || probe.isUsable(range.portAt(indexOf(local)))) {
      return true;
    }
    removeFree(local);
    rejected++;
    rejectedUntil[local] = until;
    rejectedNext[local] = NONE;
    if (rejectedTail == NONE) {
      rejectedHead = local;
    } else {
      rejectedNext[rejectedTail] = local;
    }
    rejectedTail = local;
    return false;
  }

  /** Puts {@code lease} on port {@code local}, which {@link #pick} or {@link #eligibleAt} chose. */
  PortLease lease(int local, PortLease lease) {
    int index = indexOf(local);
    lease.place(range.portAt(index), index);
    lease.nextOnPort = leases[local];
    leases[local] = lease;
    if (++leaseCount[local] == perPort) {
      removeFree(local);
    }
    expiredPeer[local] = 0;
    lease.expiryNext = null;
    lease.expiryPrev = expiryTail;
    if (expiryTail == null) {
      expiryHead = lease;
    } else {
      expiryTail.expiryNext = lease;
    }
    expiryTail = lease;
    leased++;
    granted++;
    return lease;
  }

  /** Admits a connection from {@code remote} on port {@code local}, or says why not. */
  ClaimResult claim(int local, InetAddress remote, PeerMatch match, long now) {
    PortLease head = leases[local];
    PortLease lease = head == null ? null : perPort == 1 ? (matches(head, remote, match) ? head : null)
        : find(head, remote, match);
    ClaimRefusal refusal;
    if (lease == null) {
      refusal = expiredPeer[local] != 0 && expiredPeer[local] == ClientKey.peerBits(remote) ? ClaimRefusal.EXPIRED
          : head != null ? ClaimRefusal.FOREIGN_PEER : ClaimRefusal.NO_LEASE;
    } else if (lease.claims() >= lease.maxConnections()) {
      refusal = ClaimRefusal.ALREADY_CLAIMED;
    } else if (lease.claims() == 0 && lease.deadline - now <= 0) {
      refusal = ClaimRefusal.EXPIRED; // past its deadline, behind a later one in the expiry list
    } else {
      if (lease.claims() == 0) {
        unlinkExpiry(lease);
        leased--;
        claimed++;
      }
      lease.claimOnce();
      return lease;
    }
    refused[refusal.ordinal()]++;
    return ClaimResult.Refused.of(refusal);
  }

  private static boolean matches(PortLease lease, InetAddress remote, PeerMatch match) {
    return switch (match) {
      case ANY -> true;
      case SAME_IP -> ClientKey.sameAddress(remote, lease.expectedPeer());
      case SAME_KEY -> ClientKey.sameAddress(remote, lease.expectedPeer()) || lease.owner().contains(remote);
    };
  }

  /** Shared ports: the lease of the connecting peer, else (SAME_KEY) the newest whose owner holds it. */
  private static @Nullable PortLease find(PortLease head, InetAddress remote, PeerMatch match) {
    long bits = ClientKey.peerBits(remote);
    PortLease byKey = null;
    for (PortLease l = head; l != null; l = l.nextOnPort) {
      if (l.peerBits == bits && ClientKey.sameAddress(remote, l.expectedPeer())) {
        return l;
      }
      if (match == PeerMatch.SAME_KEY && byKey == null && l.owner().contains(remote)) {
        byKey = l;
      }
    }
    return byKey;
  }

  /** Gives {@code lease}'s port back; returns false if it was already released or expired. */
  boolean release(PortLease lease, Ticker ticker) {
    if (lease.state() != PortLease.LIVE) {
      return false;
    }
    lease.end(PortLease.RELEASED);
    int local = lease.index >>> shift;
    unlinkFromPort(local, lease);
    if (lease.claims() == 0) {
      unlinkExpiry(lease);
      leased--;
    } else {
      claimed--;
      if (quarantine > 0) {
        resting.add(local, lease.peerBits, ticker.read() + quarantine);
      }
    }
    return true;
  }

  private void unlinkFromPort(int local, PortLease lease) {
    PortLease prev = null;
    for (PortLease l = leases[local]; l != lease; l = l.nextOnPort) {
      prev = l;
    }
    if (prev == null) {
      leases[local] = lease.nextOnPort;
    } else {
      prev.nextOnPort = lease.nextOnPort;
    }
    lease.nextOnPort = null;
    if (leaseCount[local]-- == perPort) {
      addFree(local);
    }
  }

  private void unlinkExpiry(PortLease lease) {
    PortLease p = lease.expiryPrev;
    PortLease n = lease.expiryNext;
    if (p == null) {
      expiryHead = n;
    } else {
      p.expiryNext = n;
    }
    if (n == null) {
      expiryTail = p;
    } else {
      n.expiryPrev = p;
    }
    lease.expiryPrev = null;
    lease.expiryNext = null;
  }

  private void addFree(int local) {
    free[freeCount] = local;
    freePosition[local] = freeCount++;
    PUBLISHED.setOpaque(this, freeCount);
  }

  private void removeFree(int local) {
    int position = freePosition[local];
    int last = free[--freeCount];
    free[position] = last;
    freePosition[last] = position;
    freePosition[local] = NONE;
    PUBLISHED.setOpaque(this, freeCount);
  }
}
