package io.github.ftproute.codec;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Rewriting a 227 and a 229 reply to a proxy's address and port, end to end: bytes in, decode,
 * parse, rewrite, encode, bytes out. {@code regex} is the baseline a hand-written proxy would use:
 * decode the line as a String, match the numbers with a regular expression, substitute, and encode.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ReplyRewriteBenchmark -prof gc \
 *     -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplyRewriteBenchmark {
  private static final Pattern PASV = Pattern.compile("(\\d{1,3},\\d{1,3},\\d{1,3},\\d{1,3}),(\\d{1,3}),(\\d{1,3})");
  private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

  @Param({"227", "229"})
  public int code;

  @Param({"ftproute", "regex"})
  public String rewriter;

  private byte[] wire;
  private FtpReplyDecoder decoder;
  private boolean ours;
  private InetAddress proxy;
  private final ByteBuffer out = ByteBuffer.allocate(256);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    String line = code == 227 ? "227 Entering Passive Mode (10,0,0,5,156,64)."
        : "229 Entering Extended Passive Mode (|||40000|)";
    wire = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    decoder = FtpCodec.defaults().newReplyDecoder();
    ours = rewriter.equals("ftproute");
    proxy = InetAddress.getByName("192.0.2.1");
  }

  @Benchmark
  public void rewrite(Blackhole bh) {
    out.clear();
    if (ours) {
      decoder.decode(ByteBuffer.wrap(wire), decoded -> {
        if (PassiveReply.parse((FtpReply) decoded) instanceof ParseResult.Ok<PassiveReply> ok) {
          FtpEncoder.encode(ok.value().rewrite(proxy, 30017), out);
        }
      });
    } else {
      String line = new String(wire, 0, wire.length - 2, StandardCharsets.UTF_8);
      String rewritten;
      if (code == 227) {
        Matcher m = PASV.matcher(line);
        rewritten = m.find() ? line.substring(0, m.start()) + "192,0,2,1,117,65" + line.substring(m.end()) : line;
      } else {
        Matcher m = EPSV.matcher(line);
        rewritten = m.find() ? line.substring(0, m.start(1)) + 30017 + line.substring(m.end(1)) : line;
      }
      out.put((rewritten + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    bh.consume(out.position());
  }
}
