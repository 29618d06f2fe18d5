package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/** Properties of the codec over generated commands, replies, lines, chunkings and bytes. */
final class CodecProperties {
  private static final FtpCodec CODEC = FtpCodec.defaults();
  private static final FtpCodec SMALL = FtpCodec.builder().maxLineLength(64).maxReplyLength(256).build();

  // --- values survive encode then decode -------------------------------------------------------

  @Property
  void commands_decodeOfEncode_isIdentity(@ForAll("commands") List<FtpCommand> commands) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    commands.forEach(c -> wire.writeBytes(FtpEncoder.encode(c)));

    assertThat(Wire.commands(CODEC, wire.toByteArray())).isEqualTo(commands);
  }

  @Property
  void replies_decodeOfEncode_isIdentity(@ForAll("replies") List<FtpReply> replies) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    replies.forEach(r -> wire.writeBytes(FtpEncoder.encode(r)));

    assertThat(Wire.replies(CODEC, wire.toByteArray())).isEqualTo(replies);
  }

  // --- well-formed bytes survive decode then encode --------------------------------------------

  @Property
  void wellFormedCommandLines_encodeOfDecode_sameBytes(@ForAll("commandLines") List<byte[]> lines) {
    byte[] wire = join(lines);

    List<DecodedCommand> decoded = Wire.commands(CODEC, wire);

    assertThat(decoded).hasSize(lines.size()).allMatch(FtpCommand.class::isInstance);
    assertThat(Wire.encodeAll(decoded)).isEqualTo(wire);
  }

  @Property
  void wellFormedReplyBytes_encodeOfDecode_sameBytes(@ForAll("replies") List<FtpReply> replies,
      @ForAll("textBytes") byte[] spice) {
    // re-frame generated replies with arbitrary text bytes (0xFF escaped) in their last line
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (FtpReply reply : replies) {
      byte[] encoded = FtpEncoder.encode(reply);
      wire.write(encoded, 0, encoded.length - 2);
      wire.writeBytes(escape(spice));
      wire.writeBytes(new byte[] {'\r', '\n'});
    }
    byte[] bytes = wire.toByteArray();

    List<DecodedReply> decoded = Wire.replies(CODEC, bytes);

    assertThat(decoded).hasSize(replies.size()).allMatch(FtpReply.class::isInstance);
    assertThat(Wire.encodeAll(decoded)).isEqualTo(bytes);
  }

  // --- chunking never matters -----------------------------------------------------------------

  @Property
  void anyBytes_anyChunking_sameCommandsAsWhole(
      @ForAll("noisyWire") byte[] wire, @ForAll long seed, @ForAll boolean direct) {
    int[] cuts = Wire.randomCuts(wire.length, seed);

    assertThat(Wire.commandsInChunks(SMALL, wire, cuts, direct)).isEqualTo(Wire.commands(SMALL, wire));
  }

  @Property
  void anyBytes_anyChunking_sameRepliesAsWhole(
      @ForAll("noisyReplies") byte[] wire, @ForAll long seed, @ForAll boolean direct) {
    int[] cuts = Wire.randomCuts(wire.length, seed);

    assertThat(Wire.repliesInChunks(SMALL, wire, cuts, direct)).isEqualTo(Wire.replies(SMALL, wire));
  }

  // --- hostile input never throws and never grows the buffer past the limit --------------------

  @Property
  void arbitraryBytes_commandDecoderNeverThrows_bufferBounded(
      @ForAll @Size(max = 600) List<@Size(max = 200) byte[]> chunks) {
    FtpCommandDecoder decoder = SMALL.newCommandDecoder();
    List<DecodedCommand> out = new ArrayList<>();
    for (byte[] chunk : chunks) {
      decoder.decode(ByteBuffer.wrap(chunk), out::add);
      assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(64);
      assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(64);
    }
    decoder.finish(out::add);
    assertThat(out).doesNotContainNull();
  }

  @Property
  void arbitraryBytes_replyDecoderNeverThrows(@ForAll @Size(max = 400) List<@Size(max = 200) byte[]> chunks) {
    FtpReplyDecoder decoder = SMALL.newReplyDecoder();
    List<DecodedReply> out = new ArrayList<>();
    for (byte[] chunk : chunks) {
      decoder.decode(ByteBuffer.wrap(chunk), out::add);
    }
    decoder.finish(out::add);
    assertThat(decoder.isInsideReply()).isFalse();
  }

  // --- address arguments ------------------------------------------------------------------------

  @Property
  void port_everyIpv4AndPort_roundTrips(@ForAll int ip, @ForAll @IntRange(min = 1, max = 65535) int port)
      throws Exception {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(bigEndian(ip)), port);

    assertThat(AddressArguments.parsePort(AddressArguments.formatPort(address))).isEqualTo(new ParseResult.Ok<>(address));
    assertThat(AddressArguments.parseEprt(AddressArguments.formatEprt(address))).isEqualTo(new ParseResult.Ok<>(address));
    assertThat(AddressArguments.parseLprt(AddressArguments.formatLprt(address))).isEqualTo(new ParseResult.Ok<>(address));
  }

  @Property
  void ipv6_anyAddress_roundTripsThroughEprtAndLprt(
      @ForAll @Size(16) byte[] ip, @ForAll @IntRange(min = 1, max = 65535) int port) throws Exception {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(ip), port);

    assertThat(AddressArguments.parseEprt(AddressArguments.formatEprt(address))).isEqualTo(new ParseResult.Ok<>(address));
    assertThat(AddressArguments.parseLprt(AddressArguments.formatLprt(address))).isEqualTo(new ParseResult.Ok<>(address));
  }

  @Property
  void port_numberOutOfRange_rejected(@ForAll @Size(6) List<@IntRange(min = 0, max = 999) Integer> numbers) {
    String argument = String.join(",", numbers.stream().map(String::valueOf).toList());
    boolean valid = numbers.stream().allMatch(n -> n <= 255) && (numbers.get(4) > 0 || numbers.get(5) > 0);

    assertThat(AddressArguments.parsePort(argument).isOk()).isEqualTo(valid);
  }

  @Property
  void passiveReplies_rewriteThenParse_givesNewEndpoint(
      @ForAll int ip, @ForAll @IntRange(min = 1, max = 65535) int port,
      @ForAll @IntRange(min = 1, max = 65535) int announced) throws Exception {
    InetAddress address = InetAddress.getByAddress(bigEndian(ip));
    int p1 = announced >>> 8;
    int p2 = announced & 0xFF;
    for (FtpReply reply : List.of(
        FtpReply.of(227, "Entering Passive Mode (10,0,0,5," + p1 + "," + p2 + ")."),
        FtpReply.of(228, "Entering Long Passive Mode (4,4,10,0,0,5,2," + p1 + "," + p2 + ")"),
        FtpReply.of(229, "Entering Extended Passive Mode (|||" + announced + "|)"))) {
      PassiveReply parsed = ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(reply)).value();
      assertThat(parsed.port()).isEqualTo(announced);

      PassiveReply again = ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(parsed.rewrite(address, port))).value();

      assertThat(again.port()).isEqualTo(port);
      if (reply.code().value() != 229) {
        assertThat(again.address()).contains(address);
      }
      assertThat(again.reply().text()).startsWith(reply.text().substring(0, 20));
    }
  }

  // --- generators -------------------------------------------------------------------------------

  @Provide
  Arbitrary<List<FtpCommand>> commands() {
    Arbitrary<FtpVerb> verbs = Arbitraries.oneOf(
        Arbitraries.of(FtpVerb.USER, FtpVerb.PASS, FtpVerb.RETR, FtpVerb.STOR, FtpVerb.EPSV, FtpVerb.PORT,
            FtpVerb.ABOR, FtpVerb.SITE, FtpVerb.OPTS),
        Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(8).map(FtpVerb::of));
    Arbitrary<FtpCommand> withArgument = Combinators.combine(verbs, textBytes())
        .as((verb, argument) -> FtpCommand.of(verb, argument, StandardCharsets.UTF_8));
    Arbitrary<FtpCommand> bare = verbs.map(FtpCommand::of);
    return Arbitraries.oneOf(withArgument, bare).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<FtpReply>> replies() {
    Arbitrary<ReplyCode> codes = Arbitraries.integers().between(100, 699).map(ReplyCode::of);
    Arbitrary<String> text = Arbitraries.strings().ofMaxLength(30)
        .filter(s -> s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf('\0') < 0);
    Arbitrary<FtpReply> reply = Combinators.combine(codes, text.list().ofMinSize(1).ofMaxSize(5))
        .as((code, lines) -> {
          List<String> safe = new ArrayList<>(lines);
          for (int i = 1; i < safe.size() - 1; i++) {
            if (safe.get(i).startsWith(code.toString())) {
              safe.set(i, " " + safe.get(i)); // RFC 959: pad inner lines that start with the code
            }
          }
          return FtpReply.of(code, safe);
        });
    return reply.list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<byte[]> textBytes() {
    return Arbitraries.bytes().filter(b -> b != '\r' && b != '\n' && b != 0)
        .array(byte[].class).ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<byte[]>> commandLines() {
    Arbitrary<String> verb = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .ofMinLength(1).ofMaxLength(6);
    Arbitrary<byte[]> prefix = Arbitraries.of(new byte[0], new byte[] {-1, (byte) 0xF4, -1, (byte) 0xF2},
        new byte[] {-1, (byte) 0xF4});
    Arbitrary<byte[]> line = Combinators.combine(prefix, verb, textBytes(), Arbitraries.of(true, false))
        .as((p, v, argument, hasArgument) -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.writeBytes(p);
          out.writeBytes(v.getBytes(StandardCharsets.US_ASCII));
          if (hasArgument) {
            out.write(' ');
            out.writeBytes(escape(argument));
          }
          return out.toByteArray();
        });
    return line.list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<byte[]> noisyWire() {
    Arbitrary<byte[]> pieces = Arbitraries.oneOf(
        Arbitraries.of("USER a\r\n", "ABOR\r", "\r\n", "\n", "\r", "\u00ff\u00f4\u00ff\u00f2", "\u00ff\u00ff",
                "\u00ff", "\u0000", "NOOP", " ", "x".repeat(70), "\u00ff\u00fb").map(Wire::bytes),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(12));
    return pieces.list().ofMaxSize(30).map(CodecProperties::join0);
  }

  @Provide
  Arbitrary<byte[]> noisyReplies() {
    Arbitrary<byte[]> pieces = Arbitraries.oneOf(
        Arbitraries.of("211-a\r\n", "211 End\r\n", "211\r\n", "200 Ok\r\n", " inner\r\n", "\r\n", "\n",
            "\r", "\u00ff", "\u0000", "226-x\r\n", "y".repeat(100), "2x0 ").map(Wire::bytes),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(12));
    return pieces.list().ofMaxSize(40).map(CodecProperties::join0);
  }

  // --- the word-at-a-time digit search agrees with a byte loop --------------------------------

  @Property
  void firstDigit_isTheFirstDigitAtOrAfterFrom(
      @ForAll @Size(max = 40) byte[] text, @ForAll @IntRange(max = 41) int from) {
    int start = Math.min(from, text.length);
    int expected = start;
    while (expected < text.length && (text[expected] < '0' || text[expected] > '9')) {
      expected++;
    }

    assertThat(PassiveReply.firstDigit(text, start)).isEqualTo(expected);
  }

  @Property
  void passive227_foundWhereverItStands(
      @ForAll @CharRange(from = ' ', to = '~') @StringLength(max = 60) String before,
      @ForAll @IntRange(max = 255) int h1, @ForAll @IntRange(min = 1, max = 255) int p1,
      @ForAll @IntRange(max = 255) int p2) {
    // text without digits before the numbers, so the run given is the first
    String prefix = before.replaceAll("[0-9]", " ");
    FtpReply reply = FtpReply.of(227, prefix + "(" + h1 + ",0,0,7," + p1 + "," + p2 + ").");

    ParseResult<PassiveReply> parsed = PassiveReply.parse(reply);

    assertThat(parsed).isInstanceOf(ParseResult.Ok.class);
    PassiveReply ok = ((ParseResult.Ok<PassiveReply>) parsed).value();
    assertThat(ok.port()).isEqualTo(p1 << 8 | p2);
    assertThat(ok.address().orElseThrow().getAddress())
        .containsExactly((byte) h1, (byte) 0, (byte) 0, (byte) 7);
  }

  private static byte[] escape(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte b : data) {
      out.write(b);
      if (b == -1) {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  private static byte[] join(List<byte[]> lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      out.writeBytes(line);
      out.writeBytes(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }

  private static byte[] join0(List<byte[]> pieces) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    pieces.forEach(out::writeBytes);
    return out.toByteArray();
  }

  private static byte[] bigEndian(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
