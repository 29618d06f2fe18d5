package io.github.ftproute.codec.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding one PROXY protocol header, as the transport does at the start of every connection from a
 * trusted upstream (a new decoder each time, the whole header in one read, or split in two reads at
 * its middle), and encoding one, as it does for each control connection to a backend that expects
 * it. There is no Java incumbent among the project's dependencies (MINA has no PROXY codec); the
 * header kinds are the {@code @Param}: v1 TCP4 and TCP6, v2 TCP4, and v2 TCP6 with ALPN, authority,
 * unique ID and a CRC32C (checked).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ProxyHeaderBenchmark -prof gc \
 *     -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProxyHeaderBenchmark {
  @Param({"v1-tcp4", "v1-tcp6", "v2-tcp4", "v2-tcp6-tlvs"})
  public String header;

  private byte[] wire;
  private ProxyHeader value;

  @Setup
  public void setUp() throws UnknownHostException {
    value = switch (header) {
      case "v1-tcp4" -> ProxyHeader.proxy(ProxyVersion.V1, address("192.168.10.20", 51234), address("10.0.0.5", 21));
      case "v1-tcp6" -> ProxyHeader.proxy(ProxyVersion.V1, address("2001:db8:1234:5678::abcd", 51234),
          address("2001:db8::5", 21));
      case "v2-tcp4" -> ProxyHeader.proxy(ProxyVersion.V2, address("192.168.10.20", 51234), address("10.0.0.5", 21));
      case "v2-tcp6-tlvs" -> ProxyHeader.proxy(ProxyVersion.V2, address("2001:db8:1234:5678::abcd", 51234),
              address("2001:db8::5", 21))
          .withTlv(ProxyTlv.of(ProxyTlv.ALPN, "ftp".getBytes(StandardCharsets.US_ASCII)))
          .withTlv(ProxyTlv.of(ProxyTlv.AUTHORITY, "ftp.example.com".getBytes(StandardCharsets.US_ASCII)))
          .withTlv(ProxyTlv.of(ProxyTlv.UNIQUE_ID, new byte[32]))
          .withTlv(ProxyTlv.of(ProxyTlv.CRC32C, new byte[4]));
      default -> throw new IllegalArgumentException(header);
    };
    wire = ProxyProtocol.encode(value);
    if (!(ProxyProtocol.decoder().decode(ByteBuffer.wrap(wire)) instanceof ProxyDecodeResult.Decoded)) {
      throw new IllegalStateException("fixture does not decode: " + header);
    }
  }

  private static InetSocketAddress address(String literal, int port) throws UnknownHostException {
    return new InetSocketAddress(InetAddress.getByName(literal), port); // literals: no lookup
  }

  @Benchmark
  public ProxyDecodeResult decode() {
    return ProxyProtocol.decoder().decode(ByteBuffer.wrap(wire));
  }

  @Benchmark
  public ProxyDecodeResult decodeSplit() {
    ProxyHeaderDecoder decoder = ProxyProtocol.decoder();
    int half = wire.length / 2;
    decoder.decode(ByteBuffer.wrap(wire, 0, half));
    return decoder.decode(ByteBuffer.wrap(wire, half, wire.length - half));
  }

  @Benchmark
  public byte[] encode() {
    return ProxyProtocol.encode(value);
  }
}
