package io.github.ftproute.routing;

import static io.github.ftproute.routing.RouterFixture.command;
import static io.github.ftproute.routing.RouterFixture.reply;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.github.ftproute.codec.AddressArguments;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import io.github.ftproute.core.PersistenceNetmask;
import io.github.ftproute.core.PortRange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Many sessions from overlapping client keys (a /24 netmask puts 10.0.0.1 and 10.0.0.2 under one key),
 * interleaved at random with passive and active data setups, data connections from any address,
 * closes and time passing. A data connection is only ever admitted to the session whose reply or
 * command announced its port, from that session's expected peer, to that session's target; and once
 * everything is closed no lease is left.
 */
final class FtpSessionRouterProperties {
  private static final InetAddress[] CLIENTS = {
    InetAddresses.forString("10.0.0.1"), InetAddresses.forString("10.0.0.2"),
    InetAddresses.forString("10.0.1.1"), InetAddresses.forString("10.0.2.1")};

  sealed interface Action {}

  record Open(int client) implements Action {}

  record Passive(int session, boolean extended) implements Action {}

  record Active(int session) implements Action {}

  record Connect(int announcement, int from) implements Action {}

  record EndData(int which) implements Action {}

  record Close(int session) implements Action {}

  record Advance(int seconds) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Integer> any = Arbitraries.integers().between(0, 40);
    return Arbitraries.<Action>frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(0, CLIENTS.length - 1).map(Open::new)),
            Tuple.of(4, Combinators.combine(any, Arbitraries.of(true, false)).as(Passive::new)),
            Tuple.of(3, any.map(Active::new)),
            Tuple.of(6, Combinators.combine(any, Arbitraries.integers().between(0, CLIENTS.length + 1)).as(Connect::new)),
            Tuple.of(2, any.map(EndData::new)),
            Tuple.of(2, any.map(Close::new)),
            Tuple.of(1, Arbitraries.of(1, 10, 31).map(Advance::new)))
        .list().ofMaxSize(60);
  }

  /** What a rewritten reply or command promised: this session, this peer, this target. */
  record Announcement(FtpSession session, int port, InetAddress peer, InetSocketAddress target) {}

  @Property(tries = 300)
  void dataOnlyEverReachesTheSessionThatAnnouncedIt(@ForAll("actions") List<Action> actions) {
    RouterFixture f = new RouterFixture(PortRange.parse("30000-30007"),
        b -> b.persistenceNetmask(PersistenceNetmask.ofIpv4(24)).maxLeasesPerClient(4));
    List<FtpSession> sessions = new ArrayList<>();
    List<Announcement> announcements = new ArrayList<>();
    Map<Integer, Announcement> latest = new HashMap<>();
    List<DataConnection> data = new ArrayList<>();
    int announcedPort = 10000;

    for (Action action : actions) {
      if (action instanceof Open open) {
        InetSocketAddress client = new InetSocketAddress(CLIENTS[open.client()], 40000 + sessions.size());
        SessionOpening opening = f.router.openSession(client, RouterFixture.LISTENER);
        if (opening instanceof SessionOpening.Opened opened) {
          opened.session().backendConnected(RouterFixture.PROXY_TO_BACKEND);
          sessions.add(opened.session());
        }
      } else if (action instanceof Passive passive && !sessions.isEmpty()) {
        FtpSession session = sessions.get(passive.session() % sessions.size());
        if (session.controlState() == FtpSession.ControlState.CLOSED) {
          continue;
        }
        announcedPort++;
        String line = passive.extended() ? "229 Entering Extended Passive Mode (|||" + announcedPort + "|)"
            : "227 Entering Passive Mode (10,9,8,7," + (announcedPort >> 8) + "," + (announcedPort & 0xFF) + ")";
        if (session.onServerReply(reply(line)) instanceof ReplyDecision.Rewrite rewrite
            && PassiveReply.parse(rewrite.replacement()) instanceof ParseResult.Ok<PassiveReply> ok) {
          Announcement a = new Announcement(session, ok.value().port(), session.client().getAddress(),
              new InetSocketAddress(session.backend().endpoint().getAddress(), announcedPort));
          announcements.add(a);
          latest.put(a.port(), a);
        }
      } else if (action instanceof Active active && !sessions.isEmpty()) {
        FtpSession session = sessions.get(active.session() % sessions.size());
        if (session.controlState() == FtpSession.ControlState.CLOSED) {
          continue;
        }
        InetSocketAddress clientData = new InetSocketAddress(session.client().getAddress(), 50000 + announcements.size());
        String argument = AddressArguments.formatEprt(clientData);
        if (session.onClientCommand(command("EPRT " + argument)) instanceof CommandDecision.Rewrite rewrite
            && AddressArguments.parse(rewrite.replacement()) instanceof ParseResult.Ok<InetSocketAddress> ok) {
          Announcement a = new Announcement(session, ok.value().getPort(),
              session.backend().endpoint().getAddress(), clientData);
          announcements.add(a);
          latest.put(a.port(), a);
        }
      } else if (action instanceof Connect connect && !announcements.isEmpty()) {
        Announcement a = announcements.get(connect.announcement() % announcements.size());
        InetAddress from = connect.from() < CLIENTS.length ? CLIENTS[connect.from()]
            : connect.from() == CLIENTS.length ? a.peer() : RouterFixture.A.endpoint().getAddress();
        DataAdmission admission = f.router.admitData(a.port(), new InetSocketAddress(from, 1234));
        if (admission instanceof DataAdmission.Admitted admitted) {
          Announcement owner = latest.get(a.port());
          assertThat(admitted.session()).isSameAs(owner.session());
          assertThat(admitted.session().controlState()).isNotEqualTo(FtpSession.ControlState.CLOSED);
          assertThat(from).isEqualTo(owner.peer());
          assertThat(admitted.target()).isEqualTo(owner.target());
          assertThat(admitted.target().getAddress())
              .isIn(owner.session().backend().endpoint().getAddress(), owner.session().client().getAddress());
          data.add(admitted.connection());
        }
      } else if (action instanceof EndData end && !data.isEmpty()) {
        data.get(end.which() % data.size()).close();
      } else if (action instanceof Close close && !sessions.isEmpty()) {
        sessions.get(close.session() % sessions.size()).close();
      } else if (action instanceof Advance advance) {
        f.ticker.advance(Duration.ofSeconds(advance.seconds()));
      }
    }

    for (FtpSession session : sessions) {
      session.close();
    }
    for (DataConnection connection : data) {
      connection.close();
    }
    f.router.sweep();
    assertThat(f.router.dataPorts().stats().leased()).isZero();
    assertThat(f.router.dataPorts().stats().claimed()).isZero();
    assertThat(f.router.stats().activeSessions()).isZero();
    for (InetAddress client : CLIENTS) {
      f.router.affinityTable().entry(f.router.persistenceNetmask().keyOf(client))
          .ifPresent(entry -> assertThat(entry.liveConnections()).isZero());
    }
  }
}
