package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every code example in README.md is copied from a compiled test that runs it: this test fails when
 * the README and the test drift apart.
 */
final class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @ParameterizedTest
  @CsvSource({
      "ftp-codec/src/test/java/io/github/ftproute/codec/ReadmeExampleTest.java, README example",
      "routing/src/test/java/io/github/ftproute/routing/ReadmeExampleTest.java, README example",
      "routing/src/test/java/io/github/ftproute/routing/mina/ReadmeTransportExampleTest.java, README transport example",
      "routing/src/test/java/io/github/ftproute/routing/health/HealthPolicyTest.java, README health example",
      "metrics-micrometer/src/test/java/io/github/ftproute/metrics/FtpRouteMetricsTest.java, README metrics example"})
  void readme_containsTheExampleFromItsTest(String test, String marker) throws IOException {
    String source = Files.readString(ROOT.resolve(test), StandardCharsets.UTF_8);
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int begin = source.indexOf("// --- " + marker + " begins");
    int end = source.indexOf("// --- " + marker + " ends");
    assertThat(begin).as("begin marker in " + test).isNotNegative();
    assertThat(end).as("end marker in " + test).isGreaterThan(begin);

    List<String> lines = Arrays.stream(source.substring(source.indexOf('\n', begin) + 1, end).split("\n"))
        .collect(Collectors.toList());
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
    }
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    String snippet = lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));

    assertThat(readme).as("README.md shows the example of " + test + " verbatim").contains(snippet);
  }
}
