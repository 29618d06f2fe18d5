package io.github.ftproute.codec;

import static io.github.ftproute.codec.Wire.bytes;
import static io.github.ftproute.codec.Wire.commands;
import static io.github.ftproute.codec.Wire.crlf;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class FtpCommandDecoderTest {
  private static final FtpCodec CODEC = FtpCodec.defaults();

  @Test
  void decode_pipelinedCommands_allInOrder() {
    List<DecodedCommand> out = commands(CODEC, crlf("USER anonymous", "PASS x@", "PASV", "RETR a b.txt"));

    assertThat(out).hasSize(4).allMatch(FtpCommand.class::isInstance);
    FtpCommand retr = (FtpCommand) out.get(3);
    assertThat(retr.verb()).isEqualTo(FtpVerb.RETR);
    assertThat(retr.argument()).isEqualTo("a b.txt");
    assertThat(((FtpCommand) out.get(2)).hasArgument()).isFalse();
  }

  @Test
  void decode_lowerCaseVerb_keepsSpellingOnTheWire() {
    FtpCommand command = (FtpCommand) commands(CODEC, crlf("retr x")).get(0);

    assertThat(command.verb()).isSameAs(FtpVerb.RETR);
    assertThat(command.verbText()).isEqualTo("retr");
    assertThat(FtpEncoder.encode(command)).isEqualTo(crlf("retr x"));
  }

  @Test
  void decode_trailingSpace_isAnEmptyOrSpacedArgument() {
    List<DecodedCommand> out = commands(CODEC, crlf("NOOP ", "PRET MLSD ", "CWD  two"));

    FtpCommand noop = (FtpCommand) out.get(0);
    assertThat(noop.hasArgument()).isTrue();
    assertThat(noop.argument()).isEmpty();
    assertThat(((FtpCommand) out.get(1)).argument()).isEqualTo("MLSD ");
    assertThat(((FtpCommand) out.get(2)).argument()).isEqualTo(" two");
    assertThat(Wire.encodeAll(out)).isEqualTo(crlf("NOOP ", "PRET MLSD ", "CWD  two"));
  }

  @Test
  void decode_latin1Pathname_bytesKeptAndCharsetConfigurable() {
    byte[] wire = bytes("RETR caf\u00e9.txt\r\n"); // é as one Latin-1 byte: not UTF-8

    FtpCommand utf8 = (FtpCommand) commands(CODEC, wire).get(0);
    FtpCommand latin1 = (FtpCommand) commands(
        FtpCodec.builder().charset(StandardCharsets.ISO_8859_1).build(), wire).get(0);

    assertThat(utf8.argumentBytes()).isEqualTo(bytes("caf\u00e9.txt"));
    assertThat(utf8.argument()).isEqualTo("caf\uFFFD.txt");
    assertThat(latin1.argument()).isEqualTo("café.txt");
    assertThat(FtpEncoder.encode(utf8)).isEqualTo(wire);
  }

  @Test
  void decode_iacIac_isOneFfByteAndReencodesDoubled() {
    byte[] wire = bytes("STOR a\u00ff\u00ffb\r\n");

    FtpCommand command = (FtpCommand) commands(CODEC, wire).get(0);

    assertThat(command.argumentBytes()).containsExactly('a', 0xFF, 'b');
    assertThat(command.hasTelnetInterrupt()).isFalse();
    assertThat(FtpEncoder.encode(command)).isEqualTo(wire);
  }

  @Test
  void decode_synchBeforeAbor_prefixKeptAndInterruptFlagged() {
    byte[] wire = bytes("\u00ff\u00f4\u00ff\u00f2ABOR\r\nNOOP\r\n"); // IAC IP IAC DM ABOR (lftp)

    List<DecodedCommand> out = commands(CODEC, wire);

    FtpCommand abor = (FtpCommand) out.get(0);
    assertThat(abor.verb()).isEqualTo(FtpVerb.ABOR);
    assertThat(abor.hasTelnetInterrupt()).isTrue();
    assertThat(abor.telnetPrefix()).containsExactly(0xFF, 0xF4, 0xFF, 0xF2);
    assertThat(((FtpCommand) out.get(1)).verb()).isEqualTo(FtpVerb.NOOP);
    assertThat(Wire.encodeAll(out)).isEqualTo(wire);
  }

  @Test
  void decode_synchWhoseDmWentOutOfBand_stillAbor() {
    byte[] wire = bytes("\u00ff\u00f4\u00ffABOR\r\n"); // IAC IP IAC, the urgent DM not in line

    FtpCommand abor = (FtpCommand) commands(CODEC, wire).get(0);

    assertThat(abor.verb()).isEqualTo(FtpVerb.ABOR);
    assertThat(abor.hasTelnetInterrupt()).isTrue();
    assertThat(FtpEncoder.encode(abor)).isEqualTo(wire);
  }

  @Test
  void decode_aborWhoseUrgentLfWasLost_endsAtCrAndNextCommandSurvives() {
    // Python ftplib sends "ABOR\r\n" with MSG_OOB: the LF is urgent and may not arrive in line.
    List<DecodedCommand> out = commands(CODEC, bytes("ABOR\rNOOP\r\n"));

    assertThat(out).extracting(d -> ((FtpCommand) d).verb()).containsExactly(FtpVerb.ABOR, FtpVerb.NOOP);
    assertThat(Wire.encodeAll(out)).isEqualTo(crlf("ABOR", "NOOP"));
  }

  @Test
  void decode_aborCrAtEndOfChunk_deliveredBeforeTheNextByteArrives() {
    FtpCommandDecoder decoder = CODEC.newCommandDecoder();
    List<DecodedCommand> out = new ArrayList<>();

    decoder.decode(ByteBuffer.wrap(bytes("abor\r")), out::add);
    assertThat(out).hasSize(1);
    decoder.decode(ByteBuffer.wrap(bytes("\nQUIT\r\n")), out::add);

    assertThat(out).extracting(d -> ((FtpCommand) d).verb()).containsExactly(FtpVerb.ABOR, FtpVerb.QUIT);
  }

  @Test
  void decode_telnetCommandInsideLine_droppedFromDataButWireKept() {
    byte[] wire = bytes("NO\u00ff\u00f1OP\r\n"); // IAC NOP in the middle

    FtpCommand command = (FtpCommand) commands(CODEC, wire).get(0);

    assertThat(command.verb()).isEqualTo(FtpVerb.NOOP);
    assertThat(FtpEncoder.encode(command)).isEqualTo(wire);
  }

  @Test
  void decode_optionNegotiation_threeBytesSkipped() {
    byte[] wire = bytes("\u00ff\u00fb\u0001USER a\r\n"); // IAC WILL ECHO

    FtpCommand command = (FtpCommand) commands(CODEC, wire).get(0);

    assertThat(command.verb()).isEqualTo(FtpVerb.USER);
    assertThat(command.telnetPrefix()).containsExactly(0xFF, 0xFB, 0x01);
    assertThat(FtpEncoder.encode(command)).isEqualTo(wire);
  }

  @Test
  void decode_lineAtTheLimit_accepted_oneOver_reportedAndSkipped() {
    FtpCodec codec = FtpCodec.builder().maxLineLength(32).build();
    String atLimit = "SIZE " + "a".repeat(27);
    String over = "SIZE " + "a".repeat(28);

    List<DecodedCommand> out = commands(codec, crlf(atLimit, over, "NOOP"));

    assertThat(out).hasSize(3);
    assertThat(((FtpCommand) out.get(0)).argument()).hasSize(27);
    assertThat(out.get(1)).isEqualTo(new LineTooLong(32));
    assertThat(((FtpCommand) out.get(2)).verb()).isEqualTo(FtpVerb.NOOP);
  }

  @Test
  void decode_megabyteLine_bufferNeverPassesLimitAndSessionGoesOn() {
    FtpCommandDecoder decoder = CODEC.newCommandDecoder();
    List<DecodedCommand> out = new ArrayList<>();
    byte[] chunk = bytes("A".repeat(8192));

    decoder.decode(ByteBuffer.wrap(bytes("SIZE ")), out::add);
    for (int i = 0; i < 128; i++) {
      decoder.decode(ByteBuffer.wrap(chunk), out::add);
      assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(FtpCodec.DEFAULT_MAX_LINE_LENGTH);
    }
    decoder.decode(ByteBuffer.wrap(crlf("", "NOOP")), out::add);

    assertThat(out).containsExactly(new LineTooLong(4096), FtpCommand.of(FtpVerb.NOOP));
  }

  @Test
  void decode_bareLf_rejectedByDefault_acceptedWhenLenient() {
    byte[] wire = bytes("USER a\nPASS b\r\n");

    List<DecodedCommand> strict = commands(CODEC, wire);
    List<DecodedCommand> lenient = commands(FtpCodec.builder().allowBareLf(true).build(), wire);

    assertThat(strict.get(0)).isInstanceOf(Malformed.class);
    assertThat(((Malformed) strict.get(0)).kind()).isEqualTo(Malformation.BARE_LF);
    assertThat(strict.get(1)).isInstanceOf(FtpCommand.class);
    assertThat(lenient).allMatch(FtpCommand.class::isInstance);
    assertThat(Wire.encodeAll(lenient)).isEqualTo(crlf("USER a", "PASS b")); // normalised to CRLF
  }

  @Test
  void finish_partialLine_reportedTruncated() {
    FtpCommandDecoder decoder = CODEC.newCommandDecoder();
    List<DecodedCommand> out = new ArrayList<>(decoder.decode(bytes("NOOP\r\nQUI")));
    assertThat(decoder.bufferedBytes()).isEqualTo(3);

    decoder.finish(out::add);

    assertThat(out).hasSize(2);
    assertThat(((Malformed) out.get(1)).kind()).isEqualTo(Malformation.TRUNCATED);
    assertThat(decoder.bufferedBytes()).isZero();
  }

  static Stream<Arguments> malformedLines() {
    return Stream.of(
        Arguments.of("\r\n", Malformation.EMPTY_LINE, "empty command line: ''"),
        Arguments.of("\u00ff\u00f4\r\n", Malformation.EMPTY_LINE, "empty command line: '\\xFF\\xF4'"),
        Arguments.of(" USER a\r\n", Malformation.BAD_VERB, "expected a verb of 1..16 letters or digits, then a space or the line end: ' USER a'"),
        Arguments.of("1USER\r\n", Malformation.BAD_VERB, "expected a verb of 1..16 letters or digits, then a space or the line end: '1USER'"),
        Arguments.of("USER\ta\r\n", Malformation.BAD_VERB, "expected a verb of 1..16 letters or digits, then a space or the line end: 'USER\\x09a'"),
        Arguments.of("{\"json\":1}\r\n", Malformation.BAD_VERB, "expected a verb of 1..16 letters or digits, then a space or the line end: '{\"json\":1}'"),
        Arguments.of("ABCDEFGHIJKLMNOPQ x\r\n", Malformation.BAD_VERB, "expected a verb of 1..16 letters or digits, then a space or the line end: 'ABCDEFGHIJKLMNOPQ x'"),
        Arguments.of("CWD pub\u0000evil\r\n", Malformation.NUL, "NUL in command line: 'CWD pub\\x00evil'"),
        Arguments.of("CWD a\rb\r\n", Malformation.BARE_CR, "CR without LF in command line: 'CWD a\\rb'"),
        Arguments.of("CWD a\r\r\n", Malformation.BARE_CR, "CR without LF in command line: 'CWD a\\r'"),
        Arguments.of("USER a\n", Malformation.BARE_LF, "line ended by LF without CR: 'USER a'"),
        Arguments.of("USER a", Malformation.TRUNCATED, "input ended inside a line: 'USER a'"));
  }

  @ParameterizedTest
  @MethodSource("malformedLines")
  void decode_malformedLine_typedResultWithMessage_nextLineDecoded(
      String line, Malformation kind, String message) {
    byte[] wire = line.endsWith("\n") ? bytes(line + "NOOP\r\n") : bytes(line);

    List<DecodedCommand> out = commands(CODEC, wire);

    assertThat(out.get(0)).isEqualTo(new Malformed(kind, message));
    if (line.endsWith("\n")) {
      assertThat(out).hasSize(2).last().isEqualTo(FtpCommand.of(FtpVerb.NOOP));
    }
  }

  @Test
  void decode_sameInputAnySplit_sameResults() {
    byte[] wire = bytes("USER a\r\n\u00ff\u00f4\u00ff\u00f2ABOR\r\nCWD x\u0000\r\nABOR\rSTOR \u00ff\u00ffz\r\n"
        + "X".repeat(5000) + "\r\nbad\nNOOP\r\nQU");
    List<DecodedCommand> whole = commands(CODEC, wire);

    for (int cut = 0; cut <= wire.length; cut++) {
      assertThat(Wire.commandsInChunks(CODEC, wire, new int[] {cut}, false)).as("cut %d", cut).isEqualTo(whole);
    }
    for (int[] cuts : new int[][] {range(wire.length)}) {
      assertThat(Wire.commandsInChunks(CODEC, wire, cuts, true)).isEqualTo(whole);
      assertThat(Wire.commandsInChunks(CODEC, wire, cuts, false)).isEqualTo(whole);
    }
  }

  private static int[] range(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return all;
  }
}
