package io.github.ftproute.core;

import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataPortAllocator}'s stripes and the choice of a port across them: a stripe with
 * probability proportional to its free ports, then a uniform port within it, retried while the port
 * is not eligible for the peer; after {@value #RANDOM_TRIES} misses, a uniform choice among the
 * eligible ports of all stripes (O(range)). Takes one stripe lock at a time. Thread-safe.
 */
final class PortStripes {
  private static final int RANDOM_TRIES = 16;
  private static final int MAX_PROBES_PER_LEASE = 64;

  private final PortStripe[] stripes;
  private final int mask;
  private final int shift;
  private final RandomGenerator random;
  private final boolean sequential;
  private final @Nullable PortProbe probe;
  private final long probeBackoff;

  PortStripes(PortRange range, int count, int perPort, long quarantine, int restingPerPort,
      RandomGenerator random, boolean sequential, @Nullable PortProbe probe, long probeBackoff, long origin) {
    this.stripes = new PortStripe[count];
    this.mask = count - 1;
    this.shift = Integer.numberOfTrailingZeros(count);
    this.random = random;
    this.sequential = sequential;
    this.probe = probe;
    this.probeBackoff = probeBackoff;
    int size = range.size();
    for (int s = 0; s < count; s++) {
      int ports = (size - s + count - 1) / count;
      int maxResting = Integer.highestOneBit(Math.max(16, ports * restingPerPort - 1) * 2);
      stripes[s] = new PortStripe(range, s, shift, ports, perPort, quarantine, maxResting, origin);
    }
  }

  PortStripe[] all() {
    return stripes;
  }

  /** Returns the stripe of range index {@code index}. */
  PortStripe of(int index) {
    return stripes[index & mask];
  }

  /** Returns the stripe-local port of range index {@code index}. */
  int local(int index) {
    return index >>> shift;
  }

  /** Places {@code lease} on a port eligible for its peer, or returns false if there is none. */
  boolean place(PortLease lease, long now) {
    long peer = lease.peerBits;
    boolean drainedAll = false;
    for (int attempt = 0; attempt < RANDOM_TRIES; attempt++) {
      long choice = choose();
      if (choice < 0) {
        if (drainedAll) {
          return false; // no port has room, even after catching up with time
        }
        sweep(now);
        drainedAll = true;
        continue;
      }
      PortStripe stripe = stripes[(int) (choice >>> 32)];
      synchronized (stripe) {
        stripe.drain(now);
        int local = stripe.pick(random, sequential, (int) choice, peer, now);
        if (local == PortStripe.NONE) {
          if (sequential) {
            return false; // the one stripe has no eligible port
          }
          continue;
        }
        if (probe(stripe, local, now)) {
          stripe.lease(local, lease);
          return true;
        }
      }
    }
    return !sequential && scan(lease, now);
  }

  private boolean probe(PortStripe stripe, int local, long now) {
    return probe == null || stripe.probe(local, probe, now + probeBackoff);
  }

  /** The slow path: counts the eligible ports of every stripe and takes one of them uniformly. */
  private boolean scan(PortLease lease, long now) {
    long peer = lease.peerBits;
    int[] counts = new int[stripes.length];
    for (int round = 0; round < MAX_PROBES_PER_LEASE; round++) {
      int total = 0;
      for (int s = 0; s < stripes.length; s++) {
        synchronized (stripes[s]) {
          stripes[s].drain(now);
          counts[s] = stripes[s].countEligible(peer, now);
        }
        total += counts[s];
      }
      if (total == 0) {
        return false;
      }
      int rank = random.nextInt(total);
      int s = 0;
      while (rank >= counts[s]) {
        rank -= counts[s++];
      }
      PortStripe stripe = stripes[s];
      synchronized (stripe) {
        int local = stripe.eligibleAt(rank, peer, now);
        if (local != PortStripe.NONE && probe(stripe, local, now)) {
          stripe.lease(local, lease);
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Draws one of the free ports over all stripes, from the lock-free counts: returns the stripe in
   * the high 32 bits and the position in its free array in the low 32, or -1 if no stripe has room.
   * One draw serves both choices, so the port is uniform over the range's free ports.
   */
  private long choose() {
    int total = 0;
    for (PortStripe stripe : stripes) {
      total += stripe.publishedFree();
    }
    if (total <= 0) {
      return -1;
    }
    int r = random.nextInt(total);
    int last = -1;
    for (int s = 0; s < stripes.length; s++) {
      int free = stripes[s].publishedFree();
      if (free > 0) {
        last = s;
        if (r < free) {
          return (long) s << 32 | r;
        }
        r -= free;
      }
    }
    return last < 0 ? -1 : (long) last << 32 | Integer.MAX_VALUE; // counts moved under us: any port of the last
  }

  /** Catches up with time in every stripe; returns the leases expired. */
  int sweep(long now) {
    int count = 0;
    for (PortStripe stripe : stripes) {
      synchronized (stripe) {
        count += stripe.drain(now);
      }
    }
    return count;
  }

  /** Sums the stripes' counts and counters, one lock at a time, with the allocator's own counters. */
  AllocatorStats stats(long rangeFull, long clientLimit, long clientRate, long outsideRange) {
    int leased = 0;
    int claimed = 0;
    int resting = 0;
    int rejected = 0;
    int free = 0;
    long granted = 0;
    long expired = 0;
    long overflows = 0;
    long[] refused = new long[ClaimRefusal.values().length];
    for (PortStripe stripe : stripes) {
      synchronized (stripe) {
        leased += stripe.leased;
        claimed += stripe.claimed;
        resting += stripe.resting();
        rejected += stripe.rejected;
        free += stripe.freeCount();
        granted += stripe.granted;
        expired += stripe.expired;
        overflows += stripe.overflows();
        for (int i = 0; i < refused.length; i++) {
          refused[i] += stripe.refused[i];
        }
      }
    }
    return new AllocatorStats(leased, claimed, resting, rejected, free, granted, expired, rangeFull, clientLimit,
        clientRate, overflows, refused[ClaimRefusal.NO_LEASE.ordinal()] + outsideRange,
        refused[ClaimRefusal.EXPIRED.ordinal()], refused[ClaimRefusal.ALREADY_CLAIMED.ordinal()],
        refused[ClaimRefusal.FOREIGN_PEER.ordinal()]);
  }
}
