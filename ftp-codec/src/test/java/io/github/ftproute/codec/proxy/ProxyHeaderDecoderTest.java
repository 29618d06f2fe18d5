package io.github.ftproute.codec.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fixtures after the examples of HAProxy's proxy-protocol.txt, each also fed split at every byte index. */
final class ProxyHeaderDecoderTest {
  private static final String SIG = "0d0a0d0a000d0a515549540a";

  // --- version 1 ---------------------------------------------------------------------------------

  @Test
  void decode_v1Tcp4LongestForm_sourceAndDestination() throws Exception {
    ProxyHeader header = decodeAll(ascii("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n"));

    assertThat(header.version()).isEqualTo(ProxyVersion.V1);
    assertThat(header.command()).isEqualTo(ProxyCommand.PROXY);
    assertThat(header.source()).contains(new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 65535));
    assertThat(header.destination()).contains(new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 65535));
  }

  @Test
  void decode_v1Tcp4_portsAndAddresses() throws Exception {
    ProxyHeader header = decodeAll(ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));

    assertThat(header.source()).contains(new InetSocketAddress(InetAddress.getByName("192.168.0.1"), 56324));
    assertThat(header.destination()).contains(new InetSocketAddress(InetAddress.getByName("192.168.0.11"), 443));
  }

  @Test
  void decode_v1Tcp6LongestForm_104Bytes() {
    String six = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    byte[] line = ascii("PROXY TCP6 " + six + " " + six + " 65535 65535\r\n");

    ProxyHeader header = decodeAll(line);

    assertThat(line).hasSize(104);
    assertThat(header.addresses().orElseThrow().isIpv6()).isTrue();
    assertThat(header.source().orElseThrow().getPort()).isEqualTo(65535);
  }

  @Test
  void decode_v1Tcp6Compressed_andIpv4Mapped_stayIpv6() {
    ProxyHeader header = decodeAll(ascii("PROXY TCP6 ::1 ::ffff:10.0.0.1 1 2\r\n"));

    assertThat(header.addresses().orElseThrow().isIpv6()).isTrue();
    assertThat(header.destination().orElseThrow().getAddress().getAddress()).hasSize(16);
  }

  @Test
  void decode_v1Unknown_shortAndWorstCase() {
    String six = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
    byte[] worst = ascii("PROXY UNKNOWN " + six + " " + six + " 65535 65535\r\n");

    assertThat(decodeAll(ascii("PROXY UNKNOWN\r\n"))).isEqualTo(ProxyHeader.unknown(ProxyVersion.V1));
    assertThat(worst).hasSize(ProxyProtocol.V1_MAX_LENGTH);
    assertThat(decodeAll(worst)).isEqualTo(ProxyHeader.unknown(ProxyVersion.V1));
  }

  @Test
  void decode_v1_leavesPayloadInBuffer() {
    ByteBuffer in = ByteBuffer.wrap(ascii("PROXY TCP4 10.0.0.1 10.0.0.2 1000 21\r\nUSER anonymous\r\n"));

    ProxyDecodeResult result = ProxyProtocol.decoder().decode(in);

    assertThat(result).isInstanceOf(ProxyDecodeResult.Decoded.class);
    assertThat(((ProxyDecodeResult.Decoded) result).length()).isEqualTo(38);
    assertThat(StandardCharsets.US_ASCII.decode(in).toString()).isEqualTo("USER anonymous\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "PROXY TCP4 10.0.0.1 10.0.0.2 1000 21\n", // bare LF
      "PROXY TCP4 10.0.0.1 10.0.0.2 1000\r\n", // a field missing
      "PROXY TCP4 10.0.0.1 10.0.0.2 1000 21 x\r\n", // a field too many
      "PROXY TCP4  10.0.0.1 10.0.0.2 1000 21\r\n", // two spaces
      "PROXY TCP5 10.0.0.1 10.0.0.2 1000 21\r\n", // protocol
      "PROXY TCP4 10.0.0.256 10.0.0.2 1000 21\r\n", // octet over 255
      "PROXY TCP4 10.0.0 10.0.0.2 1000 21\r\n", // three octets
      "PROXY TCP4 010.0.0.1 10.0.0.2 1000 21\r\n", // leading zero (octal elsewhere)
      "PROXY TCP4 example.com 10.0.0.2 1000 21\r\n", // a name: never resolved
      "PROXY TCP4 ::1 10.0.0.2 1000 21\r\n", // family mismatch
      "PROXY TCP6 10.0.0.1 ::1 1000 21\r\n", // family mismatch
      "PROXY TCP6 ::g ::1 1000 21\r\n", // bad hex
      "PROXY TCP6 1:2 ::1 1000 21\r\n", // too few groups
      "PROXY TCP4 10.0.0.1 10.0.0.2 65536 21\r\n", // port over 65535
      "PROXY TCP4 10.0.0.1 10.0.0.2 01000 21\r\n", // leading zero port
      "PROXY TCP4 10.0.0.1 10.0.0.2 -1 21\r\n", // sign
      "PROXY TCP4 10.0.0.1 10.0.0.2 1000 21\t\r\n", // control byte
      "PROXY \r\n"})
  void decode_v1BadLine_reportsBadLine(String line) {
    assertThat(malformed(ascii(line)).reason()).isEqualTo(ProxyDecodeResult.Reason.BAD_LINE);
  }

  @Test
  void decode_v1WithoutCrlfIn107Bytes_tooLongAndNoMoreRead() {
    byte[] line = ascii("PROXY UNKNOWN " + "x".repeat(200));
    ByteBuffer in = ByteBuffer.wrap(line);

    ProxyDecodeResult result = ProxyProtocol.decoder().decode(in);

    assertThat(((ProxyDecodeResult.Malformed) result).reason()).isEqualTo(ProxyDecodeResult.Reason.TOO_LONG);
    assertThat(in.position()).isEqualTo(ProxyProtocol.V1_MAX_LENGTH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"USER anonymous\r\n", "proxy TCP4", "PROXYTCP4", "GET / HTTP/1.1\r\n", "\r\n\r\n\0\r\nQUIX"})
  void decode_notAHeader_reportsNotProxyAtFirstWrongByte(String start) {
    assertThat(malformed(ascii(start)).reason()).isEqualTo(ProxyDecodeResult.Reason.NOT_PROXY);
  }

  @Test
  void decode_ftpClientFirstByte_refusedAtOnce() {
    ByteBuffer in = ByteBuffer.wrap(ascii("USER x\r\n"));

    ProxyDecodeResult result = ProxyProtocol.decoder().decode(in);

    assertThat(result).isInstanceOf(ProxyDecodeResult.Malformed.class);
    assertThat(in.position()).isEqualTo(1);
  }

  // --- version 2 ---------------------------------------------------------------------------------

  @Test
  void decode_v2Tcp4_asHaproxySendsIt() throws Exception {
    // 172.19.0.1:42578 -> 172.19.0.3:80, no TLVs
    byte[] wire = hex(SIG + "2111000c" + "ac130001" + "ac130003" + "a652" + "0050");

    ProxyHeader header = decodeAll(wire);

    assertThat(header.version()).isEqualTo(ProxyVersion.V2);
    assertThat(header.source()).contains(new InetSocketAddress(InetAddress.getByName("172.19.0.1"), 42578));
    assertThat(header.destination()).contains(new InetSocketAddress(InetAddress.getByName("172.19.0.3"), 80));
    assertThat(header.tlvs()).isEmpty();
  }

  @Test
  void decode_v2Tcp6_addresses() throws Exception {
    byte[] wire = hex(SIG + "21210024" + "20010db8000000000000000000000001" + "20010db8000000000000000000000002"
        + "04d2" + "0015");

    ProxyHeader header = decodeAll(wire);

    assertThat(header.source()).contains(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1234));
    assertThat(header.destination()).contains(new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 21));
  }

  @Test
  void decode_v2Local_dropsAddresses() {
    byte[] withAddresses = hex(SIG + "2011000c" + "7f000001" + "7f000002" + "0001" + "0002");

    assertThat(decodeAll(hex(SIG + "20000000"))).isEqualTo(ProxyHeader.local());
    assertThat(decodeAll(withAddresses)).isEqualTo(ProxyHeader.local());
  }

  @Test
  void decode_v2UnspecAndUdpAndUnix_noAddresses() {
    byte[] unix = hex(SIG + "213100d8" + "00".repeat(216));

    assertThat(decodeAll(hex(SIG + "21000000")).addresses()).isEmpty();
    assertThat(decodeAll(hex(SIG + "2112000c" + "00".repeat(12))).addresses()).isEmpty();
    assertThat(decodeAll(unix).addresses()).isEmpty();
  }

  @Test
  void decode_v2Tlvs_alpnAuthorityUniqueIdNoop() {
    String tlvs = "010003" + hexOf("ftp") + "02000b" + hexOf("example.com") + "040002" + "0000"
        + "050004" + "deadbeef";
    int length = 12 + tlvs.length() / 2;

    ProxyHeader header = decodeAll(hex(SIG + "2111" + String.format("%04x", length) + "0a000001" + "0a000002"
        + "1000" + "0015" + tlvs));

    assertThat(header.alpn()).contains("ftp");
    assertThat(header.authority()).contains("example.com");
    assertThat(header.uniqueId()).hasValueSatisfying(id -> assertThat(id).isEqualTo(hex("deadbeef")));
    assertThat(header.tlvs()).extracting(ProxyTlv::type).containsExactly(1, 2, 4, 5);
  }

  @Test
  void decode_v2GoodCrc32c_accepted_badCrc32c_refused() {
    byte[] wire = hex(SIG + "21110013" + "0a000001" + "0a000002" + "1000" + "0015" + "030004" + "00000000");
    CRC32C crc = new CRC32C();
    crc.update(wire);
    int sum = (int) crc.getValue();
    wire[wire.length - 4] = (byte) (sum >>> 24);
    wire[wire.length - 3] = (byte) (sum >>> 16);
    wire[wire.length - 2] = (byte) (sum >>> 8);
    wire[wire.length - 1] = (byte) sum;

    assertThat(decodeAll(wire).tlv(ProxyTlv.CRC32C)).isPresent();
    wire[17] ^= 1; // one address bit
    assertThat(malformed(wire).reason()).isEqualTo(ProxyDecodeResult.Reason.BAD_CHECKSUM);
  }

  @Test
  void decode_v2_leavesPayloadInBuffer() {
    ByteBuffer in = ByteBuffer.wrap(hex(SIG + "2111" + "000c" + "0a000001" + "0a000002"
        + "1000" + "0015" + hexOf("DATA")));

    assertThat(ProxyProtocol.decoder().decode(in)).isInstanceOf(ProxyDecodeResult.Decoded.class);
    assertThat(StandardCharsets.US_ASCII.decode(in).toString()).isEqualTo("DATA");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1111000c", "3111000c", "2211000c", "2f11000c"})
  void decode_v2BadVersionOrCommand_reported(String fixed) {
    byte[] wire = hex(SIG + fixed + "00".repeat(12));

    assertThat(malformed(wire).reason()).isEqualTo(ProxyDecodeResult.Reason.BAD_VERSION_OR_COMMAND);
  }

  @ParameterizedTest
  @ValueSource(strings = {"21410000", "21130000", "2111000b" + "0000000000000000000000", "21210010" + "00000000000000000000000000000000"})
  void decode_v2BadAddress_reported(String fixedAndRest) {
    assertThat(malformed(hex(SIG + fixedAndRest)).reason()).isEqualTo(ProxyDecodeResult.Reason.BAD_ADDRESS);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2111000e" + "000000000000000000000000" + "0100", // TLV header cut
      "21110010" + "000000000000000000000000" + "010005ff", // TLV value overruns
      "21110013" + "000000000000000000000000" + "030003ffffff" + "00", // CRC32C of 3 bytes
  })
  void decode_v2BadTlv_reported(String fixedAndRest) {
    assertThat(malformed(hex(SIG + fixedAndRest)).reason()).isEqualTo(ProxyDecodeResult.Reason.BAD_TLV);
  }

  @Test
  void decode_v2UniqueIdOver128Bytes_badTlv() {
    int length = 12 + 3 + 129;
    byte[] wire = hex(SIG + "2111" + String.format("%04x", length) + "00".repeat(12) + "050081" + "aa".repeat(129));

    assertThat(malformed(wire).reason()).isEqualTo(ProxyDecodeResult.Reason.BAD_TLV);
  }

  @Test
  void decode_v2OverCap_tooLongBeforeReadingTheRest() {
    ByteBuffer in = ByteBuffer.wrap(hex(SIG + "2111ffff"));

    ProxyDecodeResult result = ProxyProtocol.decoder(216).decode(in);

    assertThat(((ProxyDecodeResult.Malformed) result).reason()).isEqualTo(ProxyDecodeResult.Reason.TOO_LONG);
  }

  @Test
  void decode_afterResult_sameResultAndNothingRead() {
    ProxyHeaderDecoder decoder = ProxyProtocol.decoder();
    ProxyDecodeResult first = decoder.decode(ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n")));
    ByteBuffer more = ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n"));

    assertThat(decoder.decode(more)).isSameAs(first);
    assertThat(more.position()).isZero();
    assertThat(decoder.buffered()).isZero();
  }

  @Test
  void decode_messageQuotesInputEscaped() {
    ProxyDecodeResult.Malformed m = malformed(ascii("PROXY TCP4 \u0001x\r\n"));

    assertThat(m.message()).contains("'PROXY TCP4 \\x01x\\x0d\\x0a'");
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** Decodes {@code wire} whole and split at every index; all must agree and consume exactly the header. */
  static ProxyHeader decodeAll(byte[] wire) {
    ProxyDecodeResult whole = ProxyProtocol.decoder(0xFFFF).decode(ByteBuffer.wrap(wire));
    assertThat(whole).isInstanceOf(ProxyDecodeResult.Decoded.class);
    for (int split = 0; split <= wire.length; split++) {
      ProxyHeaderDecoder decoder = ProxyProtocol.decoder(0xFFFF);
      ProxyDecodeResult first = decoder.decode(ByteBuffer.wrap(wire, 0, split));
      ProxyDecodeResult last = first instanceof ProxyDecodeResult.NeedMore
          ? decoder.decode(ByteBuffer.wrap(wire, split, wire.length - split)) : first;
      assertThat(last).as("split at %d", split).isEqualTo(whole);
    }
    assertThat(((ProxyDecodeResult.Decoded) whole).length()).isEqualTo(wire.length);
    return ((ProxyDecodeResult.Decoded) whole).header();
  }

  static ProxyDecodeResult.Malformed malformed(byte[] wire) {
    ProxyDecodeResult whole = ProxyProtocol.decoder().decode(ByteBuffer.wrap(wire));
    assertThat(whole).isInstanceOf(ProxyDecodeResult.Malformed.class);
    ProxyHeaderDecoder bytewise = ProxyProtocol.decoder();
    ProxyDecodeResult r = new ProxyDecodeResult.NeedMore();
    for (int i = 0; i < wire.length && r instanceof ProxyDecodeResult.NeedMore; i++) {
      r = bytewise.decode(ByteBuffer.wrap(wire, i, 1));
    }
    assertThat(r).isEqualTo(whole);
    return (ProxyDecodeResult.Malformed) whole;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  static String hexOf(String s) {
    return HexFormat.of().formatHex(ascii(s));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
