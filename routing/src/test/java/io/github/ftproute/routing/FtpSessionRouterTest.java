package io.github.ftproute.routing;

import static io.github.ftproute.routing.RouterFixture.A;
import static io.github.ftproute.routing.RouterFixture.B;
import static io.github.ftproute.routing.RouterFixture.client;
import static io.github.ftproute.routing.RouterFixture.command;
import static io.github.ftproute.routing.RouterFixture.ip;
import static io.github.ftproute.routing.RouterFixture.reply;
import static io.github.ftproute.routing.RouterFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.ftproute.codec.AddressArguments;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.Routed;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scripted control conversations through the router, one behaviour each. */
final class FtpSessionRouterTest {

  private static FtpReply rewritten(ReplyDecision decision) {
    assertThat(decision).isInstanceOf(ReplyDecision.Rewrite.class);
    return ((ReplyDecision.Rewrite) decision).replacement();
  }

  private static FtpCommand rewritten(CommandDecision decision) {
    assertThat(decision).isInstanceOf(CommandDecision.Rewrite.class);
    return ((CommandDecision.Rewrite) decision).replacement();
  }

  private static FtpReply answered(CommandDecision decision) {
    assertThat(decision).isInstanceOf(CommandDecision.Answer.class);
    return ((CommandDecision.Answer) decision).reply();
  }

  private static PassiveReply passive(FtpReply reply) {
    return ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(reply)).value();
  }

  private static DataAdmission.Admitted admitted(DataAdmission admission) {
    assertThat(admission).isInstanceOf(DataAdmission.Admitted.class);
    return (DataAdmission.Admitted) admission;
  }

  // --- opening -----------------------------------------------------------------------------------

  @Test
  void openSession_sameClient_sameBackendAcrossSessions() {
    RouterFixture f = new RouterFixture();

    FtpSession first = f.open("127.0.0.10");
    FtpSession second = f.open("127.0.0.10");

    assertThat(second.backend()).isEqualTo(first.backend());
    assertThat(second.routeOutcome()).isEqualTo(Routed.Outcome.EXISTING);
    assertThat(f.router.stats().activeSessions()).isEqualTo(2);
  }

  @Test
  void openSession_noBackendUp_refusedWith421() {
    RouterFixture f = new RouterFixture();
    f.pool.setState("a", Backend.State.DOWN);
    f.pool.setState("b", Backend.State.DOWN);

    SessionOpening opening = f.router.openSession(client("127.0.0.10", 5000), RouterFixture.LISTENER);

    assertThat(opening).isInstanceOf(SessionOpening.Refused.class);
    SessionOpening.Refused refused = (SessionOpening.Refused) opening;
    assertThat(refused.reason()).isEqualTo(SessionOpening.Reason.NO_BACKEND);
    assertThat(refused.reply().code().value()).isEqualTo(421);
    assertThat(f.router.stats().sessionsRefused()).isEqualTo(1);
  }

  @Test
  void openSession_overClientLimit_refusedWith421_slotFreedOnClose() {
    RouterFixture f = new RouterFixture(b -> b.maxSessionsPerClient(2));
    FtpSession one = f.open("127.0.0.10");
    f.open("127.0.0.10");

    SessionOpening third = f.router.openSession(client("127.0.0.10", 5003), RouterFixture.LISTENER);
    one.close();
    SessionOpening fourth = f.router.openSession(client("127.0.0.10", 5004), RouterFixture.LISTENER);

    assertThat(((SessionOpening.Refused) third).reason()).isEqualTo(SessionOpening.Reason.CLIENT_SESSION_LIMIT);
    assertThat(fourth).isInstanceOf(SessionOpening.Opened.class);
    assertThat(f.open("127.0.0.11")).isNotNull(); // other clients are not affected
  }

  // --- passive -----------------------------------------------------------------------------------

  @Test
  void pasv227_leasedPortAdvertisedAddress_dataGoesToBackendControlAddress() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    assertThat(session.onClientCommand(command("PASV"))).isInstanceOf(CommandDecision.Forward.class);

    FtpReply out = rewritten(session.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,16).")));

    PassiveReply announced = passive(out);
    assertThat(announced.address()).contains(ip("127.0.0.1")); // the address the client dialled
    assertThat(announced.port()).isBetween(30000, 30099);
    assertThat(text(out)).startsWith("227 Entering Passive Mode (127,0,0,1,").endsWith(").");
    DataAdmission.Admitted admitted = admitted(f.router.admitData(announced.port(), client("127.0.0.10", 40001)));
    // NAT'd backend announced 10.0.0.5: the data goes to its control address instead
    assertThat(admitted.target()).isEqualTo(new InetSocketAddress(session.backend().endpoint().getAddress(), 10000));
    assertThat(admitted.session()).isSameAs(session);
  }

  @Test
  void pasv227_trustAnnouncedAddress_dataGoesWhereTheBackendSaid() {
    RouterFixture f = new RouterFixture(b -> b.trustAnnouncedAddress(true));
    FtpSession session = f.open("127.0.0.10");

    FtpReply out = rewritten(session.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,16)")));

    DataAdmission.Admitted admitted = admitted(f.router.admitData(passive(out).port(), client("127.0.0.10", 1)));
    assertThat(admitted.target()).isEqualTo(new InetSocketAddress(ip("10.0.0.5"), 10000));
  }

  @Test
  void epsv229_staysEpsv_portRewritten() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    FtpReply out = rewritten(session.onServerReply(reply("229 Entering Extended Passive Mode (|||40202|)")));

    assertThat(out.code().value()).isEqualTo(229);
    int port = passive(out).port();
    assertThat(text(out)).isEqualTo("229 Entering Extended Passive Mode (|||" + port + "|)");
    assertThat(admitted(f.router.admitData(port, client("127.0.0.10", 1))).target())
        .isEqualTo(new InetSocketAddress(session.backend().endpoint().getAddress(), 40202));
  }

  @Test
  void lpsv228_staysLong_addressAndPortRewritten() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    FtpReply out = rewritten(session.onServerReply(reply("228 Entering Long Passive Mode (4,4,10,0,0,5,2,39,16)")));

    assertThat(out.code().value()).isEqualTo(228);
    assertThat(passive(out).address()).contains(ip("127.0.0.1"));
  }

  @Test
  void advertise_perListener_usedIn227() {
    RouterFixture f = new RouterFixture(b -> b.advertise(new InetSocketAddress(2121), ip("192.0.2.7")));
    FtpSession session = f.open("127.0.0.10");

    FtpReply out = rewritten(session.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,16)")));

    assertThat(passive(out).address()).contains(ip("192.0.2.7"));
  }

  @Test
  void pasv_noPortLeft_425ForThatTransferOnly_sessionGoesOn() {
    RouterFixture f = new RouterFixture(PortRange.parse("30000"), b -> { });
    FtpSession holder = f.open("127.0.0.10");
    rewritten(holder.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,16)")));
    FtpSession other = f.open("127.0.0.11");

    FtpReply out = rewritten(other.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,17)")));

    assertThat(out.code().value()).isEqualTo(425);
    assertThat(other.onClientCommand(command("NOOP"))).isInstanceOf(CommandDecision.Forward.class);
    assertThat(f.router.stats().leasesRefused()).isEqualTo(1);
  }

  @Test
  void pasv_backendAnnouncesGarbage_425() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    FtpReply out = rewritten(session.onServerReply(reply("227 Entering Passive Mode (300,0,0,1,4,1)")));

    assertThat(out.code().value()).isEqualTo(425);
    assertThat(session.leaseCount()).isZero();
  }

  @Test
  void newPassiveReply_releasesThePreviousUnclaimedLease() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    int first = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();

    passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,17)"))));

    assertThat(session.leaseCount()).isEqualTo(1);
    assertThat(f.router.admitData(first, client("127.0.0.10", 1))).isInstanceOf(DataAdmission.Refused.class);
  }

  // --- data admission ----------------------------------------------------------------------------

  @Test
  void admitData_foreignClient_refused_ownerStillAdmitted() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    int port = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();

    DataAdmission thief = f.router.admitData(port, client("127.0.0.66", 1));
    DataAdmission owner = f.router.admitData(port, client("127.0.0.10", 2));

    assertThat(thief).isEqualTo(new DataAdmission.Refused(DataRefusal.FOREIGN_PEER));
    assertThat(owner).isInstanceOf(DataAdmission.Admitted.class);
    assertThat(f.router.stats().dataRefused()).isEqualTo(1);
  }

  @Test
  void admitData_secondConnectionOnUsedLease_refused() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    int port = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();
    admitted(f.router.admitData(port, client("127.0.0.10", 1)));

    assertThat(f.router.admitData(port, client("127.0.0.10", 2)))
        .isEqualTo(new DataAdmission.Refused(DataRefusal.ALREADY_USED));
  }

  @Test
  void admitData_afterAcceptTimeout_refusedExpired() {
    RouterFixture f = new RouterFixture(b -> b.acceptTimeout(Duration.ofSeconds(30)));
    FtpSession session = f.open("127.0.0.10");
    int port = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();

    f.ticker.advance(Duration.ofSeconds(31));

    assertThat(f.router.admitData(port, client("127.0.0.10", 1)))
        .isEqualTo(new DataAdmission.Refused(DataRefusal.EXPIRED));
  }

  @Test
  void admitData_portNeverLeased_refusedUnknown() {
    RouterFixture f = new RouterFixture();

    assertThat(f.router.admitData(30050, client("127.0.0.10", 1)))
        .isEqualTo(new DataAdmission.Refused(DataRefusal.UNKNOWN_PORT));
  }

  // --- active ------------------------------------------------------------------------------------

  @Test
  void port_ownAddress_leasedOnBackendSide_backendConnectsAndDataGoesToClient() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    FtpCommand out = rewritten(session.onClientCommand(command("PORT 127,0,0,10,156,64")));

    assertThat(out.verbText()).isEqualTo("PORT");
    InetSocketAddress proxySide = ((ParseResult.Ok<InetSocketAddress>) AddressArguments.parse(out)).value();
    assertThat(proxySide.getAddress()).isEqualTo(RouterFixture.PROXY_TO_BACKEND.getAddress());
    InetSocketAddress backend = new InetSocketAddress(session.backend().endpoint().getAddress(), 20);
    assertThat(f.router.admitData(proxySide.getPort(), client("127.0.0.10", 1)))
        .isEqualTo(new DataAdmission.Refused(DataRefusal.FOREIGN_PEER)); // only the backend may connect
    assertThat(admitted(f.router.admitData(proxySide.getPort(), backend)).target())
        .isEqualTo(client("127.0.0.10", 40000));
  }

  @Test
  void eprtAndLprt_rewrittenInTheirOwnFormat() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    FtpCommand eprt = rewritten(session.onClientCommand(command("EPRT |1|127.0.0.10|40000|")));
    FtpCommand lprt = rewritten(session.onClientCommand(command("LPRT 4,4,127,0,0,10,2,156,64")));

    assertThat(text(eprt)).startsWith("EPRT |1|127.0.0.1|");
    assertThat(text(lprt)).startsWith("LPRT 4,4,127,0,0,1,2,");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PORT 127,0,0,99,156,64", "EPRT |1|192.0.2.1|40000|", "LPRT 4,4,10,0,0,1,2,156,64",
      "PORT 127,0,0,10,0,21", "EPRT |1|127.0.0.10|1023|"})
  void active_bounceOrPrivilegedPort_refused504_notForwarded(String line) {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    FtpReply reply = answered(session.onClientCommand(command(line)));

    assertThat(reply.code().value()).isEqualTo(504);
    assertThat(session.leaseCount()).isZero();
    assertThat(f.router.stats().commandsRefused()).isEqualTo(1);
  }

  @Test
  void active_foreignAddressReplaced_whenConfigured() {
    RouterFixture f = new RouterFixture(b -> b.replaceForeignActiveAddress(true));
    FtpSession session = f.open("127.0.0.10");

    FtpCommand out = rewritten(session.onClientCommand(command("PORT 192,168,1,20,156,64")));

    int port = ((ParseResult.Ok<InetSocketAddress>) AddressArguments.parse(out)).value().getPort();
    InetSocketAddress backend = new InetSocketAddress(session.backend().endpoint().getAddress(), 20);
    assertThat(admitted(f.router.admitData(port, backend)).target()).isEqualTo(client("127.0.0.10", 40000));
  }

  @Test
  void active_minimumPortConfigurable() {
    RouterFixture f = new RouterFixture(b -> b.minimumActivePort(1));

    assertThat(f.open("127.0.0.10").onClientCommand(command("PORT 127,0,0,10,0,21")))
        .isInstanceOf(CommandDecision.Rewrite.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PORT 127,0,0,10,300,1", "EPRT |1|127.0.0.10|", "LPRT 4,4,127,0,0,10", "PORT"})
  void active_badSyntax_501(String line) {
    RouterFixture f = new RouterFixture();

    assertThat(answered(f.open("127.0.0.10").onClientCommand(command(line))).code().value()).isEqualTo(501);
  }

  @Test
  void active_unsupportedFamilies_522And521() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    assertThat(answered(session.onClientCommand(command("EPRT |3|1.2.3.4|4000|"))).code().value()).isEqualTo(522);
    assertThat(answered(session.onClientCommand(command("LPRT 5,4,1,2,3,4,2,4,1"))).code().value()).isEqualTo(521);
    assertThat(answered(session.onClientCommand(command("EPSV 3"))).code().value()).isEqualTo(522);
  }

  // --- EPSV --------------------------------------------------------------------------------------

  @Test
  void epsvAll_thenEveryOtherDataSetupRefused_epsvStillForwarded() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    assertThat(session.onClientCommand(command("EPSV ALL"))).isInstanceOf(CommandDecision.Forward.class);

    for (String line : List.of("PASV", "LPSV", "PORT 127,0,0,10,156,64", "EPRT |1|127.0.0.10|40000|",
        "LPRT 4,4,127,0,0,10,2,156,64")) {
      FtpReply reply = answered(session.onClientCommand(command(line)));
      assertThat(reply.code().value()).as(line).isEqualTo(501);
      assertThat(reply.text()).contains("EPSV ALL");
    }
    assertThat(session.onClientCommand(command("EPSV"))).isInstanceOf(CommandDecision.Forward.class);
  }

  @Test
  void epsvWithProtocolOfTheControlConnection_sentToBackendWithout() {
    RouterFixture f = new RouterFixture();

    assertThat(text(rewritten(f.open("127.0.0.10").onClientCommand(command("EPSV 1"))))).isEqualTo("EPSV");
  }

  @Test
  void epsv2_onIpv4ControlConnection_522NamesTheProtocolServed() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    CommandDecision decision = session.onClientCommand(command("EPSV 2"));

    assertThat(decision.toBackend()).isEmpty();
    assertThat(text(answered(decision))).isEqualTo("522 Network protocol not supported, use (1)");
  }

  @Test
  void epsv2_onIpv6ControlConnection_sentToBackendWithout() {
    RouterFixture f = new RouterFixture();
    SessionOpening opening = f.router.openSession(client("::1", 5000), new InetSocketAddress(ip("::1"), 2121));
    FtpSession session = ((SessionOpening.Opened) opening).session();

    assertThat(text(rewritten(session.onClientCommand(command("EPSV 2"))))).isEqualTo("EPSV");
    assertThat(text(answered(session.onClientCommand(command("EPSV 1")))))
        .isEqualTo("522 Network protocol not supported, use (2)");
  }

  // --- login state, TLS, closing -----------------------------------------------------------------

  @Test
  void rein_releasesUnclaimedLeases_keepsClaimedOnes() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    int claimedPort = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();
    DataAdmission.Admitted transfer = admitted(f.router.admitData(claimedPort, client("127.0.0.10", 1)));
    int pendingPort = passive(rewritten(session.onServerReply(reply("229 (|||4000|)")))).port();

    assertThat(session.onClientCommand(command("REIN"))).isInstanceOf(CommandDecision.Forward.class);

    assertThat(session.leaseCount()).isEqualTo(1);
    assertThat(f.router.admitData(pendingPort, client("127.0.0.10", 2))).isInstanceOf(DataAdmission.Refused.class);
    transfer.connection().close();
    assertThat(session.leaseCount()).isZero();
  }

  @Test
  void userAfterLogin_releasesUnclaimedLeases() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    session.onServerReply(reply("230 Logged in"));
    rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")));

    session.onClientCommand(command("USER other"));

    assertThat(session.leaseCount()).isZero();
  }

  @Test
  void userBeforeLogin_keepsLeases() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")));

    session.onClientCommand(command("USER anonymous"));

    assertThat(session.leaseCount()).isEqualTo(1);
  }

  @Test
  void quitThenClose_everyLeaseBack_affinityKeptForPersistenceTimeout() {
    RouterFixture f = new RouterFixture(b -> b.persistenceTimeout(Duration.ofSeconds(300)));
    FtpSession session = f.open("127.0.0.10");
    int port = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();
    DataAdmission.Admitted transfer = admitted(f.router.admitData(port, client("127.0.0.10", 1)));
    rewritten(session.onServerReply(reply("229 (|||4000|)")));
    assertThat(session.onClientCommand(command("QUIT"))).isInstanceOf(CommandDecision.Forward.class);

    session.close();
    session.close(); // harmless twice
    transfer.connection().close();

    assertThat(f.router.dataPorts().stats().leased()).isZero();
    assertThat(f.router.dataPorts().stats().claimed()).isZero();
    assertThat(f.router.stats().activeSessions()).isZero();
    Backend backend = session.backend();
    f.ticker.advance(Duration.ofSeconds(299));
    assertThat(f.open("127.0.0.10").backend()).isEqualTo(backend);
  }

  @Test
  void closedSession_lateLinesGetNoOpDecisions() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    session.close();

    CommandDecision command = session.onClientCommand(command("NOOP"));
    ReplyDecision reply = session.onServerReply(reply("227 (10,0,0,5,39,16)"));

    assertThat(command).isInstanceOf(CommandDecision.Ignore.class);
    assertThat(command.toBackend()).isEmpty();
    assertThat(command.toClient()).isEmpty();
    assertThat(reply).isInstanceOf(ReplyDecision.Ignore.class);
    assertThat(reply.toClient()).isEmpty();
    assertThat(reply.dataPort()).isEmpty();
    assertThat(session.controlState()).isEqualTo(FtpSession.ControlState.CLOSED);
    assertThat(f.router.dataPorts().stats().leased()).isZero();
  }

  @Test
  void authTls_thenDecrypted_conversationGoesOnWithRewriting() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");
    assertThat(session.onClientCommand(command("AUTH TLS"))).isInstanceOf(CommandDecision.Forward.class);

    ReplyDecision decision = session.onServerReply(reply("234 AUTH TLS successful"));

    assertThat(decision).isInstanceOf(ReplyDecision.SecureControl.class);
    assertThat(session.controlState()).isEqualTo(FtpSession.ControlState.SECURING);
    assertThatIllegalStateException().isThrownBy(() -> session.onClientCommand(command("PBSZ 0")));
    session.continueDecrypted();
    assertThat(session.onClientCommand(command("PBSZ 0"))).isInstanceOf(CommandDecision.Forward.class);
    int port = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();
    assertThat(f.router.admitData(port, client("127.0.0.10", 1))).isInstanceOf(DataAdmission.Admitted.class);
  }

  @Test
  void authTls_thenPersistence_connectionsRoutedByAddressToTheSessionBackend() {
    RouterFixture f = new RouterFixture(b -> b.persistenceService(2121, PortRange.parse("40000-40099")));
    FtpSession session = f.open("127.0.0.10");
    session.onClientCommand(command("AUTH TLS"));
    session.onServerReply(reply("234 Proceed with negotiation."));

    session.switchToPersistence();

    assertThat(session.controlState()).isEqualTo(FtpSession.ControlState.PERSISTENCE);
    assertThatIllegalStateException().isThrownBy(() -> session.onServerReply(reply("200 ok")));
    PersistentRoute route = f.router.route(client("127.0.0.10", 50001), 40017);
    assertThat(route).isInstanceOf(PersistentRoute.Routed.class);
    PersistentRoute.Routed routed = (PersistentRoute.Routed) route;
    assertThat(routed.backend()).isEqualTo(session.backend());
    assertThat(routed.target()).isEqualTo(new InetSocketAddress(session.backend().endpoint().getAddress(), 40017));
    routed.connection().close();
  }

  // --- persistence mode --------------------------------------------------------------------------

  @Test
  void route_controlPortToBackendControl_dataPortsPreserved_othersNotInService() {
    RouterFixture f = new RouterFixture(b -> b.persistenceService(21, PortRange.parse("40000-40099")));

    PersistentRoute.Routed control = (PersistentRoute.Routed) f.router.route(client("127.0.0.10", 5000), 21);
    PersistentRoute.Routed data = (PersistentRoute.Routed) f.router.route(client("127.0.0.10", 5001), 40099);

    assertThat(control.target()).isEqualTo(control.backend().endpoint());
    assertThat(data.backend()).isEqualTo(control.backend());
    assertThat(data.target().getPort()).isEqualTo(40099);
    assertThat(f.router.route(client("127.0.0.10", 5002), 40100)).isEqualTo(new PersistentRoute.NotInService(40100));
    control.connection().close();
    data.connection().close();
  }

  @Test
  void route_withoutService_illegalState() {
    RouterFixture f = new RouterFixture();

    assertThatIllegalStateException().isThrownBy(() -> f.router.route(client("127.0.0.10", 1), 21));
  }

  // --- bad input ---------------------------------------------------------------------------------

  @Test
  void malformedAndTooLongLines_500_sessionGoesOn() {
    RouterFixture f = new RouterFixture();
    FtpSession session = f.open("127.0.0.10");

    assertThat(answered(session.onClientCommand(command("CWD a\0b"))).code().value()).isEqualTo(500);
    assertThat(answered(session.onClientCommand(new io.github.ftproute.codec.LineTooLong(4096))).code().value())
        .isEqualTo(500);
    assertThat(session.onClientCommand(command("NOOP"))).isInstanceOf(CommandDecision.Forward.class);
  }

  // --- events ------------------------------------------------------------------------------------

  @Test
  void listener_seesTheSessionLifecycle() {
    List<String> events = new ArrayList<>();
    RouterFixture f = new RouterFixture(b -> b.listener(new RouterListener() {
      @Override
      public void sessionOpened(FtpSession session) {
        events.add("opened " + session.id());
      }

      @Override
      public void leaseIssued(FtpSession session, int port, InetSocketAddress target) {
        events.add("lease " + target.getPort());
      }

      @Override
      public void dataAdmitted(FtpSession session, int port, InetSocketAddress remote) {
        events.add("admitted");
      }

      @Override
      public void dataRefused(int port, InetSocketAddress remote, DataRefusal reason) {
        events.add("refused " + reason);
      }

      @Override
      public void commandRefused(FtpSession session, FtpCommand command, FtpReply reply) {
        events.add("command " + command.verb() + " " + reply.code());
      }

      @Override
      public void sessionClosed(FtpSession session) {
        throw new IllegalStateException("a listener that throws must not break the router");
      }
    }));
    FtpSession session = f.open("127.0.0.10");
    int port = passive(rewritten(session.onServerReply(reply("227 (10,0,0,5,39,16)")))).port();
    f.router.admitData(port, client("127.0.0.66", 1));
    f.router.admitData(port, client("127.0.0.10", 1));
    session.onClientCommand(command("PORT 127,0,0,99,156,64"));

    session.close();

    assertThat(events).containsExactly("opened 1", "lease 10000", "refused FOREIGN_PEER", "admitted",
        "command PORT 504");
    assertThat(f.router.stats().activeSessions()).isZero();
  }

  @Test
  void backendDown_dropsAffinity_nextSessionRebalanced() {
    RouterFixture f = new RouterFixture();
    FtpSession first = f.open("127.0.0.10");
    Backend original = first.backend();
    first.close();

    f.pool.setState(original.id(), Backend.State.DOWN);

    assertThat(f.open("127.0.0.10").backend()).isNotEqualTo(original).isIn(A, B);
  }
}
