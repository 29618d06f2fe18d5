package io.github.ftproute.routing.affinity;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner of a changing set of backends: add, remove, reweight and change state, each published as
 * a new immutable {@link BackendSet} snapshot.
 *
 * <p>Readers ({@link #snapshot()}, and every {@link AffinityTable} routing through this pool) never
 * lock: they read the current snapshot from a volatile field. Changes are serialised by a lock that
 * only writers take, and each one replaces the snapshot atomically, so a reader sees the set before
 * or after a change, never in between. Each change is logged at INFO through SLF4J.
 *
 * <p><b>Affinity and incarnations.</b> Removing a backend or marking it {@link Backend.State#DOWN}
 * ends its current incarnation: the affinity entries that point at it are dead (tables drop them on
 * the next connection of the client, in {@link AffinityTable#sweep()}, or when they need room) and
 * re-adding the backend, or bringing it back {@code UP}, starts a new incarnation that none of the
 * old entries match. {@link Backend.State#DRAINING}, weight changes and {@code UP}/{@code DRAINING}
 * switches keep the incarnation and the entries. Incarnation numbers are 26 bits wide; the pool hands
 * out 67,108,863 of them before it reuses one (skipping those still in use), so an entry could only
 * come back to life if it stayed untouched and unswept through that many removals or {@code DOWN}s.
 *
 * <p>A pool also counts each backend's live connections ({@link #liveConnections(String)}) for the
 * least-connections policies; the count survives weight and state changes and starts at 0 when a
 * backend is added.
 */
public final class BackendPool {
  private static final Logger logger = LoggerFactory.getLogger(BackendPool.class);
  private static final int MAX_INCARNATION = (1 << 26) - 1;

  private final Object lock = new Object();
  private volatile BackendSet current = BackendSet.empty();
  private int lastIncarnation; // guarded by lock

  private BackendPool() {}

  /** Returns a pool with no backends. */
  public static BackendPool create() {
    return new BackendPool();
  }

  /**
   * Returns a pool holding {@code backends}, in order.
   *
   * @throws IllegalArgumentException if two backends share an id
   */
  public static BackendPool of(Backend... backends) {
    return of(List.of(backends));
  }

  /**
   * Returns a pool holding {@code backends}, in order.
   *
   * @throws IllegalArgumentException if two backends share an id
   */
  public static BackendPool of(Iterable<Backend> backends) {
    BackendPool pool = new BackendPool();
    for (Backend backend : backends) {
      pool.add(backend);
    }
    return pool;
  }

  /** Returns the current snapshot, without locking. */
  public BackendSet snapshot() {
    return current;
  }

  /**
   * Adds {@code backend} at the end of the set, with no live connections. An affinity entry of an
   * earlier backend with the same id is not revived.
   *
   * @throws IllegalArgumentException if a backend with the same id is in the pool
   */
  public void add(Backend backend) {
    requireNonNull(backend, "backend");
    synchronized (lock) {
      BackendSet set = current;
      if (set.entry(backend.id()) != null) {
        throw new IllegalArgumentException(
            "backend: '" + backend.id() + "' (expected: an id not already in the pool)");
      }
      List<BackendEntry> entries = new ArrayList<>(set.entries());
      int incarnation = backend.state() == Backend.State.DOWN ? 0 : nextIncarnation(set);
      entries.add(new BackendEntry(backend, incarnation, new LongAdder()));
      publish(set, entries);
    }
    logger.info("backend added: {} {} weight {} {}", backend.id(), backend.endpoint(), backend.weight(), backend.state());
  }

  /**
   * Removes the backend with {@code id}; its affinity entries die. Connections already open to it
   * are not touched: closing them later is harmless.
   *
   * @return whether a backend was removed
   */
  public boolean remove(String id) {
    requireNonNull(id, "id");
    synchronized (lock) {
      BackendSet set = current;
      BackendEntry old = set.entry(id);
      if (old == null) {
        return false;
      }
      List<BackendEntry> entries = new ArrayList<>(set.entries());
      entries.remove(old);
      publish(set, entries);
    }
    logger.info("backend removed: {}", id);
    return true;
  }

  /**
   * Sets the weight of the backend with {@code id} (0..65535). Its affinity entries stay; weight 0
   * stops new clients, like {@link Backend.State#DRAINING}.
   *
   * @return the backend as changed
   * @throws IllegalArgumentException if no backend has {@code id} or the weight is out of range
   */
  public Backend setWeight(String id, int weight) {
    requireNonNull(id, "id");
    Backend.checkWeight(weight);
    Backend changed;
    int oldWeight;
    synchronized (lock) {
      BackendSet set = current;
      BackendEntry old = existing(set, id);
      oldWeight = old.backend().weight();
      changed = old.backend().withWeight(weight);
      replace(set, old, new BackendEntry(changed, old.incarnation(), old.connections()));
    }
    logger.info("backend {} weight {} -> {}", id, oldWeight, weight);
    return changed;
  }

  /**
   * Sets the state of the backend with {@code id}. Entering {@link Backend.State#DOWN} ends the
   * backend's incarnation (its affinity entries die); leaving it starts a new one; switching between
   * {@code UP} and {@code DRAINING} keeps the entries.
   *
   * @return the backend as changed
   * @throws IllegalArgumentException if no backend has {@code id}
   */
  public Backend setState(String id, Backend.State state) {
    requireNonNull(id, "id");
    requireNonNull(state, "state");
    Backend changed;
    Backend.State oldState;
    synchronized (lock) {
      BackendSet set = current;
      BackendEntry old = existing(set, id);
      oldState = old.backend().state();
      if (oldState == state) {
        return old.backend();
      }
      changed = old.backend().withState(state);
      int incarnation;
      if (state == Backend.State.DOWN) {
        incarnation = 0;
      } else if (oldState == Backend.State.DOWN) {
        incarnation = nextIncarnation(set);
      } else {
        incarnation = old.incarnation();
      }
      replace(set, old, new BackendEntry(changed, incarnation, old.connections()));
    }
    logger.info("backend {} state {} -> {}", id, oldState, state);
    return changed;
  }

  /**
   * Returns the number of connections open to the backend with {@code id}: opened through a table
   * on this pool and not yet closed. 0 for an unknown id.
   */
  public long liveConnections(String id) {
    BackendEntry entry = current.entry(requireNonNull(id, "id"));
    return entry == null ? 0 : entry.connections().sum();
  }

  @Override
  public String toString() {
    return "BackendPool" + current.toString().substring("BackendSet".length());
  }

  private static BackendEntry existing(BackendSet set, String id) {
    BackendEntry entry = set.entry(id);
    if (entry == null) {
      throw new IllegalArgumentException("id: '" + id + "' (expected: a backend in the pool)");
    }
    return entry;
  }

  private void replace(BackendSet set, BackendEntry old, BackendEntry changed) {
    List<BackendEntry> entries = new ArrayList<>(set.entries());
    entries.set(entries.indexOf(old), changed);
    publish(set, entries);
  }

  private void publish(BackendSet set, List<BackendEntry> entries) {
    current = new BackendSet(set.version() + 1, entries);
  }

  private int nextIncarnation(BackendSet set) {
    do {
      lastIncarnation = lastIncarnation == MAX_INCARNATION ? 1 : lastIncarnation + 1;
    } while (set.live(lastIncarnation) != null);
    return lastIncarnation;
  }
}
