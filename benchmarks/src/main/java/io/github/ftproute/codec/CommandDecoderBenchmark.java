package io.github.ftproute.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.ftpserver.impl.DefaultFtpRequest;
import org.apache.ftpserver.listener.nio.FtpServerProtocolCodecFactory;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.DummySession;
import org.apache.mina.filter.codec.AbstractProtocolDecoderOutput;
import org.apache.mina.filter.codec.ProtocolDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding a realistic mix of client command lines held in one buffer: ftproute's
 * {@link FtpCommandDecoder} against Apache FtpServer 1.2's decoder path (the {@code TextLineDecoder}
 * of its {@code FtpServerProtocolCodecFactory}, then {@code new DefaultFtpRequest(line)} as its
 * {@code FtpHandlerAdapter} does for every line). One operation is one line.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CommandDecoderBenchmark -prof gc \
 *     -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CommandDecoderBenchmark {
  /** Lines per operation batch; the score is per line. */
  public static final int LINES = 1024;

  private static final String[] MIX = {
    "USER anonymous", "PASS guest@example.com", "SYST", "FEAT", "PWD", "CWD /pub/releases/2024",
    "TYPE I", "PASV", "EPSV", "PORT 192,168,1,20,195,80", "EPRT |1|192.168.1.20|50000|",
    "SIZE ubuntu-24.04-live-server-amd64.iso", "RETR ubuntu-24.04-live-server-amd64.iso",
    "STOR uploads/report final (3).pdf", "LIST -la", "MDTM README.txt", "NOOP", "QUIT",
  };

  @Param({"ftproute", "ftpserver"})
  public String decoder;

  private byte[] wire;
  private FtpCommandDecoder ours;
  private ProtocolDecoder theirs;
  private DummySession session;

  /** Bytes per line on average, to turn lines/s into MB/s. */
  public double bytesPerLine;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < LINES; i++) {
      text.append(MIX[i % MIX.length]).append("\r\n");
    }
    wire = text.toString().getBytes(StandardCharsets.UTF_8);
    bytesPerLine = (double) wire.length / LINES;
    ours = FtpCodec.defaults().newCommandDecoder();
    session = new DummySession();
    theirs = new FtpServerProtocolCodecFactory().getDecoder(session);
  }

  @Benchmark
  @OperationsPerInvocation(LINES)
  public void decode(Blackhole bh) throws Exception {
    if (decoder.equals("ftproute")) {
      ours.decode(ByteBuffer.wrap(wire), bh::consume);
    } else {
      IoBuffer in = IoBuffer.wrap(wire);
      theirs.decode(session, in, new AbstractProtocolDecoderOutput() {
        @Override
        public void flush(org.apache.mina.core.filterchain.IoFilter.NextFilter nextFilter,
            org.apache.mina.core.session.IoSession s) {}

        @Override
        public void write(Object message) {
          bh.consume(new DefaultFtpRequest(message.toString()));
        }
      });
    }
  }
}
