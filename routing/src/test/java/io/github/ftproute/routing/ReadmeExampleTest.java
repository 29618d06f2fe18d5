package io.github.ftproute.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The router example of README.md, compiled and asserted here; keep the two in step. */
final class ReadmeExampleTest {

  @Test
  void readmeExample() {
    InetSocketAddress clientAddress = new InetSocketAddress(InetAddresses.forString("203.0.113.7"), 50123);
    InetSocketAddress listenerAddress = new InetSocketAddress(InetAddresses.forString("192.0.2.1"), 21);
    FtpReply fromBackend = (FtpReply) FtpCodec.defaults().newReplyDecoder().decode(
        "227 Entering Passive Mode (10,0,0,5,39,16).\r\n".getBytes(StandardCharsets.US_ASCII)).get(0);

    // --- README example begins
    FtpSessionRouter router = FtpSessionRouter.builder()
        .backends(BackendPool.of(Backend.of("a", "10.0.0.5", 21), Backend.of("b", "10.0.0.6", 21)))
        .dataPorts(PortRange.parse("30000-30999"))
        .build();

    // A client connects: the affinity table picks its backend; the proxy connects there.
    if (router.openSession(clientAddress, listenerAddress) instanceof SessionOpening.Opened opened) {
      FtpSession session = opened.session();
      // The backend's 227 is rewritten to the address the client dialled and a leased port.
      ReplyDecision decision = session.onServerReply(fromBackend);
      List<FtpReply> toClient = decision.toClient(); // [227 Entering Passive Mode (192,0,2,1,p1,p2).]
      int port = decision.dataPort().getAsInt();
      // The client's data connection arrives on that port: admitted only from the client.
      DataAdmission admission = router.admitData(port, new InetSocketAddress(clientAddress.getAddress(), 50124));
      // admission: Admitted[target=<backend>:10000, session, connection]
      // --- README example ends
      assertThat(admission).isInstanceOf(DataAdmission.Admitted.class);
      assertThat(((DataAdmission.Admitted) admission).target().getPort()).isEqualTo(10000);
      assertThat(toClient).singleElement().satisfies(r -> assertThat(r.text())
          .isEqualTo("Entering Passive Mode (192,0,2,1," + port / 256 + "," + port % 256 + ")."));
      session.close();
    } else {
      throw new AssertionError("no session");
    }
  }
}
