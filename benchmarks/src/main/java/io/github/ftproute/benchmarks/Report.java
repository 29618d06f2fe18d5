package io.github.ftproute.benchmarks;

import io.github.ftproute.codec.CommandDecoderBenchmark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every JMH benchmark of this module, ours and the incumbent in the same run, and writes one
 * markdown table row per comparison: benchmark, ours, incumbent, ratio, error.
 *
 * <p>Each benchmark forks one JVM with {@code -Xms} equal to {@code -Xmx} and {@code
 * -XX:+AlwaysPreTouch} (first-touch page faults otherwise swing results between iterations), warms
 * up for 3 × 1 s and measures 5 × 1 s, with JMH's GC profiler for allocation. The figure quoted is
 * the <b>median</b> of the measurement iterations; the error is half the range of those iterations
 * relative to the median, ours / incumbent. Ratios are "how many times better ours is": for speed,
 * our throughput over theirs; for memory, their bytes over ours.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.ftproute.benchmarks.Report [--quick] [--out FILE]
 * </pre>
 *
 * <p>{@code --quick} measures 1 × 1 s after 1 × 1 s of warm-up: a smoke test of the harness, not a
 * result.
 */
public final class Report {
  private final boolean quick;
  private final Map<String, Measured> results = new HashMap<>();

  /** The median and spread of one benchmark's iterations. */
  record Measured(double median, double spread, double bytesPerOp, String unit) {}

  private Report(boolean quick) {
    this.quick = quick;
  }

  public static void main(String[] args) throws IOException, RunnerException {
    boolean quick = false;
    Path out = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]
            + " (expected: --quick, --out FILE)");
      }
    }
    Report report = new Report(quick);
    List<String> rows = report.runAll();
    String text = String.join("\n", rows) + "\n";
    if (out == null) {
      System.out.print(text);
    } else {
      Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private List<String> runAll() throws RunnerException {
    List<String> rows = new ArrayList<>();

    run("CommandDecoderBenchmark", 1, "1g");
    double bytesPerLine = bytesPerLine();
    Measured ours = get("CommandDecoderBenchmark.decode", "decoder=ftproute");
    Measured theirs = get("CommandDecoderBenchmark.decode", "decoder=ftpserver");
    rows.add(row("command decoding, mixed lines (vs Apache FtpServer 1.2 decoder)",
        1000 / ours.median, 1000 / theirs.median, "M lines/s", ours, theirs));
    rows.add(row("command decoding, throughput (vs Apache FtpServer 1.2 decoder)",
        1000 / ours.median * bytesPerLine, 1000 / theirs.median * bytesPerLine, "MB/s", ours, theirs));
    rows.add(allocationRow("command decoding, allocation per line (vs Apache FtpServer 1.2)", ours, theirs));

    run("PassiveReplyBenchmark", 1, "1g");
    for (String code : List.of("227", "229")) {
      Measured cn = get("PassiveReplyBenchmark.parse", "code=" + code, "parser=commons-net");
      Measured parsed = get("PassiveReplyBenchmark.parse", "code=" + code, "parser=ftproute");
      Measured bytes = get("PassiveReplyBenchmark.parse", "code=" + code, "parser=ftproute-bytes");
      rows.add(timeRow(code + " reply parsed to address and port (vs Commons Net FTPClient)", parsed, cn));
      rows.add(timeRow(code + " reply decoded from bytes and parsed (vs Commons Net, parse only)", bytes, cn));
      rows.add(allocationRow(code + " reply parse, allocation (vs Commons Net)", parsed, cn));
    }

    run("MultilineReplyBenchmark", 1, "1g");
    ours = get("MultilineReplyBenchmark.decode", "decoder=ftproute");
    theirs = get("MultilineReplyBenchmark.decode", "decoder=commons-net");
    rows.add(timeRow("13-line FEAT reply decoded from bytes (vs Commons Net FTP.getReply)", ours, theirs));
    rows.add(allocationRow("13-line FEAT reply, allocation (vs Commons Net)", ours, theirs));

    run("ReplyRewriteBenchmark", 1, "1g");
    for (String code : List.of("227", "229")) {
      ours = get("ReplyRewriteBenchmark.rewrite", "code=" + code, "rewriter=ftproute");
      theirs = get("ReplyRewriteBenchmark.rewrite", "code=" + code, "rewriter=regex");
      rows.add(timeRow(code + " reply decoded, rewritten, encoded (vs String + regex)", ours, theirs));
    }

    for (int threads : List.of(1, 2)) {
      run("AffinityTableBenchmark.lookup", threads, "3g");
      ours = get("AffinityTableBenchmark.lookup", "impl=ftproute", "t=" + threads);
      Measured coarse = get("AffinityTableBenchmark.lookup", "impl=ftproute-coarse", "t=" + threads);
      Measured connected = get("AffinityTableBenchmark.lookup", "impl=ftproute-connected", "t=" + threads);
      for (String incumbent : List.of("caffeine", "guava", "chm")) {
        theirs = get("AffinityTableBenchmark.lookup", "impl=" + incumbent, "t=" + threads);
        rows.add(throughputRow("affinity lookup, 1 M IPv4 clients, " + threads + " thread" + (threads > 1 ? "s" : "")
            + " (vs " + name(incumbent) + ")", ours, theirs));
      }
      theirs = get("AffinityTableBenchmark.lookup", "impl=chm", "t=" + threads);
      rows.add(throughputRow("affinity lookup, 1 M IPv4 clients, " + threads + " thread" + (threads > 1 ? "s" : "")
          + ", coarse ticker (vs ConcurrentHashMap, no expiry)", coarse, theirs));
      rows.add(throughputRow("affinity lookup, 1 M connected IPv4 clients (no clock read), " + threads + " thread"
          + (threads > 1 ? "s" : "") + " (vs ConcurrentHashMap, no expiry)", connected, theirs));
      theirs = get("AffinityTableBenchmark.lookup", "impl=caffeine", "t=" + threads);
      rows.add(throughputRow("affinity lookup, 1 M connected IPv4 clients (no clock read), " + threads + " thread"
          + (threads > 1 ? "s" : "") + " (vs Caffeine)", connected, theirs));
      run("AffinityTableBenchmark.route", threads, "3g", "impl=ftproute,caffeine,guava");
      ours = get("AffinityTableBenchmark.route", "impl=ftproute", "t=" + threads);
      for (String incumbent : List.of("caffeine", "guava")) {
        theirs = get("AffinityTableBenchmark.route", "impl=" + incumbent, "t=" + threads);
        rows.add(throughputRow("affinity route, 90% hits / 10% new clients, full table, " + threads + " thread"
            + (threads > 1 ? "s" : "") + " (vs " + name(incumbent) + ")", ours, theirs));
      }
    }

    run("DataPortAllocatorBenchmark", 1, "1g");
    Measured empty = get("DataPortAllocatorBenchmark.cycle", "impl=ftproute", "occupancyPercent=0");
    for (String occupancy : List.of("0", "90", "99")) {
      ours = get("DataPortAllocatorBenchmark.cycle", "impl=ftproute", "occupancyPercent=" + occupancy);
      theirs = get("DataPortAllocatorBenchmark.cycle", "impl=ftpserver", "occupancyPercent=" + occupancy);
      rows.add(throughputRow("port lease + claim + release, 10000-20000 " + occupancy
          + "% taken (vs FtpServer PassivePorts, no bind check)", ours, theirs));
    }
    for (String occupancy : List.of("0", "90", "99")) {
      ours = get("DataPortAllocatorBenchmark.cycle", "impl=ftproute-coarse", "occupancyPercent=" + occupancy);
      theirs = get("DataPortAllocatorBenchmark.cycle", "impl=ftpserver", "occupancyPercent=" + occupancy);
      rows.add(throughputRow("port lease + claim + release, 10000-20000 " + occupancy
          + "% taken, coarse ticker (vs FtpServer PassivePorts, no bind check)", ours, theirs));
    }
    ours = get("DataPortAllocatorBenchmark.cycle", "impl=ftproute", "occupancyPercent=0");
    theirs = get("DataPortAllocatorBenchmark.cycle", "impl=ftpserver-bind", "occupancyPercent=0");
    rows.add(throughputRow("port lease + claim + release, 0% taken (vs PassivePorts with bind check)", ours, theirs));
    ours = get("DataPortAllocatorBenchmark.cycle", "impl=ftproute", "occupancyPercent=99");
    rows.add(throughputRow("port lease + claim + release, 99% taken (vs ftproute itself at 0%)", ours, empty));
    return rows;
  }

  private static String name(String impl) {
    return switch (impl) {
      case "caffeine" -> "Caffeine";
      case "guava" -> "Guava Cache";
      case "chm" -> "ConcurrentHashMap, no expiry";
      default -> impl;
    };
  }

  private static double bytesPerLine() {
    try {
      CommandDecoderBenchmark benchmark = new CommandDecoderBenchmark();
      benchmark.decoder = "ftproute";
      benchmark.setUp();
      return benchmark.bytesPerLine;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- running ----

  private void run(String include, int threads, String heap, String... params) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(include.contains(".") ? include + "$" : include + "\\.")
        .forks(1)
        .threads(threads)
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.seconds(1))
        .measurementIterations(quick ? 1 : 5)
        .measurementTime(TimeValue.seconds(1))
        .jvmArgs("-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch")
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(true);
    for (String param : params) {
      String[] nameValues = param.split("=", 2);
      options.param(nameValues[0], nameValues[1].split(","));
    }
    for (RunResult result : new Runner(options.build()).run()) {
      results.put(key(result.getParams()), measured(result));
    }
  }

  private static String key(BenchmarkParams params) {
    String benchmark = params.getBenchmark();
    String simple = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
    Map<String, String> sorted = new TreeMap<>();
    for (String name : params.getParamsKeys()) {
      sorted.put(name, params.getParam(name));
    }
    sorted.put("t", String.valueOf(params.getThreads()));
    StringBuilder key = new StringBuilder(simple);
    sorted.forEach((k, v) -> key.append(' ').append(k).append('=').append(v));
    return key.toString();
  }

  private static Measured measured(RunResult result) {
    double[] scores = result.getBenchmarkResults().stream()
        .flatMap(b -> b.getIterationResults().stream())
        .mapToDouble(i -> i.getPrimaryResult().getScore())
        .sorted()
        .toArray();
    double median = scores.length % 2 == 1
        ? scores[scores.length / 2]
        : (scores[scores.length / 2 - 1] + scores[scores.length / 2]) / 2;
    double spread = (scores[scores.length - 1] - scores[0]) / 2 / median;
    double bytes = Double.NaN;
    for (Map.Entry<String, Result> secondary : result.getAggregatedResult().getSecondaryResults().entrySet()) {
      if (secondary.getKey().endsWith("gc.alloc.rate.norm")) {
        bytes = secondary.getValue().getScore();
      }
    }
    return new Measured(median, spread, bytes, result.getPrimaryResult().getScoreUnit());
  }

  /** Returns the result whose key has the benchmark and all of {@code params} (t=1 unless given). */
  private Measured get(String benchmark, String... params) {
    List<String> wanted = new ArrayList<>(Arrays.asList(params));
    if (wanted.stream().noneMatch(p -> p.startsWith("t="))) {
      wanted.add("t=1");
    }
    for (Map.Entry<String, Measured> entry : results.entrySet()) {
      List<String> parts = Arrays.asList(entry.getKey().split(" "));
      if (parts.get(0).equals(benchmark) && parts.containsAll(wanted)) {
        return entry.getValue();
      }
    }
    throw new IllegalStateException("no result for " + benchmark + " " + wanted + " in " + results.keySet());
  }

  // ---- rows ----

  /** A row of average-time benchmarks (ns/op): shown as time, ratio = their time / ours. */
  private static String timeRow(String what, Measured ours, Measured theirs) {
    check(ours, "ns/op");
    check(theirs, "ns/op");
    return format(what, fmt(ours.median) + " ns", fmt(theirs.median) + " ns", theirs.median / ours.median, ours, theirs);
  }

  /** A row of throughput benchmarks (ops/us): shown as M ops/s, ratio = ours / theirs. */
  private static String throughputRow(String what, Measured ours, Measured theirs) {
    check(ours, "ops/us");
    check(theirs, "ops/us");
    return format(what, perSecond(ours.median), perSecond(theirs.median), ours.median / theirs.median, ours, theirs);
  }

  private static String row(String what, double ours, double theirs, String unit, Measured o, Measured t) {
    return format(what, fmt(ours) + " " + unit, fmt(theirs) + " " + unit, ours / theirs, o, t);
  }

  private static String allocationRow(String what, Measured ours, Measured theirs) {
    return String.format(Locale.ROOT, "| %s | %.0f B | %.0f B | %s | exact |", what, ours.bytesPerOp,
        theirs.bytesPerOp, ours.bytesPerOp == 0 ? "∞" : String.format(Locale.ROOT, "%.1f×",
            theirs.bytesPerOp / ours.bytesPerOp));
  }

  private static String format(String what, String ours, String theirs, double ratio, Measured o, Measured t) {
    return String.format(Locale.ROOT, "| %s | %s | %s | %.2f× | ±%.0f%% / ±%.0f%% |", what, ours, theirs, ratio,
        o.spread * 100, t.spread * 100);
  }

  private static void check(Measured m, String unit) {
    if (!m.unit.equals(unit)) {
      throw new IllegalStateException("unit " + m.unit + " (expected: " + unit + ")");
    }
  }

  /** Formats operations per microsecond as M/s, or k/s below one million. */
  private static String perSecond(double opsPerMicrosecond) {
    return opsPerMicrosecond >= 1 ? fmt(opsPerMicrosecond) + " M/s" : fmt(opsPerMicrosecond * 1000) + " k/s";
  }

  private static String fmt(double value) {
    if (value >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
  }
}
