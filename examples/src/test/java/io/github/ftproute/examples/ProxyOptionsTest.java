package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.github.ftproute.core.PortRange;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class ProxyOptionsTest {

  @Test
  void parse_defaults() {
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21"));

    assertThat(options.listen()).hasToString("/127.0.0.1:2121");
    assertThat(options.backends()).containsExactly(
        new ProxyOptions.BackendOption(new java.net.InetSocketAddress(TestBed.ip("10.0.0.5"), 21), 1));
    assertThat(options.passivePorts()).isEqualTo(PortRange.parse("30000-30999"));
    assertThat(options.advertise()).isEqualTo(TestBed.ip("127.0.0.1"));
    assertThat(options.mode()).isEqualTo(ProxyOptions.Mode.REWRITE);
    assertThat(options.persistenceTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(options.persistenceNetmask()).isEqualTo(32);
    assertThat(options.policy()).isEqualTo("maglev");
    assertThat(options.backendSource()).isNull();
    assertThat(options.sharePassivePorts()).isFalse();
    assertThat(options.portQuarantine()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.controlIdleTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(options.backendTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.maxSessionsPerClient()).isEqualTo(64);
  }

  @Test
  void parse_everyOption() {
    ProxyOptions options = ProxyOptions.parse(List.of("--listen", "0.0.0.0:21", "--backend", "10.0.0.5:2121,weight=3",
        "--backend", "[::1]:21", "--passive-ports", "40000-40099", "--advertise", "192.0.2.7",
        "--mode", "persistence", "--persistence-timeout", "60", "--persistence-netmask", "24", "--policy", "wlc"));

    assertThat(options.backends()).extracting(ProxyOptions.BackendOption::weight).containsExactly(3, 1);
    assertThat(options.backends().get(1).address().getAddress()).isEqualTo(TestBed.ip("::1"));
    assertThat(options.advertise()).isEqualTo(TestBed.ip("192.0.2.7"));
    assertThat(options.mode()).isEqualTo(ProxyOptions.Mode.PERSISTENCE);
    assertThat(options.persistenceNetmask()).isEqualTo(24);
    assertThat(ProxyOptions.parse(List.of("--listen", "0.0.0.0:21", "--backend", "10.0.0.5:21")).advertise()).isNull();
  }

  @Test
  void parse_newOptions() {
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--backend-source", "10.0.0.1",
        "--share-passive-ports", "--port-quarantine", "0", "--control-idle-timeout", "60", "--backend-timeout", "3",
        "--drain-timeout", "0", "--max-sessions-per-client", "8"));

    assertThat(options.backendSource()).isEqualTo(TestBed.ip("10.0.0.1"));
    assertThat(options.sharePassivePorts()).isTrue();
    assertThat(options.portQuarantine()).isEqualTo(Duration.ZERO);
    assertThat(options.controlIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(options.backendTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.drainTimeout()).isEqualTo(Duration.ZERO);
    assertThat(options.maxSessionsPerClient()).isEqualTo(8);
    assertThat(ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--backend-source", "::1"))
        .backendSource()).isEqualTo(TestBed.ip("::1"));
  }

  @Test
  void parse_repeatedOption_lastWins() {
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--mode", "persistence",
        "--mode", "rewrite", "--listen", "127.0.0.1:1", "--listen", "[::1]:2"));

    assertThat(options.mode()).isEqualTo(ProxyOptions.Mode.REWRITE);
    assertThat(options.listen()).isEqualTo(new java.net.InetSocketAddress(TestBed.ip("::1"), 2));
  }

  @Test
  void parse_policy_ignoresCaseAndIsKeptInLowerCase() {
    assertThat(ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--policy", "WLC")).policy()).isEqualTo("wlc");
  }

  @Test
  void parse_help_isNotASetting() {
    assertThatIllegalArgumentException().isThrownBy(() -> ProxyOptions.parse(List.of("--help")))
        .withMessageStartingWith("--help: ");
  }

  @Test
  void constructor_copiesBackendsAndChecksRanges() {
    List<ProxyOptions.BackendOption> backends = new java.util.ArrayList<>(
        ProxyOptions.parse(List.of("--backend", "10.0.0.5:21")).backends());
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21"));

    ProxyOptions copy = new ProxyOptions(options.listen(), backends, options.passivePorts(), null, options.mode(),
        options.persistenceTimeout(), options.persistenceNetmask(), options.policy(), null, false,
        options.portQuarantine(), options.controlIdleTimeout(), options.backendTimeout(), options.drainTimeout(),
        options.maxSessionsPerClient());
    backends.clear();

    assertThat(copy.backends()).hasSize(1);
    assertThatIllegalArgumentException().isThrownBy(() -> new ProxyOptions(options.listen(), options.backends(),
            options.passivePorts(), null, options.mode(), options.persistenceTimeout(), 32, "maglev", null, false,
            Duration.ofMillis(1500), options.controlIdleTimeout(), options.backendTimeout(), options.drainTimeout(), 64))
        .withMessage("--port-quarantine: PT1.5S (expected: 0..31536000 seconds)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ProxyOptions.BackendOption(options.listen(), 65536))
        .withMessage("--backend weight: 65536 (expected: 0..65535)");
  }

  static Stream<Arguments> badOptions() {
    return Stream.of(
        Arguments.of(List.of(), "--backend: none given (expected: at least one HOST:PORT)"),
        Arguments.of(List.of("--backend"), "--backend needs a value"),
        Arguments.of(List.of("--backend", "ftp.example.com:21"), "--backend: ftp.example.com (expected: an IP address literal)"),
        Arguments.of(List.of("--backend", "10.0.0.5"), "--backend: 10.0.0.5 (expected: HOST:PORT)"),
        Arguments.of(List.of("--backend", "10.0.0.5:99999"), "--backend port: 99999 (expected: 0..65535)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21,weight=x"), "--backend weight: x (expected: 0..65535)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--mode", "magic"), "--mode: magic (expected: rewrite or persistence)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--policy", "random"),
            "--policy: random (expected: roundrobin, wrr, lc, wlc, sh or maglev)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--passive-ports", "9-1"),
            "--passive-ports: port range: '9-1' in '9-1' (expected: low <= high)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--persistence-netmask", "33"),
            "--persistence-netmask: 33 (expected: 0..32)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--verbose", "yes"), "unknown option: --verbose (see --help)"),
        Arguments.of(List.of("backend"), "unexpected argument: backend"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "-v"), "unknown option: -v (see --help)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--listen=127.0.0.1:21"),
            "unknown option: --listen=127.0.0.1:21 (see --help)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--share-passive-ports", "true"),
            "unexpected argument: true"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--drain-timeout"), "--drain-timeout needs a value"),
        // one bad value for each typed option, named in the message
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--listen", "localhost:21"),
            "--listen: localhost (expected: an IP address literal)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--listen", "127.0.0.1"),
            "--listen: 127.0.0.1 (expected: HOST:PORT)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--listen", "127.0.0.1:x"),
            "--listen port: x (expected: 0..65535)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21,weight=1,pool=a"),
            "--backend: 10.0.0.5:21,weight=1,pool=a (expected: HOST:PORT[,weight=N][,proxy-protocol=v1|v2])"),
        Arguments.of(List.of("--backend", "10.0.0.5:21,weight=65536"), "--backend weight: 65536 (expected: 0..65535)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--passive-ports", "70000-1"),
            "--passive-ports: port: 70000 in '70000-1' (expected: 1..65535)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--advertise", "proxy.example.com"),
            "--advertise: proxy.example.com (expected: an IP address literal)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--mode", "REWRITE"),
            "--mode: REWRITE (expected: rewrite or persistence)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--persistence-timeout", "0"),
            "--persistence-timeout: 0 (expected: 1..31536000 seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--persistence-timeout", "5m"),
            "--persistence-timeout: 5m (expected: whole seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--persistence-netmask", "x"),
            "--persistence-netmask: x (expected: a whole number)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--backend-source", "eth0"),
            "--backend-source: eth0 (expected: an IP address literal)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--port-quarantine", "-1"),
            "--port-quarantine: -1 (expected: 0..31536000 seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--port-quarantine", "ten"),
            "--port-quarantine: ten (expected: whole seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--control-idle-timeout", "0"),
            "--control-idle-timeout: 0 (expected: 1..31536000 seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--control-idle-timeout", "1.5"),
            "--control-idle-timeout: 1.5 (expected: whole seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--backend-timeout", "0"),
            "--backend-timeout: 0 (expected: 1..31536000 seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--backend-timeout", "99999999999999999999"),
            "--backend-timeout: 99999999999999999999 (expected: whole seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--drain-timeout", "31536001"),
            "--drain-timeout: 31536001 (expected: 0..31536000 seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--drain-timeout", "x"),
            "--drain-timeout: x (expected: whole seconds)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--max-sessions-per-client", "0"),
            "--max-sessions-per-client: 0 (expected: 1..65535)"),
        Arguments.of(List.of("--backend", "10.0.0.5:21", "--max-sessions-per-client", "many"),
            "--max-sessions-per-client: many (expected: a whole number)"));
  }

  @ParameterizedTest
  @MethodSource("badOptions")
  void parse_bad_oneLineMessage(List<String> args, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> ProxyOptions.parse(args)).withMessage(message);
    assertThat(message).doesNotContain("\n");
  }

  @Test
  void main_badOption_exit2_oneLineOnStderr() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(List.of("proxy", "--mode", "x", "--backend", "10.0.0.5:21"))).isEqualTo(2);
      assertThat(Main.run(List.of("frobnicate"))).isEqualTo(2);
    } finally {
      System.setErr(saved);
    }
    assertThat(err.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("ftproute proxy: --mode: x (expected: rewrite or persistence)",
            "ftproute: unknown command: frobnicate (expected: proxy or decode; none runs the demo)");
  }

  @Test
  void main_proxyHelp_listsEveryOption() {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(List.of("proxy", "--help"))).isZero();
    } finally {
      System.setOut(saved);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ProxyOptions.usage()).contains("--listen HOST:PORT",
        "--backend HOST:PORT[,weight=N]", "--passive-ports LOW-HIGH", "--advertise HOST", "--mode rewrite|persistence",
        "--persistence-timeout SECONDS", "--persistence-netmask BITS", "--policy roundrobin|wrr|lc|wlc|sh|maglev",
        "--backend-source HOST", "--share-passive-ports", "--port-quarantine SECONDS",
        "--control-idle-timeout SECONDS", "--backend-timeout SECONDS", "--drain-timeout SECONDS",
        "--max-sessions-per-client N", "--help");
  }

  @Test
  void affinityStore_redisUri_parsed() {
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "127.0.0.1:21", "--affinity-store",
        "redis://127.0.0.1:6379"));
    assertThat(options.affinityStore()).isEqualTo(new java.net.InetSocketAddress("127.0.0.1", 6379));
    assertThat(ProxyOptions.parse(List.of("--backend", "127.0.0.1:21")).affinityStore()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:6379", "http://127.0.0.1:6379", "redis://localhost:6379", "redis://127.0.0.1"})
  void affinityStore_notRedisIpLiteralAndPort_refused(String value) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProxyOptions.parse(List.of("--backend", "127.0.0.1:21", "--affinity-store", value)))
        .withMessageStartingWith("--affinity-store");
  }

  @Test
  void usage_describesEveryOptionWithItsDefault() {
    String usage = ProxyOptions.usage().replaceAll("\\s+", " ");

    assertThat(usage).startsWith("Usage: java -jar ftproute-examples.jar proxy ").contains(
        "--listen HOST:PORT Control address to listen on (default: 127.0.0.1:2121).",
        "--passive-ports LOW-HIGH The proxy's own data ports (default: 30000-30999).",
        "(default: rewrite)", "(default: 300)", "(default: 32)", "(default: maglev)",
        "(default: the operating system chooses)", "(default: off)", "(default: 10)", "(default: 30)",
        "(default: 64)");
    // every option line has a description beside or under it
    assertThat(ProxyOptions.usage().lines().filter(l -> l.trim().startsWith("--") && l.trim().split("\\s{2,}").length < 2))
        .containsExactly("      --policy roundrobin|wrr|lc|wlc|sh|maglev");
  }

  @Test
  void main_helpWinsOverABadOption() {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(List.of("proxy", "--mode", "x", "--help"))).isZero();
    } finally {
      System.setOut(saved);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ProxyOptions.usage());
  }

  @Test
  void main_badValues_exit2_oneLineEach_noStackTrace() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(Main.run(List.of("proxy", "--backend", "10.0.0.5:21", "--passive-ports", "70000-1"))).isEqualTo(2);
      assertThat(Main.run(List.of("proxy", "--backend", "10.0.0.5:21", "--port-quarantine", "-1"))).isEqualTo(2);
      assertThat(Main.run(List.of("proxy", "--backend", "10.0.0.5:21", "--bogus"))).isEqualTo(2);
      assertThat(Main.run(List.of("proxy"))).isEqualTo(2);
    } finally {
      System.setErr(saved);
    }
    assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
        "ftproute proxy: --passive-ports: port: 70000 in '70000-1' (expected: 1..65535)",
        "ftproute proxy: --port-quarantine: -1 (expected: 0..31536000 seconds)",
        "ftproute proxy: unknown option: --bogus (see --help)",
        "ftproute proxy: --backend: none given (expected: at least one HOST:PORT)");
  }
}
