package io.github.ftproute.routing;

import static io.github.ftproute.routing.RouterFixture.client;
import static io.github.ftproute.routing.RouterFixture.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.ftproute.core.ClientKey;
import io.github.ftproute.core.DataPortAllocator;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The builder's set-once rule, conflicts, defaults; and the limits it configures. */
final class FtpSessionRouterBuilderTest {
  private static final BackendPool POOL = BackendPool.of(Backend.of("a", "127.0.0.2", 21), Backend.of("b", "127.0.0.3", 21));

  @Test
  void settingTwice_throwsNamingTheSetting() {
    FtpSessionRouterBuilder b = FtpSessionRouter.builder().quarantine(Duration.ZERO);

    assertThatIllegalStateException().isThrownBy(() -> b.quarantine(Duration.ZERO))
        .withMessage("quarantine was already set");
  }

  @Test
  void tableSettingsAndReadyTable_conflictInTheSetterThatCausesIt() {
    AffinityTable table = AffinityTable.builder().backends(POOL).build();

    assertThatIllegalStateException().isThrownBy(() -> FtpSessionRouter.builder().policy(SelectionPolicy.roundRobin())
        .affinityTable(table)).withMessageStartingWith("affinityTable: conflicts with");
    assertThatIllegalStateException().isThrownBy(() -> FtpSessionRouter.builder().affinityTable(table)
        .persistenceTimeout(Duration.ofSeconds(1))).withMessage(
            "persistenceTimeout: conflicts with affinityTable, which was already set");
  }

  @Test
  void allocatorSettingsAndReadyAllocator_conflictInTheSetter() {
    DataPortAllocator allocator = DataPortAllocator.builder().range(PortRange.parse("30000-30009")).build();

    assertThatIllegalStateException().isThrownBy(() -> FtpSessionRouter.builder().dataPortAllocator(allocator)
        .acceptTimeout(Duration.ofSeconds(1))).withMessageStartingWith("acceptTimeout: conflicts with");
    assertThatIllegalStateException().isThrownBy(() -> FtpSessionRouter.builder().maxLeasesPerClient(2)
        .dataPortAllocator(allocator)).withMessageStartingWith("dataPortAllocator: conflicts with");
  }

  @Test
  void missingRequiredSettings_andSecondBuild_throw() {
    assertThatIllegalStateException().isThrownBy(() -> FtpSessionRouter.builder().dataPorts(PortRange.parse("1-2"))
        .build()).withMessage("backends or affinityTable must be set");
    assertThatIllegalStateException().isThrownBy(() -> FtpSessionRouter.builder().backends(POOL).build())
        .withMessage("dataPorts or dataPortAllocator must be set");
    FtpSessionRouterBuilder b = FtpSessionRouter.builder().backends(POOL).dataPorts(PortRange.parse("30000-30001"));
    b.build();
    assertThatIllegalStateException().isThrownBy(b::build).withMessage("build was already set");
  }

  @Test
  void badValues_throwIllegalArgument() {
    assertThatIllegalArgumentException().isThrownBy(() -> FtpSessionRouter.builder().minimumPassivePort(0))
        .withMessage("minimumPassivePort: 0 (expected: 1..65535)");
    assertThatIllegalArgumentException().isThrownBy(() -> FtpSessionRouter.builder().maxSessionsPerClient(0));
    assertThatIllegalArgumentException().isThrownBy(() -> FtpSessionRouter.builder()
        .maxLeasesPerSession(0, Duration.ofSeconds(1)));
  }

  @Test
  void defaultPolicy_isMaglev_sameChoicesAsAnExplicitMaglevRouter() {
    FtpSessionRouter byDefault = FtpSessionRouter.builder().backends(BackendPool.of(POOL.snapshot().backends()))
        .dataPorts(PortRange.parse("30000-30099")).build();
    FtpSessionRouter maglev = FtpSessionRouter.builder().backends(BackendPool.of(POOL.snapshot().backends()))
        .policy(SelectionPolicy.maglev()).dataPorts(PortRange.parse("30000-30099")).build();
    FtpSessionRouter wlc = FtpSessionRouter.builder().backends(BackendPool.of(POOL.snapshot().backends()))
        .policy(SelectionPolicy.weightedLeastConnections()).dataPorts(PortRange.parse("30000-30099")).build();
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    List<String> c = new ArrayList<>();
    for (int i = 10; i < 60; i++) {
      // sessions closed at once: least-connections would alternate, Maglev hashes the address
      for (var pair : List.of(List.of(byDefault, a), List.of(maglev, b), List.of(wlc, c))) {
        FtpSessionRouter r = (FtpSessionRouter) pair.get(0);
        FtpSession s = ((SessionOpening.Opened) r.openSession(client("127.0.1." + i, 5000), RouterFixture.LISTENER))
            .session();
        @SuppressWarnings("unchecked") List<String> out = (List<String>) pair.get(1);
        out.add(s.backend().id());
        s.close();
      }
    }
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void passiveReplyNamingAPrivilegedPort_425_andCounted() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    ReplyDecision decision = session.onServerReply(reply("227 Entering Passive Mode (127,0,0,2,0,22)."));

    assertThat(decision.dataPort()).isEmpty();
    assertThat(RouterFixture.text(decision.toClient().get(0)))
        .isEqualTo("425 Can't open data connection: the server announced a privileged port");
    assertThat(f.router.stats().leasesRefused()).isEqualTo(1);
    assertThat(f.router.dataPorts().stats().leased()).isZero();
  }

  @Test
  void passiveReplyBelowMinimum_allowedWhenConfigured() {
    RouterFixture f = new RouterFixture(b -> b.minimumPassivePort(1));

    assertThat(f.open("127.0.0.10").onServerReply(reply("227 (127,0,0,2,0,22)")).dataPort()).isPresent();
  }

  @Test
  void pasvLoop_overTheSessionBudget_425_otherSessionsServed_budgetRefills() {
    RouterFixture f = new RouterFixture(b -> b.maxLeasesPerSession(8, Duration.ofSeconds(1)));
    FtpSession flooder = f.open("127.0.0.10");
    int granted = 0;
    for (int i = 0; i < 100; i++) {
      if (flooder.onServerReply(reply("227 (10,0,0,5,39,16)")).dataPort().isPresent()) {
        granted++;
      }
    }

    assertThat(granted).isEqualTo(8);
    assertThat(f.router.stats().leasesRefused()).isEqualTo(92);
    assertThat(f.open("127.0.0.11").onServerReply(reply("227 (10,0,0,5,39,16)")).dataPort()).isPresent();
    f.ticker.advance(Duration.ofMillis(500));
    assertThat(flooder.onServerReply(reply("227 (10,0,0,5,39,16)")).dataPort()).isPresent();
  }

  @Test
  void sessionLimit_concurrentOpenAndClose_neverExceeded_noSlotLeaks() throws Exception {
    int limit = 3;
    RouterFixture f = new RouterFixture(b -> b.maxSessionsPerClient(limit));
    ClientKey key = f.router.persistenceNetmask().keyOf(RouterFixture.ip("127.0.0.10"));
    int threads = 4;
    AtomicInteger live = new AtomicInteger();
    AtomicInteger maxLive = new AtomicInteger();
    Set<String> failures = new HashSet<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < 20_000; i++) {
            if (f.router.openSession(client("127.0.0.10", 5000), RouterFixture.LISTENER)
                instanceof SessionOpening.Opened opened) {
              maxLive.accumulateAndGet(live.incrementAndGet(), Math::max);
              live.decrementAndGet();
              opened.session().close();
            }
          }
        } catch (Throwable e) {
          synchronized (failures) {
            failures.add(e.toString());
          }
        }
      });
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(worker.isAlive()).isFalse();
    }

    assertThat(failures).isEmpty();
    assertThat(maxLive.get()).isLessThanOrEqualTo(limit);
    assertThat(f.router.sessionsHeldBy(key)).isZero();
    assertThat(f.router.stats().activeSessions()).isZero();
  }
}
