package io.github.ftproute.routing.health;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies probe results to a {@link BackendPool} under a {@link HealthPolicy}, and tells the
 * transport which backend is due for a probe. It runs nothing itself: the embedder's scheduler
 * calls {@link #due()} and {@link #advance()} (the MINA transport does, every tenth of the interval,
 * at most every 100 ms), and the transport that drives each {@link FtpProbe} calls {@link #record}.
 *
 * <p><b>States.</b> An {@code UP} backend goes {@code DOWN} after {@link HealthPolicy#fall()}
 * failed probes in a row; a {@code DOWN} backend comes back {@code UP} after {@link
 * HealthPolicy#rise()} good ones. {@code DRAINING} is the operator's: it is probed and counted but
 * never changed. {@link #markDown} takes a backend {@code DOWN} at once (the transport calls it when
 * a client's connection to the backend fails).
 *
 * <p><b>Slow start.</b> A backend that comes back {@code UP} starts at a tenth of its weight (at
 * least 1), and {@link #advance()} raises it in ten steps to the full weight over {@link
 * HealthPolicy#slowStart()}, so a recovered backend is not flooded by every new client at once
 * (with weight 1 there is nothing to ramp: give backends weights such as 100 to use it). A weight
 * changed by someone else during the ramp ends the ramp; a backend that goes down during it gets
 * its full weight back first.
 *
 * <p><b>Scheduling.</b> Each backend's next probe is due a jittered interval ({@link
 * HealthPolicy#nextDelay}) after its last result; the first is due a random part of one interval
 * after the backend is first seen. At most one probe per backend is in flight.
 *
 * <p>Probe connections are the transport's own, never sessions of the router: they do not count in
 * its statistics, nor in the pool's live connections. Thread-safe (one lock, held briefly); memory
 * is one small entry per backend in the pool.
 */
public final class BackendHealth {
  private static final Logger logger = LoggerFactory.getLogger(BackendHealth.class);

  private final BackendPool pool;
  private final HealthPolicy policy;
  private final Ticker ticker;
  private final Map<String, Entry> entries = new HashMap<>(); // guarded by this

  private BackendHealth(BackendPool pool, HealthPolicy policy, Ticker ticker) {
    this.pool = pool;
    this.policy = policy;
    this.ticker = ticker;
  }

  /** Returns a tracker of {@code pool}'s backends under {@code policy}, reading time from {@code ticker}. */
  public static BackendHealth create(BackendPool pool, HealthPolicy policy, Ticker ticker) {
    return new BackendHealth(requireNonNull(pool, "pool"), requireNonNull(policy, "policy"), requireNonNull(ticker, "ticker"));
  }

  /** Returns the policy. */
  public HealthPolicy policy() {
    return policy;
  }

  /**
   * Returns the backends whose probe is due now, and marks each as probing until its {@link
   * #record}. Entries of backends no longer in the pool are dropped.
   */
  public synchronized List<Backend> due() {
    long now = ticker.read();
    List<Backend> due = new ArrayList<>();
    List<Backend> backends = pool.snapshot().backends();
    if (entries.size() > backends.size()) {
      entries.keySet().retainAll(backends.stream().map(Backend::id).toList());
    }
    for (Backend backend : backends) {
      Entry entry = entries.computeIfAbsent(backend.id(), id -> new Entry(id,
          now + (long) (policy.interval().toNanos() * ThreadLocalRandom.current().nextDouble())));
      if (!entry.probing && now - entry.nextDue >= 0) {
        entry.probing = true;
        due.add(backend);
      }
    }
    return due;
  }

  /**
   * Records the result of a probe of backend {@code id} and applies the policy: the backend may go
   * {@code DOWN} or come back {@code UP}. Its next probe is due a jittered interval from now. A
   * result for a backend that is no longer in the pool is ignored.
   */
  public void record(String id, ProbeResult result) {
    requireNonNull(id, "id");
    requireNonNull(result, "result");
    synchronized (this) {
      Optional<Backend> current = pool.snapshot().get(id);
      if (current.isEmpty()) {
        entries.remove(id);
        return;
      }
      Entry entry = entries.computeIfAbsent(id, i -> new Entry(i, 0));
      entry.probing = false;
      entry.nextDue = ticker.read() + policy.nextDelay(ThreadLocalRandom.current().nextDouble()).toNanos();
      entry.count(result);
      Backend backend = current.get();
      if (policy.isGood(result)) {
        entry.good++;
        entry.failed = 0;
        if (backend.state() == Backend.State.DOWN && entry.good >= policy.rise()) {
          up(entry, backend, result);
        }
      } else {
        entry.failed++;
        entry.good = 0;
        if (backend.state() == Backend.State.UP && entry.failed >= policy.fall()) {
          down(entry, backend, entry.failed + " failed probes in a row, the last " + result.reason()
              + ": " + result.detail());
        }
      }
    }
  }

  /** Takes backend {@code id} {@code DOWN} now if it is {@code UP}; {@code reason} goes to the log. */
  public void markDown(String id, String reason) {
    requireNonNull(id, "id");
    requireNonNull(reason, "reason");
    synchronized (this) {
      Optional<Backend> current = pool.snapshot().get(id);
      if (current.isPresent() && current.get().state() == Backend.State.UP) {
        Entry entry = entries.computeIfAbsent(id, i -> new Entry(i, 0));
        entry.good = 0;
        down(entry, current.get(), reason);
      }
    }
  }

  /** Moves every slow-start ramp on to the weight it should have now. Cheap when none is running. */
  public synchronized void advance() {
    long now = ticker.read();
    for (Entry entry : entries.values()) {
      if (entry.rampTarget < 0) {
        continue;
      }
      Optional<Backend> current = pool.snapshot().get(entry.id);
      if (current.isEmpty() || current.get().state() != Backend.State.UP
          || current.get().weight() != entry.rampWeight) {
        entry.rampTarget = -1; // removed, or reweighted or drained by someone else: theirs now
        continue;
      }
      int weight = policy.rampedWeight(entry.rampTarget, Duration.ofNanos(now - entry.rampStart));
      if (weight != entry.rampWeight) {
        pool.setWeight(entry.id, weight);
        entry.rampWeight = weight;
      }
      if (weight == entry.rampTarget) {
        entry.rampTarget = -1;
      }
    }
  }

  /** Returns the probe statistics of every backend probed or seen so far. */
  public synchronized List<ProbeStats> stats() {
    List<ProbeStats> all = new ArrayList<>(entries.size());
    for (Entry entry : entries.values()) {
      all.add(entry.snapshot());
    }
    return all;
  }

  /** Returns the probe statistics of backend {@code id}, if it has been seen. */
  public synchronized Optional<ProbeStats> stats(String id) {
    Entry entry = entries.get(requireNonNull(id, "id"));
    return entry == null ? Optional.empty() : Optional.of(entry.snapshot());
  }

  private void up(Entry entry, Backend backend, ProbeResult result) {
    int full = backend.weight();
    int start = policy.rampedWeight(full, Duration.ZERO);
    if (start != full) {
      pool.setWeight(backend.id(), start); // while still DOWN: it never takes clients at full weight
      entry.rampTarget = full;
      entry.rampWeight = start;
      entry.rampStart = ticker.read();
    }
    pool.setState(backend.id(), Backend.State.UP);
    logger.info("backend {} is UP after {} good probes ({} ms){}", backend.id(), entry.good,
        result.latency().toMillis(), start != full ? ", weight ramping " + start + " -> " + full : "");
  }

  private void down(Entry entry, Backend backend, String reason) {
    if (entry.rampTarget >= 0) {
      if (backend.weight() == entry.rampWeight) {
        pool.setWeight(backend.id(), entry.rampTarget); // it comes back at its full weight
      }
      entry.rampTarget = -1;
    }
    pool.setState(backend.id(), Backend.State.DOWN);
    logger.warn("backend {} is DOWN: {}", backend.id(), reason);
  }

  /** One backend's health; guarded by the tracker's lock. */
  private static final class Entry {
    final String id;
    long nextDue;
    boolean probing;
    int good;
    int failed;
    long up;
    long degraded;
    long down;
    long latencyNanos;
    @Nullable ProbeResult last;
    int rampTarget = -1; // the full weight during a slow start, -1 when none runs
    int rampWeight;
    long rampStart;

    Entry(String id, long nextDue) {
      this.id = id;
      this.nextDue = nextDue;
    }

    void count(ProbeResult result) {
      switch (result.status()) {
        case UP -> up++;
        case DEGRADED -> degraded++;
        case DOWN -> down++;
      }
      latencyNanos += result.latency().toNanos();
      last = result;
    }

    ProbeStats snapshot() {
      return new ProbeStats(id, up, degraded, down, Duration.ofNanos(latencyNanos), good, failed, last);
    }
  }
}
