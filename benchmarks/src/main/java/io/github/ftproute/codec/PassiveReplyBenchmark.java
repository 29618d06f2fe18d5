package io.github.ftproute.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.MalformedServerReplyException;
import org.apache.commons.net.ftp.FTPClient;
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
 * Parsing passive-mode replies to address and port.
 *
 * <ul>
 *   <li>{@code ftproute}: {@link PassiveReply#parse} of an already decoded {@link FtpReply}, the same
 *       starting point as Commons Net, which parses the reply line it has already read;
 *   <li>{@code ftproute-bytes}: decoding the reply from bytes and parsing it, the whole path;
 *   <li>{@code commons-net}: {@code FTPClient._parsePassiveModeReply} /
 *       {@code _parseExtendedPassiveModeReply} (protected, reached through a subclass; its NAT
 *       workaround is switched off in set-up, and the control connection's peer, which a 229 reply
 *       refers to, is a constant instead of a socket's).
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar PassiveReplyBenchmark -prof gc \
 *     -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PassiveReplyBenchmark {
  @Param({"227", "229"})
  public int code;

  @Param({"ftproute", "ftproute-bytes", "commons-net"})
  public String parser;

  private String line;
  private byte[] wire;
  private FtpReply reply;
  private ParsingClient client;
  /** The parser as a number, so the timed part does not compare strings: 0, 1, 2 in @Param order. */
  private int which;
  private FtpReplyDecoder decoder;

  /** Exposes Commons Net's reply parsing without a connection. */
  static final class ParsingClient extends FTPClient {
    private static final java.net.InetAddress SERVER = java.net.InetAddress.getLoopbackAddress();

    ParsingClient() {
      setPassiveNatWorkaroundStrategy(null);
    }

    /** A 229 names no host, so Commons Net takes the control connection's peer: a constant here. */
    @Override
    public java.net.InetAddress getRemoteAddress() {
      return SERVER;
    }

    int parse227(String reply) throws MalformedServerReplyException {
      _parsePassiveModeReply(reply);
      return getPassivePort();
    }

    int parse229(String reply) throws MalformedServerReplyException {
      _parseExtendedPassiveModeReply(reply);
      return getPassivePort();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    line = code == 227 ? "227 Entering Passive Mode (192,168,10,25,156,64)."
        : "229 Entering Extended Passive Mode (|||40000|)";
    wire = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
    decoder = FtpCodec.defaults().newReplyDecoder();
    reply = (FtpReply) decoder.decode(wire).get(0);
    client = new ParsingClient();
    which = switch (parser) {
      case "ftproute" -> 0;
      case "ftproute-bytes" -> 1;
      case "commons-net" -> 2;
      default -> throw new IllegalArgumentException(parser);
    };
  }

  @Benchmark
  public void parse(Blackhole bh) throws Exception {
    switch (which) {
      case 0 -> bh.consume(PassiveReply.parse(reply));
      case 1 -> decoder.decode(ByteBuffer.wrap(wire), r -> bh.consume(PassiveReply.parse((FtpReply) r)));
      default -> bh.consume(code == 227 ? client.parse227(line) : client.parse229(line));
    }
  }
}
