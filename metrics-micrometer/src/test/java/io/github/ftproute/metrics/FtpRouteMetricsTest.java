package io.github.ftproute.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.SessionOpening;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/**
 * The binder on a real router (sessions opened and refused through its API; the transport-level
 * tests with real servers and clients are ProxyOperabilityTest in the examples). Also the README's
 * metrics example, compiled and asserted here.
 */
final class FtpRouteMetricsTest {
  private static final InetSocketAddress LISTENER = new InetSocketAddress(InetAddresses.forString("192.0.2.1"), 21);

  private static InetSocketAddress client(String ip) {
    return new InetSocketAddress(InetAddresses.forString(ip), 50000);
  }

  @Test
  void readmeMetricsExample_metersFollowTheRouter() {
    BackendPool pool = BackendPool.of(Backend.of("a", "10.0.0.5", 21));
    // --- README metrics example begins
    RefusalCounter refusals = new RefusalCounter(); // counts refusals by reason
    FtpSessionRouter router = FtpSessionRouter.builder()
        .backends(pool)
        .dataPorts(PortRange.parse("30000-30099"))
        .listener(refusals)
        .build();
    MeterRegistry registry = new SimpleMeterRegistry(); // or Prometheus, JMX, ...
    FtpRouteMetrics.of(router).withRefusals(refusals).bindTo(registry);
    // on the MINA transport: FtpRouteMetrics.of(transport.router()).withRefusals(refusals)
    //     .withHealth(transport.health().orElseThrow()).bindTo(registry);
    // --- README metrics example ends

    SessionOpening opened = router.openSession(client("203.0.113.7"), LISTENER);
    assertThat(opened).isInstanceOf(SessionOpening.Opened.class);
    assertThat(registry.get("ftproute.sessions.open").gauge().value()).isEqualTo(1);
    assertThat(registry.get("ftproute.sessions.opened").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("ftproute.affinity.misses").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("ftproute.affinity.entries").gauge().value()).isEqualTo(1);
    assertThat(registry.get("ftproute.backend.connections").tag("backend", "a").gauge().value()).isEqualTo(1);
    assertThat(registry.get("ftproute.ports").tag("state", "free").gauge().value()).isEqualTo(100);

    pool.setState("a", Backend.State.DRAINING);
    assertThat(registry.get("ftproute.backend.up").tag("backend", "a").gauge().value()).isZero();
    assertThat(router.openSession(client("203.0.113.8"), LISTENER)).isInstanceOf(SessionOpening.Refused.class);
    assertThat(registry.get("ftproute.sessions.refused").tag("reason", "no_backend").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("ftproute.sessions.refused").tag("reason", "client_session_limit").functionCounter()
        .count()).isZero();

    ((SessionOpening.Opened) opened).session().close();
    assertThat(registry.get("ftproute.sessions.open").gauge().value()).isZero();
    assertThat(registry.get("ftproute.backend.connections").tag("backend", "a").gauge().value()).isZero();
  }

  @Test
  void withoutRefusalCounter_totalsUnderReasonAll_andExtraTags() {
    FtpSessionRouter router = FtpSessionRouter.builder()
        .backends(BackendPool.of(new Backend("a", client("10.0.0.5"), 1, Backend.State.DOWN)))
        .dataPorts(PortRange.parse("30000-30009")).build();
    MeterRegistry registry = new SimpleMeterRegistry();
    FtpRouteMetrics.of(router).withTags(io.micrometer.core.instrument.Tags.of("proxy", "p1")).bindTo(registry);
    router.openSession(client("203.0.113.9"), LISTENER);
    assertThat(registry.get("ftproute.sessions.refused").tags("reason", "all", "proxy", "p1").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.find("ftproute.probes").meters()).as("no health given").isEmpty();
  }
}
