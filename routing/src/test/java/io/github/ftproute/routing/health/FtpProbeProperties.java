package io.github.ftproute.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

final class FtpProbeProperties {

  /** Whatever a backend sends, in whatever chunks, the probe never throws and decides by the deadlines. */
  @Property
  void anyBytes_anyChunks_oneResultByTheDeadline(@ForAll @Size(max = 600) byte[] bytes,
      @ForAll @IntRange(min = 1, max = 64) int chunk) {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults().withLogin("check", "pw")).connect();
    for (int i = 0; i < bytes.length && !c.closed; i += chunk) {
      c.receive(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk)));
    }
    for (int step = 0; step < 6 && !c.closed; step++) {
      c.advance(Duration.ofSeconds(2));
    }
    assertThat(c.closed).isTrue();
    assertThat(c.results).hasSize(1);
    assertThat(c.probe.isFinished()).isTrue();
  }

  /** A well-formed conversation gives the same outcome and the same commands however it is split. */
  @Property
  void conversation_anySplit_sameOutcome(@ForAll("conversations") String wire, @ForAll @IntRange(min = 1, max = 40) int chunk) {
    ProbeConversation whole = new ProbeConversation(ProbeSpec.defaults().withLogin("check", "pw")).connect().receive(wire);
    ProbeConversation split = new ProbeConversation(ProbeSpec.defaults().withLogin("check", "pw")).connect();
    byte[] bytes = wire.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i < bytes.length; i += chunk) {
      split.receive(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk)));
    }
    assertThat(split.results).isEqualTo(whole.results);
    assertThat(split.sent).isEqualTo(whole.sent);
    assertThat(split.closed).isEqualTo(whole.closed);
  }

  @Provide
  Arbitrary<String> conversations() {
    Arbitrary<String> greeting = Arbitraries.of("220 hi\r\n", "220-a\r\n220-b\r\n220 c\r\n", "120 wait\r\n220 now\r\n",
        "421 busy\r\n", "500 no\r\n");
    Arbitrary<String> noop = Arbitraries.of("200 ok\r\n", "502 no\r\n", "421 bye\r\n");
    Arbitrary<String> user = Arbitraries.of("230 in\r\n", "331 pass\r\n230 in\r\n", "331 pass\r\n530 no\r\n", "530 no\r\n");
    return net.jqwik.api.Combinators.combine(greeting, noop, user, Arbitraries.of("221 bye\r\n", ""))
        .as((g, n, u, q) -> String.join("", List.of(g, n, u, q)));
  }
}
