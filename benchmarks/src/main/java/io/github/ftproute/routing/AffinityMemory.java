package io.github.ftproute.routing;

import io.github.ftproute.routing.affinity.Backend;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.openjdk.jol.info.GraphLayout;

/**
 * Bytes per entry of each {@link AffinityTableBenchmark} subject holding 1,000,000 random IPv4
 * clients: the retained size of its object graph (JOL {@link GraphLayout}) full, minus the same when
 * freshly built, divided by the entries. Everything reachable counts: keys, values' wrappers, the
 * eviction and expiry bookkeeping, spare capacity. The 8 shared {@link Backend}s are in both
 * measurements and cancel out.
 *
 * <pre>
 * java -Xms4g -Xmx4g -cp benchmarks/target/benchmarks.jar io.github.ftproute.routing.AffinityMemory [--out FILE]
 * </pre>
 *
 * <p>Prints one markdown table row per incumbent (ours against it) to standard output, or appends
 * them to {@code FILE}.
 */
public final class AffinityMemory {
  private AffinityMemory() {}

  public static void main(String[] args) throws IOException {
    Path out = args.length == 2 && args[0].equals("--out") ? Path.of(args[1]) : null;
    double ours = bytesPerEntry("ftproute");
    List<String> rows = new ArrayList<>();
    for (String incumbent : List.of("caffeine", "guava", "chm")) {
      double theirs = bytesPerEntry(incumbent);
      rows.add(String.format(Locale.ROOT, "| affinity memory per IPv4 entry at 1,000,000 (vs %s; lower is better) "
          + "| %.1f B | %.1f B | %.2f× | exact |", incumbent, ours, theirs, ours / theirs));
    }
    String text = String.join("\n", rows) + "\n";
    if (out == null) {
      System.out.print(text);
    } else {
      Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  static double bytesPerEntry(String impl) {
    Function<String, Object> build = name -> {
      AffinityTableBenchmark benchmark = new AffinityTableBenchmark();
      benchmark.impl = name;
      return benchmark;
    };
    AffinityTableBenchmark empty = (AffinityTableBenchmark) build.apply(impl);
    AffinityTableBenchmark.Subject emptySubject = empty.newSubject();
    long before = GraphLayout.parseInstance(emptySubject).totalSize();
    AffinityTableBenchmark.Subject full = empty.newSubject();
    for (int i = 0; i < AffinityTableBenchmark.RESIDENTS; i++) {
      full.populate(AffinityTableBenchmark.mix(i));
    }
    if (full instanceof AffinityTableBenchmark.CaffeineSubject caffeine) {
      caffeine.cleanUp();
    }
    long after = GraphLayout.parseInstance(full).totalSize();
    double perEntry = (double) (after - before) / AffinityTableBenchmark.RESIDENTS;
    PrintStream err = System.err;
    err.printf(Locale.ROOT, "%-16s empty %,d B, full %,d B, %.1f B per entry%n", impl, before, after, perEntry);
    return perEntry;
  }
}
