package io.github.ftproute.routing.affinity;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.routing.internal.Segment;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Opening and closing connections on a {@link LocalAffinityTable}'s entries: {@link #open} finds the
 * client's entry and counts one more connection, or makes one (evicting through {@link Eviction} at a
 * full table); {@link #close} counts one fewer and starts the persistence timeout at the last.
 *
 * <p>A hit on a live entry and every close are lock-free and allocation-free: one compare-and-set
 * of the entry's state word, a clock read only when the entry was idle (open) or becomes idle
 * (close). A new client, an expired or dead entry, or an entry frozen by a rehash takes the stripe's
 * lock. Thread-safe.
 */
final class Connections {
  private final Stripes stripes;
  private final Eviction eviction;
  private final SelectionPolicy policy;
  private final long maximumSize;

  private volatile SelectorCache selectorCache;

  /** The selector built for one backend snapshot. */
  private static final class SelectorCache {
    final BackendSet set;
    final SelectionPolicy.Selector selector;

    SelectorCache(BackendSet set, SelectionPolicy.Selector selector) {
      this.set = set;
      this.selector = selector;
    }
  }

  Connections(Stripes stripes, Eviction eviction, SelectionPolicy policy, long maximumSize) {
    this.stripes = stripes;
    this.eviction = eviction;
    this.policy = policy;
    this.maximumSize = maximumSize;
    BackendSet set = stripes.pool.snapshot();
    this.selectorCache = new SelectorCache(set, policy.newSelector(set.candidates()));
  }

  /**
   * Routes a connection of the key given as {@code key} or, when that is null, as its bits. The key
   * object is only made when a policy or listener needs it.
   */
  Route open(@Nullable ClientKey key, Segment[] family, long keyBits, long high, long low) {
    Stripes s = stripes;
    long hash = s.hash(keyBits, high, low);
    Segment seg = s.segment(family, hash);
    BackendSet set = s.pool.snapshot();
    long[] t = seg.slots;
    int slot = seg.find(t, hash, keyBits, high, low);
    if (slot >= 0) {
      BackendEntry entry = set.live(Segment.incarnation(seg.metaAt(t, slot)));
      if (entry != null) {
        long now = -1;
        while (true) {
          long state = seg.stateAt(t, slot);
          int count = Segment.count(state);
          long next;
          if (count == 0) {
            // Idle: the one case on this path that needs the clock.
            now = now < 0 ? s.now() : now;
            if (s.hasExpired(state, now)) {
              break; // expired: replace it under the lock
            }
            next = Segment.state(1, now);
          } else if (count < Segment.MAX_COUNT) {
            next = state + Segment.ONE_CONNECTION;
          } else if (count == Segment.MAX_COUNT) {
            return hit(key, seg, keyBits, high, low, entry, entry.existingUncounted);
          } else {
            break; // deleted or frozen: take the lock
          }
          if (seg.casState(t, slot, state, next)) {
            return hit(key, seg, keyBits, high, low, entry, entry.existing);
          }
        }
      }
    }
    ClientKey k = key == null ? Stripes.keyOf(seg, keyBits, high, low) : key;
    return openLocked(k, seg, hash, keyBits, high, low, set);
  }

  /** Counts a hit found without the lock. */
  private Routed hit(
      @Nullable ClientKey key, Segment seg, long keyBits, long high, long low, BackendEntry entry, Routed routed) {
    entry.connections().increment();
    stripes.hits.increment();
    if (stripes.notify) {
      ClientKey k = key == null ? Stripes.keyOf(seg, keyBits, high, low) : key;
      stripes.call(() -> stripes.listener.onHit(k, entry.backend()));
    }
    return routed;
  }

  private Route openLocked(
      ClientKey key, Segment seg, long hash, long keyBits, long high, long low, BackendSet set) {
    long now = stripes.now();
    List<Runnable> events = stripes.notify ? new ArrayList<>(3) : List.of();
    SelectionPolicy.Selector selector = selector(set);
    Route route;
    seg.lock.lock();
    try {
      route = openUnderLock(key, seg, hash, keyBits, high, low, set, now, selector, events);
    } finally {
      seg.lock.unlock();
    }
    stripes.fire(events);
    return route;
  }

  private Route openUnderLock(
      ClientKey key,
      Segment seg,
      long hash,
      long keyBits,
      long high,
      long low,
      BackendSet set,
      long now,
      SelectionPolicy.Selector selector,
      List<Runnable> events) {
    Stripes s = stripes;
    AffinityListener listener = s.listener;
    Routed.Outcome outcome = Routed.Outcome.CREATED;
    long[] t = seg.slots;
    int slot = seg.find(t, hash, keyBits, high, low);
    if (slot >= 0) {
      BackendEntry entry = set.live(Segment.incarnation(seg.metaAt(t, slot)));
      if (entry == null) {
        seg.deleteAnyway(t, slot);
        s.size.decrementAndGet();
        s.rebalanced.increment();
        outcome = Routed.Outcome.REBALANCED;
        s.addEvent(events, () -> listener.onRebalanced(key));
      } else {
        while (true) {
          long state = seg.stateAt(t, slot);
          int count = Segment.count(state);
          if (count == 0 && s.hasExpired(state, now)) {
            if (seg.delete(t, slot, state)) {
              s.size.decrementAndGet();
              s.expired.increment();
              s.addEvent(events, () -> listener.onExpired(key, entry.backend()));
              break;
            }
          } else if (count >= Segment.MAX_COUNT
              || seg.casState(t, slot, state, count == 0 ? Segment.state(1, now) : state + Segment.ONE_CONNECTION)) {
            entry.connections().increment();
            s.hits.increment();
            s.addEvent(events, () -> listener.onHit(key, entry.backend()));
            return count >= Segment.MAX_COUNT ? entry.existingUncounted : entry.existing;
          }
        }
      }
    }
    if (!(selector.select(key) instanceof Selected selected)) {
      return NoBackend.INSTANCE;
    }
    BackendEntry chosen = chosen(set, selected);
    chosen.connections().increment();
    if (!s.reserve(maximumSize) && !eviction.evict(seg, Segment.home(hash, seg.capacity()), set, now, events)) {
      s.unrecorded.increment();
      s.addEvent(events, () -> listener.onUnrecorded(key, chosen.backend()));
      return chosen.unrecorded;
    }
    seg.insert(hash, keyBits, high, low, chosen.incarnation(), Segment.state(1, now));
    s.created.increment();
    s.addEvent(events, () -> listener.onCreated(key, chosen.backend()));
    return chosen.routed(outcome);
  }

  private static BackendEntry chosen(BackendSet set, Selected selected) {
    Candidates candidates = set.candidates();
    if (selected.index() >= candidates.size()
        || candidates.get(selected.index()) != selected.backend()) {
      throw new IllegalStateException(
          "selection: " + selected + " (expected: Candidates.select(i) of the candidates given to the policy)");
    }
    return candidates.entry(selected.index());
  }

  private SelectionPolicy.Selector selector(BackendSet set) {
    SelectorCache cache = selectorCache;
    if (cache.set != set) {
      cache = new SelectorCache(set, policy.newSelector(set.candidates()));
      selectorCache = cache;
    }
    return cache.selector;
  }

  /** Ends a connection routed by {@link #open}: lock-free, one compare-and-set. */
  void close(Segment[] family, long keyBits, long high, long low, Routed routed) {
    routed.entry().connections().decrement();
    if (!routed.countsEntry()) {
      return;
    }
    Stripes s = stripes;
    long hash = s.hash(keyBits, high, low);
    Segment seg = s.segment(family, hash);
    while (true) {
      long[] t = seg.slots;
      int slot = seg.find(t, hash, keyBits, high, low);
      if (slot < 0) {
        return;
      }
      long meta = seg.metaAt(t, slot);
      if (meta == Segment.TOMBSTONE || Segment.incarnation(meta) != routed.incarnation()) {
        return;
      }
      long state = seg.stateAt(t, slot);
      int count = Segment.count(state);
      if (state == Segment.FROZEN) {
        awaitRehash(seg);
      } else if (count == 0 || count == Segment.SPECIAL_COUNT) {
        return;
      } else if (count > 1) {
        if (seg.casState(t, slot, state, state - Segment.ONE_CONNECTION)) {
          return;
        }
      } else if (seg.casState(t, slot, state, Segment.state(0, s.now()))) {
        // The last connection: the persistence timeout starts now.
        seg.markIdle();
        return;
      }
    }
  }

  /** Waits for the rehash that froze a state word to publish the new array. */
  static void awaitRehash(Segment seg) {
    seg.lock.lock();
    seg.lock.unlock();
  }
}
