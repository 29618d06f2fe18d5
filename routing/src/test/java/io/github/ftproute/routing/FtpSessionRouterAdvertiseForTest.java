package io.github.ftproute.routing;

import static io.github.ftproute.routing.RouterFixture.client;
import static io.github.ftproute.routing.RouterFixture.ip;
import static io.github.ftproute.routing.RouterFixture.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import io.github.ftproute.core.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The advertised address by client network, and the dialled address a PROXY header gives. */
final class FtpSessionRouterAdvertiseForTest {
  private static final String PASV = "227 Entering Passive Mode (10,0,0,5,39,16)";

  @Test
  void advertiseFor_clientNetwork_winsOverListenerAndDefault_othersGetDefault() {
    RouterFixture f = new RouterFixture(b -> b.advertiseFor(Cidr.parse("10.0.0.0/8"), ip("10.255.0.1"))
        .advertise(new InetSocketAddress(2121), ip("192.0.2.7")));

    assertThat(announced(f.open("10.1.2.3"))).isEqualTo(ip("10.255.0.1"));
    assertThat(announced(f.open("127.0.0.10"))).isEqualTo(ip("192.0.2.7"));
  }

  @Test
  void advertiseFor_firstMatchOfTheFamilyWins() {
    RouterFixture f = new RouterFixture(b -> b.advertiseFor(Cidr.parse("10.1.0.0/16"), ip("2001:db8::1"))
        .advertiseFor(Cidr.parse("10.1.0.0/16"), ip("10.0.0.9"))
        .advertiseFor(Cidr.parse("10.0.0.0/8"), ip("10.0.0.8")));

    assertThat(announced(f.open("10.1.2.3"))).isEqualTo(ip("10.0.0.9")); // a 227 needs IPv4
    assertThat(announced(f.open("10.2.2.3"))).isEqualTo(ip("10.0.0.8"));
  }

  @Test
  void dialledAddress_fromHeader_isAnnouncedByDefault_butAFixedDefaultWins() {
    RouterFixture plain = new RouterFixture();
    SessionOpening opening = plain.router.openSession(client("10.1.2.3", 40000), RouterFixture.LISTENER,
        client("198.51.100.7", 21), null);
    FtpSession session = ((SessionOpening.Opened) opening).session();
    session.backendConnected(RouterFixture.PROXY_TO_BACKEND);

    assertThat(announced(session)).isEqualTo(ip("198.51.100.7"));
    assertThat(session.client()).isEqualTo(client("10.1.2.3", 40000));

    RouterFixture fixed = new RouterFixture(b -> b.advertisedAddress(ip("192.0.2.99")));
    FtpSession other = ((SessionOpening.Opened) fixed.router.openSession(client("10.1.2.3", 40000),
        RouterFixture.LISTENER, client("198.51.100.7", 21), null)).session();
    other.backendConnected(RouterFixture.PROXY_TO_BACKEND);
    assertThat(announced(other)).isEqualTo(ip("192.0.2.99"));
  }

  private static InetAddress announced(FtpSession session) {
    ReplyDecision decision = session.onServerReply(reply(PASV));
    assertThat(decision).isInstanceOf(ReplyDecision.Rewrite.class);
    FtpReply out = ((ReplyDecision.Rewrite) decision).replacement();
    return ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(out)).value().address().orElseThrow();
  }
}
