package io.github.ftproute.benchmarks;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.examples.BackendServer;
import io.github.ftproute.examples.FreePorts;
import io.github.ftproute.examples.FtpClients;
import io.github.ftproute.examples.FtpClients.DataMode;
import io.github.ftproute.examples.FtpProxy;
import io.github.ftproute.examples.ProxyOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.net.ftp.FTPClient;

/**
 * End to end on loopback, not JMH: real Commons Net clients against one Apache FtpServer backend,
 * straight and through the example proxy ({@link FtpProxy}, rewrite mode), in alternating rounds of
 * the same run.
 *
 * <ul>
 *   <li><b>sessions/s</b>: {@code --threads} clients (default 8), each from its own loopback address
 *       127.0.0.10, 127.0.0.11, ..., loop for {@code --seconds} (default 5) over whole sessions:
 *       connect, USER/PASS, TYPE I, PASV, RETR of a 1 KiB file, QUIT;
 *   <li><b>MB/s</b>: one client retrieves a {@code --big-mib} (default 100) MiB file in passive mode
 *       with a 64 KiB copy buffer into a sink that discards it.
 * </ul>
 *
 * <p>Each measurement runs two unreported warm-up rounds for each side, then {@code --rounds} (default
 * 3) rounds of direct, proxy, direct, proxy, ...; the figure is the median round of each side, the
 * error half the range of the rounds relative to the median (proxy / direct). Sessions that fail are
 * counted and reported, never dropped silently.
 *
 * <p>The proxy quarantines a passive port for 10 s after use (its default), so its range caps it at
 * {@code ports / 10} sessions/s: the harness gives it the largest free block it finds (up to 8,000
 * ports) and says in the report when that cap, not the proxy, was the limit.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.ftproute.benchmarks.EndToEnd \
 *     [--rounds 3] [--seconds 5] [--threads 8] [--big-mib 100] [--out FILE]
 * </pre>
 */
public final class EndToEnd {
  private static final String SMALL = "small.bin";
  private static final String BIG = "big.bin";
  private static final int QUARANTINE_SECONDS = 10;
  /** Unreported rounds per side first: the proxy's copy path needs a few to be compiled. */
  private static final int WARM_UP_ROUNDS = 2;

  private final int rounds;
  private final int seconds;
  private final int threads;
  private final int bigMib;

  private EndToEnd(int rounds, int seconds, int threads, int bigMib) {
    this.rounds = rounds;
    this.seconds = seconds;
    this.threads = threads;
    this.bigMib = bigMib;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // FtpServer logs each failed PASV with a stack trace at WARN; failures are counted and reported here.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.ftpserver", "error");
    int rounds = 3;
    int seconds = 5;
    int threads = 8;
    int bigMib = 100;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--rounds" -> rounds = positive(args[i], value);
        case "--seconds" -> seconds = positive(args[i], value);
        case "--threads" -> threads = Math.min(positive(args[i], value), 200);
        case "--big-mib" -> bigMib = positive(args[i], value);
        case "--out" -> out = Path.of(requireValue(args[i], value));
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]
            + " (expected: --rounds N --seconds S --threads T --big-mib M --out FILE)");
      }
      i++;
    }
    List<String> rows = new EndToEnd(rounds, seconds, threads, bigMib).run();
    String text = String.join("\n", rows) + "\n";
    if (out == null) {
      System.out.print(text);
    } else {
      Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    System.exit(0); // FtpServer and MINA leave non-daemon threads behind after stop
  }

  private List<String> run() throws Exception {
    // Neither range is bound until used (the proxy binds its own when it starts, the backend one
    // port per PASV), so they are chosen together and must not overlap.
    PortRange proxyPorts = largestBlock();
    PortRange backendPorts = FreePorts.block("127.0.0.1", 400);
    for (int attempt = 0; overlap(proxyPorts, backendPorts); attempt++) {
      if (attempt == 100) {
        throw new IllegalStateException("no free block of 400 ports outside " + proxyPorts);
      }
      backendPorts = FreePorts.block("127.0.0.1", 400);
    }
    try (BackendServer backend = BackendServer.start("backend", "127.0.0.1", backendPorts.toString(), null)) {
      Files.write(backend.home().resolve(SMALL), FtpClients.content(1, 1024));
      writeBig(backend.home().resolve(BIG), (long) bigMib << 20);
      ProxyOptions options = ProxyOptions.parse(List.of("--listen", "127.0.0.1:0",
          "--backend", "127.0.0.1:" + backend.address().getPort(),
          "--passive-ports", proxyPorts.toString(), "--mode", "rewrite"));
      try (FtpProxy proxy = FtpProxy.start(options)) {
        double cap = (double) proxyPorts.size() / QUARANTINE_SECONDS;
        log("backend: Apache FtpServer on %s, passive %s; proxy on %s, passive %s (%d ports, quarantine %d s: "
                + "at most %.0f proxied sessions/s)", backend.address(), backendPorts, proxy.address(), proxyPorts,
            proxyPorts.size(), QUARANTINE_SECONDS, cap);
        List<String> rows = new ArrayList<>();
        Series sessions = alternate("sessions/s", target -> sessionsPerSecond(target),
            backend.address(), proxy.address());
        String capNote = sessions.proxyMedian() >= 0.9 * cap
            ? " (proxy at its port-range cap: ports/quarantine)" : "";
        rows.add(sessions.row("end-to-end sessions/s (login, PASV, RETR 1 KiB, QUIT; " + threads + " threads)"
            + capNote, "%.0f"));
        Series bulk = alternate("MB/s", target -> megabytesPerSecond(target), backend.address(), proxy.address());
        rows.add(bulk.row("end-to-end RETR of " + bigMib + " MiB, MB/s (1 client, passive)", "%.0f"));
        return rows;
      }
    }
  }

  // ---- measurements ----

  /** One measurement against one target: a rate and the failures seen. */
  record Round(double rate, long errors) {}

  interface Measurement {
    Round measure(InetSocketAddress target) throws Exception;
  }

  /** The rounds of both sides. */
  record Series(String unit, double[] direct, double[] proxy, long errors) {
    double proxyMedian() {
      return median(proxy);
    }

    String row(String what, String format) {
      double p = median(proxy);
      double d = median(direct);
      String error = String.format(Locale.ROOT, "±%.0f%% / ±%.0f%%", spread(proxy) * 100, spread(direct) * 100)
          + (errors > 0 ? ", " + errors + " failed" : "");
      return String.format(Locale.ROOT, "| %s | " + format + " | " + format + " | %.2f× | %s |", what, p, d, p / d,
          error);
    }
  }

  private Series alternate(String unit, Measurement measurement, InetSocketAddress direct, InetSocketAddress proxy)
      throws Exception {
    long errors = 0;
    for (int w = 0; w < WARM_UP_ROUNDS; w++) {
      Round warmDirect = measurement.measure(direct);
      Round warmProxy = measurement.measure(proxy);
      log("%s warm-up: direct %.1f, proxy %.1f", unit, warmDirect.rate, warmProxy.rate);
      errors += warmDirect.errors + warmProxy.errors;
    }
    double[] d = new double[rounds];
    double[] p = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      Round a = measurement.measure(direct);
      Round b = measurement.measure(proxy);
      d[r] = a.rate;
      p[r] = b.rate;
      errors += a.errors + b.errors;
      log("%s round %d: direct %.1f, proxy %.1f%s", unit, r + 1, a.rate, b.rate,
          a.errors + b.errors > 0 ? " (" + (a.errors + b.errors) + " failed)" : "");
    }
    log("%s median: direct %.1f, proxy %.1f, proxy/direct %.2f", unit, median(d), median(p), median(p) / median(d));
    return new Series(unit, d, p, errors);
  }

  private Round sessionsPerSecond(InetSocketAddress target) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long start = System.nanoTime();
      long deadline = start + seconds * 1_000_000_000L;
      List<Future<?>> clients = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String local = "127.0.0." + (10 + t);
        clients.add(pool.submit(() -> {
          while (System.nanoTime() < deadline) {
            try {
              session(target, local);
              done.incrementAndGet();
            } catch (IOException | RuntimeException e) {
              if (failed.incrementAndGet() <= 3) {
                log("session via %s failed: %s", target, e);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> client : clients) {
        client.get();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Round(done.get() / elapsed, failed.get());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void session(InetSocketAddress target, String local) throws IOException {
    FTPClient ftp = FtpClients.login(target, local, DataMode.PASV);
    try {
      Counting sink = new Counting();
      if (!ftp.retrieveFile(SMALL, sink) || sink.count != 1024) {
        throw new IOException("RETR " + SMALL + ": " + ftp.getReplyString().trim() + ", " + sink.count + " bytes");
      }
    } finally {
      FtpClients.quit(ftp);
    }
  }

  private Round megabytesPerSecond(InetSocketAddress target) throws IOException {
    FTPClient ftp = FtpClients.login(target, "127.0.0.9", DataMode.PASV);
    try {
      ftp.setBufferSize(1 << 16);
      Counting sink = new Counting();
      long start = System.nanoTime();
      boolean ok = ftp.retrieveFile(BIG, sink);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long expected = (long) bigMib << 20;
      if (!ok || sink.count != expected) {
        log("RETR %s via %s: %s, %d of %d bytes", BIG, target, ftp.getReplyString().trim(), sink.count, expected);
        return new Round(0, 1);
      }
      return new Round(sink.count / elapsed / 1e6, 0);
    } finally {
      FtpClients.quit(ftp);
    }
  }

  /** Discards what it is given and counts it. */
  static final class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  // ---- helpers ----

  private static void writeBig(Path file, long size) throws IOException {
    byte[] chunk = new byte[1 << 20];
    new Random(7).nextBytes(chunk);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
    }
  }

  /** The largest block of free ports FreePorts finds, trying 8,000 down to 1,000. */
  private static PortRange largestBlock() {
    for (int count = 8000; ; count -= 1000) {
      try {
        return FreePorts.block("127.0.0.1", count);
      } catch (RuntimeException e) {
        if (count <= 1000) {
          throw e;
        }
      }
    }
  }

  private static boolean overlap(PortRange a, PortRange b) {
    for (int port : b) {
      if (a.contains(port)) {
        return true;
      }
    }
    return false;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double spread(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double median = median(values);
    return median == 0 ? 0 : (sorted[sorted.length - 1] - sorted[0]) / 2 / median;
  }

  private static int positive(String option, String value) {
    try {
      int n = Integer.parseInt(requireValue(option, value));
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: a positive integer)");
    }
  }

  private static String requireValue(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private static void log(String format, Object... args) {
    System.err.println(String.format(Locale.ROOT, format, args));
  }
}
