package io.github.ftproute.metrics;

import static java.util.Objects.requireNonNull;

import io.github.ftproute.core.AllocatorStats;
import io.github.ftproute.routing.DataRefusal;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.SessionOpening;
import io.github.ftproute.routing.affinity.AffinityStats;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.health.BackendHealth;
import io.github.ftproute.routing.health.ProbeResult;
import io.github.ftproute.routing.health.ProbeStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds ftproute's figures to a Micrometer {@link MeterRegistry}. Every meter reads the library's
 * own counters when the registry asks ({@code FunctionCounter}, {@code Gauge}, {@code
 * FunctionTimer}), so nothing is counted twice and nothing runs between scrapes.
 *
 * <table class="striped">
 *   <caption>Meters (names as Micrometer writes them; Prometheus adds {@code _total} to counters and
 *   {@code _seconds} to the timer)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code ftproute.sessions.open}</td><td>gauge</td><td></td><td>client sessions open now</td></tr>
 *   <tr><td>{@code ftproute.sessions.opened}</td><td>counter</td><td></td><td>sessions opened</td></tr>
 *   <tr><td>{@code ftproute.sessions.refused}</td><td>counter</td><td>{@code reason}: no_backend,
 *       client_session_limit (with a {@link RefusalCounter}; else one series, reason=all)</td><td>sessions refused</td></tr>
 *   <tr><td>{@code ftproute.data.admitted}</td><td>counter</td><td></td><td>data connections admitted</td></tr>
 *   <tr><td>{@code ftproute.data.refused}</td><td>counter</td><td>{@code reason}: unknown_port,
 *       expired, already_used, foreign_peer (or all)</td><td>data connections refused</td></tr>
 *   <tr><td>{@code ftproute.leases.issued}, {@code ftproute.leases.refused}</td><td>counter</td><td></td>
 *       <td>data-port leases issued; transfers answered 425 for want of a port</td></tr>
 *   <tr><td>{@code ftproute.commands.refused}</td><td>counter</td><td></td><td>commands answered by the proxy</td></tr>
 *   <tr><td>{@code ftproute.ports}</td><td>gauge</td><td>{@code state}: free, leased, claimed,
 *       quarantined</td><td>the data-port pool now</td></tr>
 *   <tr><td>{@code ftproute.ports.exhausted}</td><td>counter</td><td>{@code reason}: range_full,
 *       client_limit, client_rate</td><td>lease attempts refused</td></tr>
 *   <tr><td>{@code ftproute.ports.expired}</td><td>counter</td><td></td><td>leases that expired unclaimed</td></tr>
 *   <tr><td>{@code ftproute.affinity.entries}</td><td>gauge</td><td></td><td>entries in the table</td></tr>
 *   <tr><td>{@code ftproute.affinity.hits}, {@code .misses}, {@code .expired}, {@code .evicted},
 *       {@code .rebalanced}</td><td>counter</td><td></td><td>the table's {@link AffinityStats}
 *       (a miss is an entry created)</td></tr>
 *   <tr><td>{@code ftproute.backend.up}</td><td>gauge</td><td>{@code backend}</td><td>1 when UP, 0 otherwise</td></tr>
 *   <tr><td>{@code ftproute.backend.weight}</td><td>gauge</td><td>{@code backend}</td><td>the weight now (slow start shows here)</td></tr>
 *   <tr><td>{@code ftproute.backend.connections}</td><td>gauge</td><td>{@code backend}</td><td>live connections</td></tr>
 *   <tr><td>{@code ftproute.backend.data.bytes}</td><td>counter, bytes</td><td>{@code backend},
 *       {@code direction}: to_client, from_client</td><td>data bytes moved, as the transport reported
 *       them ({@link FtpSessionRouter#traffic})</td></tr>
 *   <tr><td>{@code ftproute.backend.data.connections}</td><td>counter</td><td>{@code backend}</td><td>data connections that ended</td></tr>
 *   <tr><td>{@code ftproute.probes}</td><td>counter</td><td>{@code backend}, {@code status}: up,
 *       degraded, down</td><td>health probes by result</td></tr>
 *   <tr><td>{@code ftproute.probe.latency}</td><td>timer</td><td>{@code backend}</td><td>probe durations</td></tr>
 * </table>
 *
 * <p>Per-backend meters are made for the backends in the pool when {@link #bindTo} runs; a backend
 * added later has none until the binder is bound again (to a new registry), and a removed one reads
 * as 0. Immutable and thread-safe.
 */
public final class FtpRouteMetrics implements MeterBinder {
  private final FtpSessionRouter router;
  private final @Nullable RefusalCounter refusals;
  private final @Nullable BackendHealth health;
  private final Tags tags;

  private FtpRouteMetrics(FtpSessionRouter router, @Nullable RefusalCounter refusals, @Nullable BackendHealth health,
      Tags tags) {
    this.router = router;
    this.refusals = refusals;
    this.health = health;
    this.tags = tags;
  }

  /** Returns a binder of {@code router}'s figures, without refusal reasons, probes or extra tags. */
  public static FtpRouteMetrics of(FtpSessionRouter router) {
    return new FtpRouteMetrics(requireNonNull(router, "router"), null, null, Tags.empty());
  }

  /** Returns this binder with refusals counted by reason from {@code counter} (the router's listener). */
  public FtpRouteMetrics withRefusals(RefusalCounter counter) {
    return new FtpRouteMetrics(router, requireNonNull(counter, "counter"), health, tags);
  }

  /** Returns this binder with the probe meters of {@code health} (see {@code MinaTransport.health()}). */
  public FtpRouteMetrics withHealth(BackendHealth health) {
    return new FtpRouteMetrics(router, refusals, requireNonNull(health, "health"), tags);
  }

  /** Returns this binder adding {@code extra} tags to every meter (such as the proxy's name). */
  public FtpRouteMetrics withTags(Iterable<Tag> extra) {
    return new FtpRouteMetrics(router, refusals, health, tags.and(requireNonNull(extra, "extra")));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    FtpSessionRouter r = router;
    Gauge.builder("ftproute.sessions.open", r, x -> x.stats().activeSessions()).tags(tags)
        .description("client sessions open now").register(registry);
    counter(registry, "ftproute.sessions.opened", "sessions opened", Tags.empty(), x -> x.stats().sessionsOpened());
    RefusalCounter counts = refusals;
    if (counts != null) {
      for (SessionOpening.Reason reason : SessionOpening.Reason.values()) {
        FunctionCounter.builder("ftproute.sessions.refused", counts, c -> c.sessionsRefused(reason))
            .tags(tags).tag("reason", lower(reason)).description("sessions refused").register(registry);
      }
      for (DataRefusal reason : DataRefusal.values()) {
        FunctionCounter.builder("ftproute.data.refused", counts, c -> c.dataRefused(reason))
            .tags(tags).tag("reason", lower(reason)).description("data connections refused").register(registry);
      }
    } else {
      counter(registry, "ftproute.sessions.refused", "sessions refused", Tags.of("reason", "all"),
          x -> x.stats().sessionsRefused());
      counter(registry, "ftproute.data.refused", "data connections refused", Tags.of("reason", "all"),
          x -> x.stats().dataRefused());
    }
    counter(registry, "ftproute.data.admitted", "data connections admitted", Tags.empty(), x -> x.stats().dataAdmitted());
    counter(registry, "ftproute.leases.issued", "data-port leases issued", Tags.empty(), x -> x.stats().leasesIssued());
    counter(registry, "ftproute.leases.refused", "transfers refused for want of a data port", Tags.empty(),
        x -> x.stats().leasesRefused());
    counter(registry, "ftproute.commands.refused", "commands answered by the proxy", Tags.empty(),
        x -> x.stats().commandsRefused());
    bindPorts(registry);
    bindAffinity(registry);
    bindBackends(registry, r.affinityTable().backends());
  }

  private void bindPorts(MeterRegistry registry) {
    portGauge(registry, "free", AllocatorStats::free);
    portGauge(registry, "leased", AllocatorStats::leased);
    portGauge(registry, "claimed", AllocatorStats::claimed);
    portGauge(registry, "quarantined", AllocatorStats::quarantined);
    counter(registry, "ftproute.ports.exhausted", "lease attempts refused", Tags.of("reason", "range_full"),
        x -> x.dataPorts().stats().exhaustedRangeFull());
    counter(registry, "ftproute.ports.exhausted", "lease attempts refused", Tags.of("reason", "client_limit"),
        x -> x.dataPorts().stats().exhaustedClientLimit());
    counter(registry, "ftproute.ports.exhausted", "lease attempts refused", Tags.of("reason", "client_rate"),
        x -> x.dataPorts().stats().exhaustedClientRate());
    counter(registry, "ftproute.ports.expired", "leases expired unclaimed", Tags.empty(),
        x -> x.dataPorts().stats().expired());
  }

  private void portGauge(MeterRegistry registry, String state, ToDoubleFunction<AllocatorStats> value) {
    Gauge.builder("ftproute.ports", router, x -> value.applyAsDouble(x.dataPorts().stats()))
        .tags(tags).tag("state", state).description("data ports by state").register(registry);
  }

  private void bindAffinity(MeterRegistry registry) {
    Gauge.builder("ftproute.affinity.entries", router, x -> x.affinityTable().size()).tags(tags)
        .description("entries in the affinity table").register(registry);
    affinity(registry, "hits", "connections routed by a live entry", AffinityStats::hitCount);
    affinity(registry, "misses", "clients without a live entry, routed by the policy", AffinityStats::createdCount);
    affinity(registry, "expired", "entries expired", AffinityStats::expiredCount);
    affinity(registry, "evicted", "entries evicted to make room", AffinityStats::evictedCount);
    affinity(registry, "rebalanced", "entries dropped with their backend", AffinityStats::rebalancedCount);
  }

  private void affinity(MeterRegistry registry, String name, String description, ToDoubleFunction<AffinityStats> value) {
    FunctionCounter.builder("ftproute.affinity." + name, router, x -> value.applyAsDouble(x.affinityTable().stats()))
        .tags(tags).description(description).register(registry);
  }

  private void bindBackends(MeterRegistry registry, BackendPool pool) {
    for (Backend backend : pool.snapshot().backends()) {
      String id = backend.id();
      Tags backendTags = tags.and("backend", id);
      Gauge.builder("ftproute.backend.up", pool, p -> p.snapshot().get(id)
              .map(b -> b.state() == Backend.State.UP ? 1.0 : 0.0).orElse(0.0))
          .tags(backendTags).description("1 when the backend is UP").register(registry);
      Gauge.builder("ftproute.backend.weight", pool, p -> p.snapshot().get(id).map(Backend::weight).orElse(0))
          .tags(backendTags).description("the backend's weight now").register(registry);
      Gauge.builder("ftproute.backend.connections", pool, p -> p.liveConnections(id))
          .tags(backendTags).description("live connections to the backend").register(registry);
      FunctionCounter.builder("ftproute.backend.data.bytes", router, r -> r.traffic(id).bytesToClients())
          .tags(backendTags).tag("direction", "to_client").baseUnit("bytes")
          .description("data bytes moved from the backend to clients").register(registry);
      FunctionCounter.builder("ftproute.backend.data.bytes", router, r -> r.traffic(id).bytesFromClients())
          .tags(backendTags).tag("direction", "from_client").baseUnit("bytes")
          .description("data bytes moved from clients to the backend").register(registry);
      FunctionCounter.builder("ftproute.backend.data.connections", router, r -> r.traffic(id).connections())
          .tags(backendTags).description("data connections that ended").register(registry);
      BackendHealth h = health;
      if (h != null) {
        for (ProbeResult.Status status : ProbeResult.Status.values()) {
          FunctionCounter.builder("ftproute.probes", h, x -> x.stats(id).map(s -> s.count(status)).orElse(0L))
              .tags(backendTags).tag("status", lower(status)).description("health probes by result").register(registry);
        }
        FunctionTimer.builder("ftproute.probe.latency", h,
                x -> x.stats(id).map(ProbeStats::probes).orElse(0L),
                x -> x.stats(id).map(s -> (double) s.totalLatency().toNanos()).orElse(0.0), TimeUnit.NANOSECONDS)
            .tags(backendTags).description("health probe durations").register(registry);
      }
    }
  }

  private void counter(MeterRegistry registry, String name, String description, Tags extra,
      ToDoubleFunction<FtpSessionRouter> value) {
    FunctionCounter.builder(name, router, value).tags(tags.and(extra)).description(description).register(registry);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
