package io.github.ftproute.routing;

import com.google.common.net.InetAddresses;
import com.google.common.testing.FakeTicker;
import io.github.ftproute.codec.DecodedCommand;
import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Builds routers over two backends with a fake clock, and decodes scripted lines. */
final class RouterFixture {
  static final Backend A = Backend.of("a", "127.0.0.2", 2121);
  static final Backend B = Backend.of("b", "127.0.0.3", 2121);
  static final InetSocketAddress LISTENER = new InetSocketAddress(ip("127.0.0.1"), 2121);
  static final InetSocketAddress PROXY_TO_BACKEND = new InetSocketAddress(ip("127.0.0.1"), 45000);

  final FakeTicker ticker = new FakeTicker();
  final BackendPool pool = BackendPool.of(A, B);
  final FtpSessionRouter router;

  RouterFixture() {
    this(b -> {});
  }

  RouterFixture(Consumer<FtpSessionRouterBuilder> settings) {
    this(PortRange.parse("30000-30099"), settings);
  }

  RouterFixture(PortRange ports, Consumer<FtpSessionRouterBuilder> settings) {
    FtpSessionRouterBuilder builder = FtpSessionRouter.builder()
        .backends(pool)
        .dataPorts(ports)
        .ticker(ticker);
    settings.accept(builder);
    router = builder.build();
  }

  static InetAddress ip(String literal) {
    return InetAddresses.forString(literal);
  }

  static InetSocketAddress client(String literal, int port) {
    return new InetSocketAddress(ip(literal), port);
  }

  /** Opens a session for {@code clientIp} and tells it the proxy's backend-facing address. */
  FtpSession open(String clientIp) {
    SessionOpening opening = router.openSession(client(clientIp, 50000), LISTENER);
    FtpSession session = ((SessionOpening.Opened) opening).session();
    session.backendConnected(PROXY_TO_BACKEND);
    return session;
  }

  static DecodedCommand command(String line) {
    return FtpCodec.defaults().newCommandDecoder()
        .decode((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1)).get(0);
  }

  static FtpReply reply(String line) {
    return (FtpReply) FtpCodec.defaults().newReplyDecoder()
        .decode((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1)).get(0);
  }

  static String text(FtpReply reply) {
    return reply.code() + " " + reply.text();
  }

  static String text(FtpCommand command) {
    return command.verbText() + (command.hasArgument() ? " " + command.argument() : "");
  }
}
