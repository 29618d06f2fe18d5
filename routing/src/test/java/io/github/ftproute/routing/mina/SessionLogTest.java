package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.FtpSession;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.SessionOpening;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The session's one log line carries client, backend, mode, transfers, bytes, duration and outcome. */
final class SessionLogTest {
  @Test
  void rewriteLine_namesEverything() {
    FtpSessionRouter router = FtpSessionRouter.builder()
        .backends(BackendPool.of(Backend.of("b1", "127.0.0.2", 2121)))
        .dataPorts(PortRange.parse("30000-30009")).build();
    FtpSession session = ((SessionOpening.Opened) router.openSession(
        new InetSocketAddress(InetAddresses.forString("127.0.0.10"), 40112),
        new InetSocketAddress(InetAddresses.forString("127.0.0.1"), 21))).session();

    String line = SessionLog.rewriteLine(session, 2, 5, 8192, TimeUnit.MILLISECONDS.toNanos(31), "client closed");

    assertThat(line).isEqualTo("session " + session.id() + " client 127.0.0.10:40112 backend b1 127.0.0.2:2121"
        + " mode rewrite transfers 2 bytes up 5 down 8192 duration 31 ms outcome client closed");
    session.close();
  }

  @Test
  void rewriteLine_ipv6Client_inBrackets() {
    FtpSessionRouter router = FtpSessionRouter.builder()
        .backends(BackendPool.of(Backend.of("b1", "127.0.0.2", 21)))
        .dataPorts(PortRange.parse("30000-30009")).build();
    FtpSession session = ((SessionOpening.Opened) router.openSession(
        new InetSocketAddress(InetAddresses.forString("::1"), 40000),
        new InetSocketAddress(InetAddresses.forString("::1"), 21))).session();

    assertThat(SessionLog.rewriteLine(session, 0, 0, 0, 0, "421 Timeout"))
        .contains(" client [::1]:40000 ").endsWith("outcome 421 Timeout");
    session.close();
  }
}
