package io.github.ftproute.codec.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the PROXY codec over generated headers, chunkings and bytes. */
final class ProxyProperties {

  @Property
  void headers_decodeOfEncode_isIdentity(@ForAll("headers") ProxyHeader header) {
    byte[] wire = ProxyProtocol.encode(header);

    ProxyDecodeResult result = ProxyProtocol.decoder(0xFFFF).decode(ByteBuffer.wrap(wire));

    assertThat(result).isEqualTo(new ProxyDecodeResult.Decoded(header, wire.length));
  }

  @Property
  void headersWithChecksum_decodeAndEncodeAgain_sameBytes(@ForAll("headers") ProxyHeader plain) {
    ProxyHeader header = plain.version() == ProxyVersion.V1 ? plain
        : plain.withTlv(ProxyTlv.of(ProxyTlv.CRC32C, new byte[4]));
    byte[] wire = ProxyProtocol.encode(header);

    ProxyDecodeResult result = ProxyProtocol.decoder(0xFFFF).decode(ByteBuffer.wrap(wire));

    assertThat(result).isInstanceOf(ProxyDecodeResult.Decoded.class);
    assertThat(ProxyProtocol.encode(((ProxyDecodeResult.Decoded) result).header())).isEqualTo(wire);
  }

  @Property
  void anyChunking_sameResult_payloadUntouched(@ForAll("headers") ProxyHeader header,
      @ForAll @Size(max = 40) List<@IntRange(min = 1, max = 64) Integer> chunks, @ForAll @Size(max = 32) byte[] payload) {
    byte[] wire = ProxyHeaderDecoderTest.concat(ProxyProtocol.encode(header), payload);
    ProxyHeaderDecoder decoder = ProxyProtocol.decoder(0xFFFF);
    ProxyDecodeResult result = new ProxyDecodeResult.NeedMore();
    int at = 0;
    int chunk = 0;
    ByteBuffer last = ByteBuffer.allocate(0);
    while (result instanceof ProxyDecodeResult.NeedMore && at < wire.length) {
      int n = Math.min(wire.length - at, chunk < chunks.size() ? chunks.get(chunk++) : 7);
      last = ByteBuffer.wrap(wire, at, n);
      result = decoder.decode(last);
      at += n;
    }
    byte[] rest = new byte[last.remaining() + wire.length - at];
    last.get(rest, 0, last.remaining());
    System.arraycopy(wire, at, rest, rest.length - (wire.length - at), wire.length - at);

    assertThat(result).isEqualTo(new ProxyDecodeResult.Decoded(header, wire.length - payload.length));
    assertThat(rest).isEqualTo(payload);
  }

  @Property
  void arbitraryBytes_neverThrow_andStayBounded(@ForAll @Size(max = 600) byte[] garbage, @ForAll boolean v2Prefix,
      @ForAll @IntRange(min = 1, max = 50) int chunk) {
    byte[] wire = v2Prefix ? ProxyHeaderDecoderTest.concat(ProxyProtocol.V2_SIGNATURE, garbage) : garbage;
    ProxyHeaderDecoder decoder = ProxyProtocol.decoder(300);
    ProxyDecodeResult result = new ProxyDecodeResult.NeedMore();
    for (int at = 0; at < wire.length && result instanceof ProxyDecodeResult.NeedMore; at += chunk) {
      result = decoder.decode(ByteBuffer.wrap(wire, at, Math.min(chunk, wire.length - at)));
      assertThat(decoder.buffered()).isLessThanOrEqualTo(16 + 300);
    }
    assertThat(result).isNotNull();
  }

  @Property
  void v1PrefixedGarbage_neverThrows(@ForAll("v1ish") String line) {
    ProxyDecodeResult result = ProxyProtocol.decoder().decode(ByteBuffer.wrap(ProxyHeaderDecoderTest.ascii(line)));

    assertThat(result).isNotNull();
  }

  @Provide
  Arbitrary<String> v1ish() {
    Arbitrary<String> token = Arbitraries.of("TCP4", "TCP6", "UNKNOWN", "1.2.3.4", "::1", "::ffff:1.2.3.4", "65535",
        "0", "00", "1:2:3:4:5:6:7:8:9", "[::1]", "a", "", "999.1.1.1", "\r", "\n", "\u0000", "\u00ff");
    return token.list().ofMaxSize(8).map(t -> "PROXY " + String.join(" ", t) + "\r\n");
  }

  @Provide
  Arbitrary<ProxyHeader> headers() {
    Arbitrary<ProxyHeader> v1 = Arbitraries.oneOf(
        addresses().map(a -> new ProxyHeader(ProxyVersion.V1, ProxyCommand.PROXY, Optional.of(a), List.of())),
        Arbitraries.just(ProxyHeader.unknown(ProxyVersion.V1)));
    Arbitrary<ProxyHeader> v2 = Combinators.combine(
        Arbitraries.of(ProxyCommand.values()), addresses().optional(0.8), tlvs().list().ofMaxSize(5))
        .as((command, addresses, tlvs) -> new ProxyHeader(ProxyVersion.V2, command,
            command == ProxyCommand.LOCAL ? Optional.empty() : addresses, tlvs));
    return Arbitraries.oneOf(v1, v2);
  }

  private Arbitrary<ProxyTlv> tlvs() {
    // any type but CRC32C (its value is the encoder's) with values a unique ID may hold
    Arbitrary<Integer> type = Arbitraries.integers().between(0, 255).filter(t -> t != ProxyTlv.CRC32C);
    return Combinators.combine(type, Arbitraries.bytes().array(byte[].class).ofMaxSize(128)).as(ProxyTlv::of);
  }

  private Arbitrary<ProxyAddresses> addresses() {
    Arbitrary<Integer> port = Arbitraries.integers().between(0, 65535);
    Arbitrary<ProxyAddresses> v4 = Combinators.combine(address(4), address(4), port, port)
        .as((s, d, sp, dp) -> new ProxyAddresses(new InetSocketAddress(s, sp), new InetSocketAddress(d, dp)));
    Arbitrary<ProxyAddresses> v6 = Combinators.combine(address(16), address(16), port, port)
        .as((s, d, sp, dp) -> new ProxyAddresses(new InetSocketAddress(s, sp), new InetSocketAddress(d, dp)));
    return Arbitraries.oneOf(v4, v6);
  }

  private static Arbitrary<InetAddress> address(int size) {
    return Arbitraries.bytes().array(byte[].class).ofSize(size).map(b -> {
      try {
        return size == 16 ? Inet6Address.getByAddress(null, b, -1) : InetAddress.getByAddress(b);
      } catch (UnknownHostException e) {
        throw new AssertionError(e);
      }
    });
  }
}
