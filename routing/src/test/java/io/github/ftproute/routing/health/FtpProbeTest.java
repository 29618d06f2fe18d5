package io.github.ftproute.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.DecodedReply;
import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpEncoder;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.routing.health.ProbeResult.Reason;
import io.github.ftproute.routing.health.ProbeResult.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

final class FtpProbeTest {
  private static final Path FIXTURES = Path.of("../ftp-codec/src/test/resources/fixtures");
  private static final ProbeSpec GREETING_ONLY = ProbeSpec.defaults().withNoop(false);

  /** The replies of a recorded session, each re-encoded to its exact wire bytes. */
  private static List<byte[]> recordedReplies(String session) throws IOException {
    byte[] all = Files.readAllBytes(FIXTURES.resolve(session + ".s2c"));
    List<byte[]> wire = new ArrayList<>();
    for (DecodedReply reply : FtpCodec.defaults().newReplyDecoder().decode(all)) {
      wire.add(FtpEncoder.encode((FtpReply) reply));
    }
    return wire;
  }

  @ParameterizedTest
  @ValueSource(strings = {"vsftpd-3.0.3/001", "proftpd-1.3.8/001", "pure-ftpd-1.0.50/001"})
  void recordedServer_loginAsAnonymous_up_thenQuit(String session) throws IOException {
    List<byte[]> replies = recordedReplies(session);
    ProbeConversation c = new ProbeConversation(GREETING_ONLY.withLogin("anonymous", "probe@example.org")).connect();
    c.receive(replies.get(0)); // the greeting, multi-line for Pure-FTPd
    assertThat(c.sent).containsExactly("USER anonymous");
    int next = 1;
    if (new String(replies.get(next), java.nio.charset.StandardCharsets.US_ASCII).startsWith("331")) {
      c.receive(replies.get(next++));
      assertThat(c.sent).last().isEqualTo("PASS probe@example.org");
    }
    c.receive(replies.get(next)); // 230
    assertThat(c.result().status()).isEqualTo(Status.UP);
    assertThat(c.result().reason()).isEqualTo(Reason.OK);
    assertThat(c.sent).last().isEqualTo("QUIT");
    assertThat(c.closed).isFalse(); // waits for the 221
    c.receive(replies.get(replies.size() - 1)); // the recorded 221
    assertThat(c.closed).isTrue();
    assertThat(c.probe.isFinished()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"vsftpd-3.0.3/001", "proftpd-1.3.8/001", "pure-ftpd-1.0.50/001"})
  void recordedGreeting_splitAtEveryByte_sameOutcome(String session) throws IOException {
    byte[] greeting = recordedReplies(session).get(0);
    for (int split = 0; split <= greeting.length; split++) {
      ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect();
      c.receive(java.util.Arrays.copyOfRange(greeting, 0, split));
      assertThat(c.sent).as("split at %d", split).isEqualTo(split == greeting.length ? List.of("NOOP") : List.of());
      c.receive(java.util.Arrays.copyOfRange(greeting, split, greeting.length));
      assertThat(c.sent).as("split at %d", split).containsExactly("NOOP");
      c.receive("200 NOOP ok.\r\n");
      assertThat(c.result().reason()).isEqualTo(Reason.OK);
    }
  }

  @Test
  void greeting_noopByDefault_thenQuit_up() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect().receive("220 (vsFTPd 3.0.3)\r\n");
    assertThat(c.sent).containsExactly("NOOP");
    assertThat(c.results).isEmpty();
    c.receive("200 NOOP ok.\r\n");
    assertThat(c.sent).containsExactly("NOOP", "QUIT");
    assertThat(c.result()).isEqualTo(ProbeResult.of(Reason.OK, Duration.ZERO, "greeting and NOOP"));
    c.receive("221 Goodbye.\r\n");
    assertThat(c.closed).isTrue();
  }

  @Test
  void delay120_thenGreeting_up() {
    ProbeConversation c = new ProbeConversation(GREETING_ONLY).connect()
        .receive("120 Service ready in 1 minute\r\n").advance(Duration.ofMillis(1500));
    assertThat(c.results).isEmpty();
    c.receive("220-Welcome\r\n220 ready\r\n");
    assertThat(c.result().reason()).isEqualTo(Reason.OK);
    assertThat(c.result().latency()).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void delay120_neverGreets_timeoutNamesThe120() {
    ProbeConversation c = new ProbeConversation(GREETING_ONLY).connect()
        .receive("120 Service ready in 5 minutes\r\n").advance(Duration.ofSeconds(2));
    assertThat(c.result().reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(c.result().detail()).contains("greeting").contains("120 Service ready");
    assertThat(c.sent).containsExactly("QUIT");
    assertThat(c.closed).isTrue();
  }

  @Test
  void greeting421_down_stillSendsQuit() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect()
        .receive("421 Too many connections\r\n");
    assertThat(c.result().status()).isEqualTo(Status.DOWN);
    assertThat(c.result().reason()).isEqualTo(Reason.SERVICE_UNAVAILABLE);
    assertThat(c.result().detail()).isEqualTo("'421 Too many connections'");
    assertThat(c.sent).containsExactly("QUIT");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "530 Not now|BAD_GREETING",
      "230 Hello|BAD_GREETING",
      "hello there|BAD_GREETING"})
  void badGreeting_down(String line, Reason reason) {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect().receive(line + "\r\n");
    assertThat(c.result().reason()).isEqualTo(reason);
    assertThat(c.result().status()).isEqualTo(Status.DOWN);
  }

  @Test
  void silentAfterConnect_timeoutAtTheDeadline_notBefore() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults().withStepTimeout(Duration.ofSeconds(3))).connect();
    c.advance(Duration.ofMillis(2999));
    assertThat(c.results).isEmpty();
    assertThat(c.probe.nanosToDeadline()).isEqualTo(1_000_000);
    c.advance(Duration.ofMillis(1));
    assertThat(c.result().reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(c.sent).containsExactly("QUIT");
    assertThat(c.closed).isTrue();
  }

  @Test
  void neverConnects_timeout_noQuit() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).advance(Duration.ofSeconds(2));
    assertThat(c.result().reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(c.result().detail()).contains("connect");
    assertThat(c.sent).isEmpty();
  }

  @Test
  void refused_down() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).refused();
    assertThat(c.result().reason()).isEqualTo(Reason.REFUSED);
    assertThat(c.result().status()).isEqualTo(Status.DOWN);
  }

  @Test
  void closedBeforeGreeting_down() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect().peerClosed();
    assertThat(c.result().reason()).isEqualTo(Reason.CLOSED);
  }

  @Test
  void closedAfterDecision_noSecondResult() {
    ProbeConversation c = new ProbeConversation(GREETING_ONLY).connect().receive("220 hi\r\n").peerClosed();
    assertThat(c.result().reason()).isEqualTo(Reason.OK);
    assertThat(c.closed).isTrue();
  }

  @Test
  void eachStepHasItsOwnDeadline() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults().withLogin("check", "pw")).connect();
    c.advance(Duration.ofMillis(1900)).receive("220 hi\r\n");
    c.advance(Duration.ofMillis(1900)).receive("331 password\r\n");
    c.advance(Duration.ofMillis(1900)).receive("230 in\r\n");
    assertThat(c.results).isEmpty();
    c.advance(Duration.ofMillis(2000));
    assertThat(c.result().reason()).isEqualTo(Reason.TIMEOUT);
    assertThat(c.result().detail()).contains("NOOP");
    assertThat(c.sent).containsExactly("USER check", "PASS pw", "NOOP", "QUIT");
  }

  @Test
  void loginThenNoop_up() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults().withLogin("anonymous", "x")).connect()
        .receive("220 hi\r\n").receive("230 Login successful.\r\n").receive("200 NOOP ok.\r\n");
    assertThat(c.result().detail()).isEqualTo("logged in, NOOP");
    assertThat(c.sent).containsExactly("USER anonymous", "NOOP", "QUIT");
  }

  @Test
  void noopAnswered530BeforeLogin_up_asVsftpdDoes() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect()
        .receive("220 (vsFTPd 3.0.3)\r\n").receive("530 Please login with USER and PASS.\r\n");
    assertThat(c.result().reason()).isEqualTo(Reason.OK);
  }

  @Test
  void loginRefused_degraded() {
    ProbeConversation c = new ProbeConversation(GREETING_ONLY.withLogin("nobody", "x")).connect()
        .receive("220 (vsFTPd 3.0.3)\r\n").receive("530 This FTP server is anonymous only.\r\n");
    assertThat(c.result().status()).isEqualTo(Status.DEGRADED);
    assertThat(c.result().reason()).isEqualTo(Reason.LOGIN_FAILED);
    assertThat(c.result().detail()).isEqualTo("USER: '530 This FTP server is anonymous only.'");
    assertThat(c.sent).containsExactly("USER nobody", "QUIT");
  }

  @Test
  void passwordRefused_degraded() {
    ProbeConversation c = new ProbeConversation(GREETING_ONLY.withLogin("check", "wrong")).connect()
        .receive("220 hi\r\n").receive("331 Please specify the password.\r\n").receive("530 Login incorrect.\r\n");
    assertThat(c.result().reason()).isEqualTo(Reason.LOGIN_FAILED);
    assertThat(c.sent).containsExactly("USER check", "PASS wrong", "QUIT");
  }

  @Test
  void noopRefused_degradedBadReply() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect().receive("220 hi\r\n")
        .receive("502 NOOP not implemented\r\n");
    assertThat(c.result().reason()).isEqualTo(Reason.BAD_REPLY);
    assertThat(c.result().status()).isEqualTo(Status.DEGRADED);
  }

  @Test
  void service421ToNoop_down() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect().receive("220 hi\r\n")
        .receive("421 Timeout.\r\n");
    assertThat(c.result().reason()).isEqualTo(Reason.SERVICE_UNAVAILABLE);
  }

  @Test
  void slowerThanThreshold_degradedSlow() {
    ProbeConversation c = new ProbeConversation(GREETING_ONLY.withSlowThreshold(Duration.ofMillis(500))).connect()
        .advance(Duration.ofMillis(501)).receive("220 hi\r\n");
    assertThat(c.result().reason()).isEqualTo(Reason.SLOW);
    assertThat(c.result().latency()).isEqualTo(Duration.ofMillis(501));
    assertThat(c.sent).containsExactly("QUIT");
  }

  @Test
  void quitUnanswered_closesAtItsDeadline() {
    ProbeConversation c = new ProbeConversation(GREETING_ONLY).connect().receive("220 hi\r\n");
    assertThat(c.closed).isFalse();
    c.advance(Duration.ofSeconds(2));
    assertThat(c.closed).isTrue();
    assertThat(c.result().reason()).isEqualTo(Reason.OK);
  }

  @Test
  void wholeConversationInOneRead_oneResult() {
    ProbeConversation c = new ProbeConversation(ProbeSpec.defaults()).connect()
        .receive("220 hi\r\n200 ok\r\n221 bye\r\n");
    assertThat(c.result().reason()).isEqualTo(Reason.OK);
    assertThat(c.closed).isTrue();
  }
}
