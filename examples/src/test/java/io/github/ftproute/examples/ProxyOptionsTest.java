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
        Arguments.of(List.of("backend"), "unexpected argument: backend"));
  }

  @ParameterizedTest
  @MethodSource("badOptions")
  void parse_bad_oneLineMessage(List<String> args, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> ProxyOptions.parse(args)).withMessage(message);
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
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--listen HOST:PORT", "--backend HOST:PORT[,weight=N]",
        "--passive-ports LOW-HIGH", "--advertise HOST", "--mode rewrite|persistence", "--persistence-timeout SECONDS",
        "--persistence-netmask BITS", "--policy roundrobin|wrr|lc|wlc|sh|maglev");
  }
}
