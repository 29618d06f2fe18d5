package io.github.ftproute.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each client key's share of a {@link DataPortAllocator}: how many leases it holds now (against
 * {@code maxLeasesPerClient}) and its lease rate, a token bucket kept as one "theoretical arrival
 * time" (GCRA, ITU-T I.371): a lease at {@code now} is allowed if {@code tat - now <= (burst - 1) *
 * interval}, and moves {@code tat} to {@code max(tat, now) + interval}. A full bucket is {@code tat <=
 * now}.
 *
 * <p>Lock-free: a share is found with one {@link ConcurrentHashMap#get} and updated with compare-and-
 * set; a lease keeps its share, so giving it back needs no lookup. Thread-safe.
 *
 * <p><b>Bound.</b> A share with live leases stays; a share with none is dropped when the table holds
 * more than {@code bound} shares (the allocator passes its most live leases plus 1,024): first those
 * whose bucket is full (nothing is lost), then the others, whose buckets then start full again.
 */
final class ClientShares {
  private static final int DEAD = -1;
  private static final VarHandle COUNT;
  private static final VarHandle TAT;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      COUNT = lookup.findVarHandle(Share.class, "count", int.class);
      TAT = lookup.findVarHandle(Share.class, "tat", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One client key's count and bucket. */
  static final class Share {
    volatile int count;
    volatile long tat;

    Share(long tat) {
      this.tat = tat;
    }

    /** Gives back one lease. */
    void release() {
      COUNT.getAndAdd(this, -1);
    }
  }

  /** Returned by {@link #acquire} when the key holds its most leases. */
  static final Share LIMIT = new Share(0);
  /** Returned by {@link #acquire} when the key's bucket is empty. */
  static final Share RATE = new Share(0);

  private final ConcurrentHashMap<ClientKey, Share> shares = new ConcurrentHashMap<>();
  private final int maxLeases;
  private final long interval;
  private final long tolerance;
  private final int bound;

  ClientShares(int maxLeases, int burst, int leasesPerSecond, int bound) {
    this.maxLeases = maxLeases;
    this.interval = 1_000_000_000L / leasesPerSecond;
    this.tolerance = (burst - 1) * interval;
    this.bound = bound;
  }

  /** Takes one lease for {@code key} at {@code now}: its share, or {@link #LIMIT} or {@link #RATE}. */
  Share acquire(ClientKey key, long now) {
    for (;;) {
      Share share = shares.get(key);
      if (share == null) {
        Share fresh = new Share(now);
        share = shares.putIfAbsent(key, fresh);
        if (share == null) {
          share = fresh;
          if (shares.size() > bound) {
            purge(now);
          }
        }
      }
      int c = share.count;
      while (c != DEAD && c < maxLeases && !COUNT.weakCompareAndSet(share, c, c + 1)) {
        c = share.count;
      }
      if (c == DEAD) {
        shares.remove(key, share); // help the purge that killed it, then look again
        continue;
      }
      if (c >= maxLeases) {
        return LIMIT;
      }
      long t = share.tat;
      for (;;) {
        long base = t - now > 0 ? t : now;
        if (base - now > tolerance) {
          share.release();
          return RATE;
        }
        if (TAT.weakCompareAndSet(share, t, base + interval)) {
          return share;
        }
        t = share.tat;
      }
    }
  }

  /** Undoes an {@link #acquire} that found no port: the lease and its token come back. */
  void refund(Share share) {
    TAT.getAndAdd(share, -interval);
    share.release();
  }

  /** Returns the leases {@code key} holds now. */
  int held(ClientKey key) {
    Share share = shares.get(key);
    return share == null ? 0 : Math.max(0, share.count);
  }

  /** Returns how many keys have a share now. */
  int tracked() {
    return shares.size();
  }

  private void purge(long now) {
    for (int pass = 0; pass < 2 && shares.size() > bound - bound / 4; pass++) {
      for (Map.Entry<ClientKey, Share> e : shares.entrySet()) {
        Share share = e.getValue();
        if ((pass == 1 || share.tat - now <= 0) && COUNT.compareAndSet(share, 0, DEAD)) {
          shares.remove(e.getKey(), share);
        }
      }
    }
  }
}
