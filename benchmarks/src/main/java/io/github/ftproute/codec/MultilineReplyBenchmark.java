package io.github.ftproute.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.io.CRLFLineReader;
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
 * Decoding a 13-line FEAT reply (ProFTPD's) from the bytes of the control connection.
 *
 * <ul>
 *   <li>{@code ftproute}: {@link FtpReplyDecoder#decode} of the reply's bytes into one {@link
 *       FtpReply};
 *   <li>{@code commons-net}: {@code FTP.getReply()}, reading the same bytes through the {@code
 *       CRLFLineReader} it reads a control connection with (set as its {@code _controlInput_} over a
 *       stream that repeats the reply without end, so the reader's buffer is warm as on a live
 *       connection).
 * </ul>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar MultilineReplyBenchmark -prof gc \
 *     -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MultilineReplyBenchmark {
  static final String FEAT = "211-Features:\r\n"
      + " LANG en-US*\r\n"
      + " MDTM\r\n"
      + " MFMT\r\n"
      + " TVFS\r\n"
      + " UTF8\r\n"
      + " MFF modify;UNIX.group;UNIX.mode;\r\n"
      + " MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;"
      + "UNIX.ownername*;\r\n"
      + " REST STREAM\r\n"
      + " SIZE\r\n"
      + " EPSV\r\n"
      + " EPRT\r\n"
      + "211 End\r\n";

  @Param({"ftproute", "commons-net"})
  public String decoder;

  private byte[] wire;
  private FtpReplyDecoder ours;
  private ReplyReader theirs;
  private boolean isOurs;

  /** Commons Net's reply reading, fed from memory. */
  static final class ReplyReader extends FTP {
    ReplyReader(byte[] reply) {
      _controlInput_ = new CRLFLineReader(new InputStreamReader(new Repeating(reply), StandardCharsets.UTF_8));
    }
  }

  /** An input stream that repeats the same bytes forever. */
  static final class Repeating extends InputStream {
    private final byte[] bytes;
    private int at;

    Repeating(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      int b = bytes[at] & 0xFF;
      at = (at + 1) % bytes.length;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = Math.min(len, bytes.length - at);
      System.arraycopy(bytes, at, b, off, n);
      at = (at + n) % bytes.length;
      return n;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    wire = FEAT.getBytes(StandardCharsets.US_ASCII);
    ours = FtpCodec.defaults().newReplyDecoder();
    theirs = new ReplyReader(wire);
    isOurs = decoder.equals("ftproute");
    // Both must see a 211 with 13 lines; fail the run rather than measure a misparse.
    FtpReply[] decoded = new FtpReply[1];
    ours.decode(ByteBuffer.wrap(wire), r -> decoded[0] = (FtpReply) r);
    if (decoded[0] == null || decoded[0].code().value() != 211 || decoded[0].lines().size() != 13) {
      throw new IllegalStateException("ftproute decoded " + decoded[0]);
    }
    if (theirs.getReply() != 211 || theirs.getReplyStrings().length != 13) {
      throw new IllegalStateException("commons-net read " + theirs.getReplyString());
    }
  }

  @Benchmark
  public void decode(Blackhole bh) throws IOException {
    if (isOurs) {
      ours.decode(ByteBuffer.wrap(wire), bh::consume);
    } else {
      bh.consume(theirs.getReply());
      bh.consume(theirs.getReplyStrings());
    }
  }
}
