package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's demo, run as the jar runs it. */
final class DemoTest {
  @Test
  void demo_allTransfersCorrect_exit0() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    int status = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));

    String out = buffer.toString(StandardCharsets.UTF_8);
    assertThat(status).as(out).isZero();
    assertThat(out).contains("all transfers correct", "leases still held: 0", "127.0.0.13", "EPRT")
        .doesNotContain("FAILED");
  }
}
