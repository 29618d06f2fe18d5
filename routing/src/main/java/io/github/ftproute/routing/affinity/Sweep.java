package io.github.ftproute.routing.affinity;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.Segment;
import java.util.ArrayList;
import java.util.List;

/**
 * The maintenance pass of a {@link LocalAffinityTable}: {@link #sweep} removes every expired entry
 * and every entry of a departed backend, then lets each stripe shrink its array or clear its
 * tombstones.
 *
 * <p>Locks one stripe at a time (routing in other stripes goes on) and runs listener events after
 * releasing it. Reads the clock once per sweep. Thread-safe; the table never sweeps by itself.
 */
final class Sweep {
  private final Stripes stripes;

  Sweep(Stripes stripes) {
    this.stripes = stripes;
  }

  /** Sweeps every stripe; returns how many entries it removed. */
  long sweep() {
    Stripes s = stripes;
    BackendSet set = s.pool.snapshot();
    long now = s.now();
    long removed = 0;
    for (Segment[] family : s.families) {
      for (Segment seg : family) {
        List<Runnable> events = s.notify ? new ArrayList<>() : List.of();
        seg.lock.lock();
        try {
          removed += sweep(seg, set, now, events);
          seg.compact();
        } finally {
          seg.lock.unlock();
        }
        s.fire(events);
      }
    }
    return removed;
  }

  private long sweep(Segment seg, BackendSet set, long now, List<Runnable> events) {
    Stripes s = stripes;
    long removed = 0;
    long[] t = seg.slots;
    int capacity = t.length >> seg.shift;
    for (int slot = 0; slot < capacity; slot++) {
      long meta = seg.metaAt(t, slot);
      if (meta == Segment.EMPTY || meta == Segment.TOMBSTONE) {
        continue;
      }
      BackendEntry entry = set.live(Segment.incarnation(meta));
      ClientKey key = s.notify ? Stripes.keyAt(seg, t, slot, meta) : null;
      if (entry == null) {
        s.dropDead(seg, t, slot, key, events);
      } else {
        long state = seg.stateAt(t, slot);
        if (Segment.count(state) != 0 || !s.hasExpired(state, now) || !seg.delete(t, slot, state)) {
          continue;
        }
        s.expired.increment();
        if (key != null) {
          Backend backend = entry.backend();
          events.add(() -> s.listener.onExpired(key, backend));
        }
      }
      s.size.decrementAndGet();
      removed++;
    }
    return removed;
  }
}
