package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.google.common.testing.FakeTicker;
import com.google.common.testing.NullPointerTester;
import io.github.ftproute.core.ClientKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class AffinityTableTest {
  private static final ClientKey ALICE = ClientKey.ofIpv4(0x7F00_000A, 32); // 127.0.0.10
  private static final ClientKey BOB = ClientKey.ofIpv4(0x7F00_000B, 32); // 127.0.0.11
  private static final ClientKey CAROL = ClientKey.ofIpv6(0x2001_0db8_0000_0001L, 0x42, 128);

  private final FakeTicker ticker = new FakeTicker();
  private final BackendPool pool =
      BackendPool.of(Backend.of("a", "10.0.0.1", 21), Backend.of("b", "10.0.0.2", 21));

  private AffinityTable.Builder builder() {
    return AffinityTable.builder().backends(pool).ticker(ticker).policy(SelectionPolicy.roundRobin());
  }

  private static Routed routed(Route route) {
    assertThat(route).isInstanceOf(Routed.class);
    return (Routed) route;
  }

  @Test
  void open_newKey_createsEntry() {
    AffinityTable table = builder().build();

    Routed first = routed(table.open(ALICE));

    assertThat(first.outcome()).isEqualTo(Routed.Outcome.CREATED);
    assertThat(first.isNewEntry()).isTrue();
    assertThat(table.lookup(ALICE)).contains(first.backend());
    assertThat(table.entry(ALICE)).contains(new AffinityEntry(ALICE, first.backend(), 1));
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.stats()).isEqualTo(new AffinityStats(1, 0, 0, 0, 0, 0));
  }

  @Test
  void open_sameKey_sticksAndCounts() {
    AffinityTable table = builder().build();
    Routed first = routed(table.open(ALICE));

    Routed second = routed(table.open(ALICE));
    Routed other = routed(table.open(BOB));

    assertThat(second.backend()).isEqualTo(first.backend());
    assertThat(second.outcome()).isEqualTo(Routed.Outcome.EXISTING);
    assertThat(other.backend()).isNotEqualTo(first.backend()); // round robin moved on
    assertThat(table.entry(ALICE).orElseThrow().liveConnections()).isEqualTo(2);
    assertThat(pool.liveConnections(first.backend().id())).isEqualTo(2);
    assertThat(table.stats().hitCount()).isEqualTo(1);
  }

  @Test
  void open_ipv6Key_sticks() {
    AffinityTable table = builder().build();
    Routed first = routed(table.open(CAROL));

    assertThat(routed(table.open(CAROL)).backend()).isEqualTo(first.backend());
    assertThat(table.entry(CAROL)).contains(new AffinityEntry(CAROL, first.backend(), 2));
    assertThat(table.lookup(ClientKey.ofIpv6(0x2001_0db8_0000_0001L, 0x43, 128))).isEmpty();
  }

  @Test
  void open_keysDifferingOnlyInPrefix_areDistinct() {
    AffinityTable table = builder().build();
    ClientKey slash24 = ClientKey.ofIpv4(0x0A01_0200, 24);
    ClientKey slash32 = ClientKey.ofIpv4(0x0A01_0200, 32);

    Routed a = routed(table.open(slash24));
    Routed b = routed(table.open(slash32));

    assertThat(a.backend()).isNotEqualTo(b.backend());
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void openIpv4_matchesClientKeyForm() {
    AffinityTable table = builder().build();
    Routed viaKey = routed(table.open(ClientKey.ofIpv4(0x0A01_0203, 24)));

    Routed viaBits = routed(table.openIpv4(0x0A01_02FF, 24)); // same /24

    assertThat(viaBits.backend()).isEqualTo(viaKey.backend());
    assertThat(viaBits.outcome()).isEqualTo(Routed.Outcome.EXISTING);
    assertThat(table.lookupIpv4(0x0A01_0201, 24)).contains(viaKey.backend());
    table.closeIpv4(0x0A01_0200, 24, viaBits);
    assertThat(table.entry(ClientKey.ofIpv4(0x0A01_0200, 24)).orElseThrow().liveConnections()).isEqualTo(1);
    assertThatIllegalArgumentException().isThrownBy(() -> table.openIpv4(1, 33));
  }

  @Test
  void close_lastConnection_startsTimeout() {
    AffinityTable table = builder().persistenceTimeout(Duration.ofSeconds(300)).build();
    Routed one = routed(table.open(ALICE));
    Routed two = routed(table.open(ALICE));

    ticker.advance(1, TimeUnit.HOURS); // live connections: the entry cannot expire
    assertThat(table.lookup(ALICE)).contains(one.backend());
    table.close(ALICE, one);
    ticker.advance(1, TimeUnit.HOURS);
    assertThat(table.lookup(ALICE)).contains(one.backend());
    table.close(ALICE, two);
    ticker.advance(299_999, TimeUnit.MILLISECONDS);
    assertThat(table.lookup(ALICE)).contains(one.backend());
    ticker.advance(1, TimeUnit.MILLISECONDS);

    assertThat(table.lookup(ALICE)).isEmpty();
    assertThat(pool.liveConnections(one.backend().id())).isZero();
  }

  @Test
  void open_afterIdle_restartsTimeout() {
    AffinityTable table = builder().persistenceTimeout(Duration.ofSeconds(10)).build();
    Routed first = routed(table.open(ALICE));
    table.close(ALICE, first);
    ticker.advance(9, TimeUnit.SECONDS);

    Routed again = routed(table.open(ALICE));
    table.close(ALICE, again);
    ticker.advance(9, TimeUnit.SECONDS);

    assertThat(again.outcome()).isEqualTo(Routed.Outcome.EXISTING);
    assertThat(table.lookup(ALICE)).contains(first.backend());
  }

  @Test
  void open_expiredEntry_createsNewAndCountsExpiry() {
    List<String> events = new ArrayList<>();
    AffinityTable table = builder()
        .persistenceTimeout(Duration.ofSeconds(10))
        .listener(new RecordingListener(events))
        .build();
    table.close(ALICE, routed(table.open(ALICE)));
    ticker.advance(10, TimeUnit.SECONDS);

    Routed again = routed(table.open(ALICE));

    assertThat(again.outcome()).isEqualTo(Routed.Outcome.CREATED);
    assertThat(table.stats().expiredCount()).isEqualTo(1);
    assertThat(table.size()).isEqualTo(1);
    assertThat(events).containsExactly(
        "created 127.0.0.10/32 a", "expired 127.0.0.10/32 a", "created 127.0.0.10/32 b");
  }

  @Test
  void lookup_doesNotRefreshOrCount() {
    AffinityTable table = builder().persistenceTimeout(Duration.ofSeconds(10)).build();
    table.close(ALICE, routed(table.open(ALICE)));
    ticker.advance(5, TimeUnit.SECONDS);
    assertThat(table.lookup(ALICE)).isPresent();
    ticker.advance(5, TimeUnit.SECONDS);

    assertThat(table.lookup(ALICE)).isEmpty();
    assertThat(table.stats().hitCount()).isZero();
  }

  @Test
  void persistenceTimeoutZero_keepsEntryOnlyWhileConnected() {
    AffinityTable table = builder().persistenceTimeout(Duration.ZERO).build();
    Routed first = routed(table.open(ALICE));
    assertThat(table.lookup(ALICE)).isPresent();

    table.close(ALICE, first);

    assertThat(table.lookup(ALICE)).isEmpty();
  }

  @Test
  void persistenceTimeout_roundsUpToMillisecond() {
    AffinityTable table = builder().persistenceTimeout(Duration.ofNanos(1_500_000)).build();
    table.close(ALICE, routed(table.open(ALICE)));
    ticker.advance(1, TimeUnit.MILLISECONDS);
    assertThat(table.lookup(ALICE)).isPresent();
    ticker.advance(1, TimeUnit.MILLISECONDS);
    assertThat(table.lookup(ALICE)).isEmpty();
  }

  @Test
  void draining_keepsAndHonoursEntries_noNewClients() {
    AffinityTable table = builder().build();
    Routed alice = routed(table.open(ALICE)); // a
    assertThat(alice.backend().id()).isEqualTo("a");
    table.close(ALICE, alice);

    pool.setState("a", Backend.State.DRAINING);
    Routed again = routed(table.open(ALICE));
    Routed bob = routed(table.open(BOB));
    Routed carol = routed(table.open(CAROL));

    assertThat(again.backend().id()).isEqualTo("a");
    assertThat(again.backend().state()).isEqualTo(Backend.State.DRAINING);
    assertThat(again.outcome()).isEqualTo(Routed.Outcome.EXISTING);
    assertThat(bob.backend().id()).isEqualTo("b");
    assertThat(carol.backend().id()).isEqualTo("b");
    assertThat(table.stats().rebalancedCount()).isZero();
  }

  @Test
  void weightZero_behavesLikeDraining() {
    AffinityTable table = builder().build();
    Routed alice = routed(table.open(ALICE)); // a

    pool.setWeight("a", 0);

    assertThat(routed(table.open(ALICE)).backend()).isEqualTo(alice.backend().withWeight(0));
    assertThat(routed(table.open(BOB)).backend().id()).isEqualTo("b");
    assertThat(routed(table.open(CAROL)).backend().id()).isEqualTo("b");
  }

  @Test
  void down_dropsEntries_nextConnectionRebalanced() {
    List<String> events = new ArrayList<>();
    AffinityTable table = builder().listener(new RecordingListener(events)).build();
    Routed alice = routed(table.open(ALICE)); // a, live

    pool.setState("a", Backend.State.DOWN);
    assertThat(table.lookup(ALICE)).isEmpty();
    Routed again = routed(table.open(ALICE));

    assertThat(again.backend().id()).isEqualTo("b");
    assertThat(again.outcome()).isEqualTo(Routed.Outcome.REBALANCED);
    assertThat(again.isNewEntry()).isTrue();
    assertThat(table.stats().rebalancedCount()).isEqualTo(1);
    assertThat(table.size()).isEqualTo(1);
    assertThat(events).contains("rebalanced 127.0.0.10/32");
    // The old connection's close does not touch the new entry.
    table.close(ALICE, alice);
    assertThat(table.entry(ALICE).orElseThrow().liveConnections()).isEqualTo(1);
  }

  @Test
  void down_thenUp_doesNotResurrectEntries() {
    AffinityTable table = builder().build();
    Routed alice = routed(table.open(ALICE)); // a
    Routed bob = routed(table.open(BOB)); // b
    assertThat(alice.backend().id()).isEqualTo("a");

    pool.setState("a", Backend.State.DOWN);
    pool.setState("a", Backend.State.UP);

    assertThat(table.lookup(ALICE)).isEmpty();
    assertThat(table.lookup(BOB)).contains(bob.backend());
    // The connection opened before the outage closes after the new entry was made: no effect on it.
    Routed fresh = routed(table.open(ALICE));
    table.close(ALICE, alice);
    assertThat(table.entry(ALICE).orElseThrow().liveConnections()).isEqualTo(1);
    table.close(ALICE, fresh);
    assertThat(table.entry(ALICE).orElseThrow().liveConnections()).isZero();
  }

  @Test
  void remove_dropsEntries_sweepCountsThem() {
    AffinityTable table = builder().build();
    Routed alice = routed(table.open(ALICE)); // a
    routed(table.open(BOB)); // b

    assertThat(pool.remove("a")).isTrue();

    assertThat(table.lookup(ALICE)).isEmpty();
    assertThat(table.size()).isEqualTo(2); // not yet swept
    assertThat(table.sweep()).isEqualTo(1);
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.stats().rebalancedCount()).isEqualTo(1);
    table.close(ALICE, alice); // harmless
    assertThat(routed(table.open(ALICE)).backend().id()).isEqualTo("b");
  }

  @Test
  void remove_thenReAddSameId_doesNotResurrectEntries() {
    AffinityTable table = builder().build();
    Routed alice = routed(table.open(ALICE)); // a
    Backend a = alice.backend();

    pool.remove("a");
    pool.add(a);

    assertThat(table.lookup(ALICE)).isEmpty();
    Routed again = routed(table.open(ALICE));
    assertThat(again.outcome()).isEqualTo(Routed.Outcome.REBALANCED);
    table.close(ALICE, alice); // the old incarnation's connection
    assertThat(table.entry(ALICE).orElseThrow().liveConnections()).isEqualTo(1);
    assertThat(pool.liveConnections(again.backend().id())).isEqualTo(1);
  }

  @Test
  void open_noBackendUp_returnsNoBackend() {
    AffinityTable table = builder().build();
    pool.setState("a", Backend.State.DRAINING);
    pool.setState("b", Backend.State.DOWN);

    assertThat(table.open(ALICE)).isEqualTo(NoBackend.INSTANCE);
    assertThat(table.size()).isZero();
    assertThat(AffinityTable.builder().backends(BackendPool.create()).build().open(ALICE))
        .isInstanceOf(NoBackend.class);
  }

  @Test
  void open_fullTable_evictsLeastRecentlyUsedIdle() {
    List<String> events = new ArrayList<>();
    AffinityTable table = builder().maximumSize(3).listener(new RecordingListener(events)).build();
    ClientKey[] keys = {key(1), key(2), key(3)};
    for (ClientKey key : keys) {
      table.close(key, routed(table.open(key)));
      ticker.advance(1, TimeUnit.SECONDS);
    }
    table.close(keys[0], routed(table.open(keys[0]))); // key 1 is now the most recent
    ticker.advance(1, TimeUnit.SECONDS);

    Routed newcomer = routed(table.open(key(4)));

    assertThat(newcomer.outcome()).isEqualTo(Routed.Outcome.CREATED);
    assertThat(table.size()).isEqualTo(3);
    assertThat(table.lookup(keys[1])).isEmpty(); // key 2 was least recently used
    assertThat(table.lookup(keys[0])).isPresent();
    assertThat(table.lookup(keys[2])).isPresent();
    assertThat(table.stats().evictedCount()).isEqualTo(1);
    assertThat(events).contains("evicted 10.0.0.2/32 b");
  }

  @Test
  void open_fullOfLiveConnections_routesWithoutRecording() {
    List<String> events = new ArrayList<>();
    AffinityTable table = builder().maximumSize(2).listener(new RecordingListener(events)).build();
    routed(table.open(key(1)));
    routed(table.open(key(2)));

    Routed third = routed(table.open(key(3)));
    Routed thirdAgain = routed(table.open(key(3)));

    assertThat(third.outcome()).isEqualTo(Routed.Outcome.UNRECORDED);
    assertThat(thirdAgain.outcome()).isEqualTo(Routed.Outcome.UNRECORDED);
    assertThat(table.size()).isEqualTo(2);
    assertThat(table.lookup(key(3))).isEmpty();
    assertThat(table.stats().unrecordedCount()).isEqualTo(2);
    assertThat(events).contains("unrecorded 10.0.0.3/32 a");
    assertThat(pool.liveConnections("a") + pool.liveConnections("b")).isEqualTo(4);
    table.close(key(3), third);
    table.close(key(3), thirdAgain);
    assertThat(pool.liveConnections("a") + pool.liveConnections("b")).isEqualTo(2);
  }

  @Test
  void open_fullTable_prefersEntryOfDepartedBackend() {
    AffinityTable table = builder().maximumSize(2).build();
    routed(table.open(key(1))); // a, live
    routed(table.open(key(2))); // b, live
    pool.setState("a", Backend.State.DOWN);

    Routed third = routed(table.open(key(3)));

    assertThat(third.outcome()).isEqualTo(Routed.Outcome.CREATED);
    assertThat(table.lookup(key(2))).isPresent();
    assertThat(table.stats().rebalancedCount()).isEqualTo(1);
  }

  @Test
  void sweep_removesExpiredOnly() {
    AffinityTable table = builder().persistenceTimeout(Duration.ofSeconds(10)).build();
    table.close(key(1), routed(table.open(key(1))));
    routed(table.open(key(2))); // live
    ticker.advance(5, TimeUnit.SECONDS);
    table.close(key(3), routed(table.open(key(3))));
    ticker.advance(5, TimeUnit.SECONDS);

    assertThat(table.sweep()).isEqualTo(1);

    assertThat(table.size()).isEqualTo(2);
    assertThat(table.lookup(key(1))).isEmpty();
    assertThat(table.lookup(key(2))).isPresent();
    assertThat(table.lookup(key(3))).isPresent();
    assertThat(table.stats().expiredCount()).isEqualTo(1);
  }

  @Test
  void sweep_afterMostEntriesLeave_shrinksStorage() {
    LocalAffinityTable table = (LocalAffinityTable) builder().persistenceTimeout(Duration.ZERO).maximumSize(10_000).build();
    for (int i = 1; i <= 5_000; i++) {
      table.close(key(i), routed(table.open(key(i))));
    }
    long full = table.slotBytes();

    table.sweep();

    assertThat(table.size()).isZero();
    assertThat(table.slotBytes()).isLessThan(full / 10);
  }

  @Test
  void listener_throwing_isIgnored() {
    AffinityTable table = builder().listener(new AffinityListener() {
      @Override
      public void onCreated(ClientKey key, Backend backend) {
        throw new IllegalStateException("listener bug");
      }
    }).build();

    assertThat(table.open(ALICE)).isInstanceOf(Routed.class);
    assertThat(table.lookup(ALICE)).isPresent();
  }

  @Test
  void stats_minus_givesDifference() {
    AffinityTable table = builder().build();
    routed(table.open(ALICE));
    AffinityStats before = table.stats();
    routed(table.open(ALICE));

    assertThat(table.stats().minus(before)).isEqualTo(new AffinityStats(0, 1, 0, 0, 0, 0));
  }

  @Test
  void builder_defaults() {
    AffinityTable table = AffinityTable.builder().backends(pool).build();

    assertThat(table.persistenceTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(table.maximumSize()).isEqualTo(1_000_000);
    assertThat(table.backends()).isSameAs(pool);
    assertThat(table.toString()).contains("weightedLeastConnections");
  }

  @Test
  void builder_settingTwice_throws() {
    assertThatIllegalStateException().isThrownBy(() -> builder().ticker(ticker));
    assertThatIllegalStateException().isThrownBy(() -> builder().maximumSize(5).maximumSize(6));
    assertThatIllegalStateException()
        .isThrownBy(() -> builder().persistenceTimeout(Duration.ZERO).persistenceTimeout(Duration.ZERO));
    assertThatIllegalStateException().isThrownBy(() -> AffinityTable.builder().build())
        .withMessage("backends: not set (expected: a BackendPool)");
  }

  @Test
  void builder_badValues_throw() {
    assertThatIllegalArgumentException().isThrownBy(() -> builder().maximumSize(0))
        .withMessage("maximumSize: 0 (expected: 1..268435456)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().persistenceTimeout(Duration.ofSeconds(-1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().persistenceTimeout(Duration.ofDays(366)));
    assertThatIllegalArgumentException().isThrownBy(() -> builder().initialCapacity(-1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> builder().maximumSize(10).initialCapacity(11).build());
  }

  @Test
  void builderExample_fromJavadoc_builds() {
    // Copied in AffinityTable.Builder's Javadoc.
    AffinityTable table = AffinityTable.builder()
        .backends(pool)
        .policy(SelectionPolicy.maglev())
        .persistenceTimeout(Duration.ofMinutes(10))
        .maximumSize(100_000)
        .build();

    assertThat(table.persistenceTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(table.maximumSize()).isEqualTo(100_000);
  }

  @Test
  void routeExample_fromJavadoc_connectsAndCloses() {
    AffinityTable table = builder().build();
    ClientKey key = ALICE;
    List<String> log = new ArrayList<>();
    // Copied in Route's Javadoc.
    if (table.open(key) instanceof Routed routed) {
      log.add("connect " + routed.backend().endpoint());
      // ... when the connection closes:
      table.close(key, routed);
    } else {
      log.add("refuse");
    }

    assertThat(log).containsExactly("connect /10.0.0.1:21");
    assertThat(table.entry(key).orElseThrow().liveConnections()).isZero();
  }

  @Test
  void memory_millionIpv4Entries_atMost32BytesEach() {
    LocalAffinityTable table =
        (LocalAffinityTable) AffinityTable.builder().backends(pool).maximumSize(1_000_000).build();
    for (int i = 0; i < 1_000_000; i++) {
      table.openIpv4(0x0A00_0000 + i * 7919, 32);
    }

    assertThat(table.size()).isEqualTo(1_000_000);
    assertThat((double) table.slotBytes() / table.size()).isLessThanOrEqualTo(32.0);
  }

  @Test
  void nulls_rejected() {
    AffinityTable table = builder().build();
    NullPointerTester tester = new NullPointerTester()
        .setDefault(ClientKey.class, ALICE)
        .setDefault(Routed.class, routed(table.open(BOB)));
    tester.testAllPublicInstanceMethods(table);
    tester.testAllPublicInstanceMethods(AffinityTable.builder());
  }

  static ClientKey key(int i) {
    return ClientKey.ofIpv4(0x0A00_0000 + i, 32);
  }

  /** Records events as "kind key backend". */
  static final class RecordingListener implements AffinityListener {
    private final List<String> events;

    RecordingListener(List<String> events) {
      this.events = events;
    }

    @Override
    public void onCreated(ClientKey key, Backend backend) {
      events.add("created " + key + " " + backend.id());
    }

    @Override
    public void onExpired(ClientKey key, Backend backend) {
      events.add("expired " + key + " " + backend.id());
    }

    @Override
    public void onEvicted(ClientKey key, Backend backend) {
      events.add("evicted " + key + " " + backend.id());
    }

    @Override
    public void onRebalanced(ClientKey key) {
      events.add("rebalanced " + key);
    }

    @Override
    public void onUnrecorded(ClientKey key, Backend backend) {
      events.add("unrecorded " + key + " " + backend.id());
    }
  }
}
