package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy (Debian's, /usr/sbin/haproxy) run by a test with a generated configuration in the
 * foreground, its log on stdout captured to a file; {@link #close()} kills it and deletes its
 * directory. A missing binary fails the test ({@code scripts/test.sh} installs it).
 */
final class Haproxy implements AutoCloseable {
  private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/haproxy"), Path.of("/usr/bin/haproxy"));

  /** The address HAProxy's readiness probes come from. */
  static final String PROBE_SOURCE = "127.0.0.99";

  private final Path dir;
  private final Process process;
  private final Path log;

  private Haproxy(Path dir, Process process, Path log) {
    this.dir = dir;
    this.process = process;
    this.log = log;
  }

  static Path binary() {
    return BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new AssertionError("haproxy not installed: run scripts/test.sh, which installs it"));
  }

  /**
   * Starts HAProxy with {@code sections} (frontends, backends, listens) after global and default
   * settings for TCP mode that log every connection as soon as it is set up ({@code %ci:%cp} the
   * client, {@code %fi:%fp} the address it dialled, as HAProxy sees them); waits until every address
   * in {@code ready} accepts connections.
   */
  static Haproxy start(String sections, List<InetSocketAddress> ready) {
    Path binary = binary();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("ftproute-haproxy-");
      Path conf = dir.resolve("haproxy.cfg");
      Files.writeString(conf, String.join("\n",
          "global",
          "  log stdout format raw local0",
          "defaults",
          "  mode tcp",
          "  log global",
          "  option logasap",
          "  log-format \"conn %ft client=%ci:%cp dialled=%fi:%fp\"",
          "  timeout connect 5s",
          "  timeout client 60s",
          "  timeout server 60s",
          sections, ""), StandardCharsets.US_ASCII);
      Path log = dir.resolve("haproxy.log");
      Process process = new ProcessBuilder(binary.toString(), "-db", "-f", conf.toString())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      Haproxy haproxy = new Haproxy(dir, process, log);
      try {
        haproxy.awaitListening(ready);
      } catch (RuntimeException | Error e) {
        haproxy.close();
        throw e;
      }
      return haproxy;
    } catch (IOException e) {
      delete(dir);
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(List<InetSocketAddress> addresses) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (InetSocketAddress address : addresses) {
      while (true) {
        assertThat(process.isAlive()).as("haproxy exited: %s", log()).isTrue();
        try (Socket probe = new Socket()) {
          probe.bind(new InetSocketAddress(TestBed.ip(PROBE_SOURCE), 0)); // not a client address of any test
          probe.connect(address, 1000);
          break;
        } catch (IOException e) {
          assertThat(System.nanoTime() < deadline).as("haproxy not listening on %s within 10 s: %s", address, log())
              .isTrue();
          try {
            Thread.sleep(20);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ie);
          }
        }
      }
    }
  }

  /** Returns what HAProxy logged so far. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delete(dir);
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
