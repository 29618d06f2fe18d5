package io.github.ftproute.routing.mina;

import com.google.common.net.InetAddresses;
import io.github.ftproute.routing.FtpSession;
import io.github.ftproute.routing.PersistentRoute;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one INFO line each session gets when it ends, on the logger {@value #NAME} (so operators can
 * route or silence it apart from the transport's warnings): client, backend, mode, transfers, bytes
 * each way, duration and outcome. Nothing is logged per command at INFO. Refused sessions are not
 * sessions here: the router logs them, rate-limited.
 *
 * <p>For example:
 * {@code session 17 client 127.0.0.10:40112 backend b1 127.0.0.2:21 mode rewrite transfers 2
 * bytes up 0 down 8192 duration 31 ms outcome client closed}.
 */
final class SessionLog {
  /** The logger's name. */
  static final String NAME = "io.github.ftproute.session";

  private static final Logger logger = LoggerFactory.getLogger(NAME);

  private SessionLog() {}

  /** A rewrite-mode session ended; {@code outcome} says how ("client closed", "421 ..."). */
  static void rewrite(FtpSession session, int transfers, long bytesUp, long bytesDown, long nanos,
      String outcome) {
    if (logger.isInfoEnabled()) {
      logger.info(rewriteLine(session, transfers, bytesUp, bytesDown, nanos, outcome));
    }
  }

  static String rewriteLine(FtpSession session, int transfers, long bytesUp, long bytesDown, long nanos,
      String outcome) {
    return "session " + session.id() + " client " + format(session.client()) + " backend "
        + session.backend().id() + " " + format(session.backend().endpoint()) + " mode rewrite transfers "
        + transfers + " bytes up " + bytesUp + " down " + bytesDown + " duration "
        + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms outcome " + outcome;
  }

  /**
   * A persistence-mode control connection ended (its data connections are not read, so their bytes
   * are not in the line; {@code control} is the client's connection).
   */
  static void persistent(IoSession control, PersistentRoute.Routed route, long nanos) {
    if (logger.isInfoEnabled()) {
      logger.info(persistentLine((InetSocketAddress) control.getRemoteAddress(), route, control.getReadBytes(),
          control.getWrittenBytes(), nanos));
    }
  }

  static String persistentLine(InetSocketAddress client, PersistentRoute.Routed route, long bytesUp, long bytesDown,
      long nanos) {
    return "session client " + format(client) + " backend " + route.backend().id() + " " + format(route.target())
        + " mode persistence control bytes up " + bytesUp + " down " + bytesDown + " duration "
        + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms outcome closed";
  }

  private static String format(InetSocketAddress address) {
    return InetAddresses.toUriString(address.getAddress()) + ":" + address.getPort();
  }
}
