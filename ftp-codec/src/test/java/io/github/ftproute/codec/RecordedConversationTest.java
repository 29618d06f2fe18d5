package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The control conversations recorded from real vsftpd, ProFTPD and Pure-FTPd servers with curl,
 * lftp and Python ftplib (src/test/resources/fixtures, see its README): decoded whole and split at
 * every byte index, and re-encoded byte for byte.
 */
final class RecordedConversationTest {
  private static final FtpCodec CODEC = FtpCodec.defaults();

  static Stream<String> sessions() {
    List<String> all = new ArrayList<>();
    for (String server : new String[] {"vsftpd-3.0.3", "proftpd-1.3.8", "pure-ftpd-1.0.50"}) {
      int count = server.startsWith("vsftpd") ? 8 : 9;
      for (int i = 1; i <= count; i++) {
        all.add(String.format("fixtures/%s/%03d", server, i));
      }
    }
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("sessions")
  void serverBytes_decodeToRepliesOnly_andReencodeExactly(String session) {
    byte[] wire = Wire.resource(session + ".s2c");

    List<DecodedReply> replies = Wire.replies(CODEC, wire);

    assertThat(replies).isNotEmpty().allMatch(FtpReply.class::isInstance);
    assertThat(Wire.encodeAll(replies)).isEqualTo(wire);
    assertThat(((FtpReply) replies.get(0)).code()).isEqualTo(ReplyCode.SERVICE_READY);
  }

  @ParameterizedTest
  @MethodSource("sessions")
  void serverBytes_everySplit_sameReplies(String session) {
    byte[] wire = Wire.resource(session + ".s2c");
    List<DecodedReply> whole = Wire.replies(CODEC, wire);

    for (int cut = 0; cut <= wire.length; cut++) {
      assertThat(Wire.repliesInChunks(CODEC, wire, new int[] {cut}, false)).as("cut %d", cut).isEqualTo(whole);
    }
    assertThat(Wire.repliesInChunks(CODEC, wire, everyIndex(wire.length), true)).isEqualTo(whole);
  }

  @ParameterizedTest
  @MethodSource("sessions")
  void clientBytes_everySplit_sameCommands(String session) {
    byte[] wire = Wire.resource(session + ".c2s");
    List<DecodedCommand> whole = Wire.commands(CODEC, wire);

    for (int cut = 0; cut <= wire.length; cut++) {
      assertThat(Wire.commandsInChunks(CODEC, wire, new int[] {cut}, false)).as("cut %d", cut).isEqualTo(whole);
    }
    assertThat(Wire.commandsInChunks(CODEC, wire, everyIndex(wire.length), true)).isEqualTo(whole);
  }

  @ParameterizedTest
  @MethodSource("sessions")
  void clientBytes_wellFormedSessions_reencodeExactly(String session) {
    byte[] wire = Wire.resource(session + ".c2s");
    List<DecodedCommand> commands = Wire.commands(CODEC, wire);
    if (session.endsWith("/008")) {
      return; // the bad-input and lost-urgent-byte sessions have their own tests below
    }

    assertThat(commands).allMatch(FtpCommand.class::isInstance);
    assertThat(Wire.encodeAll(commands)).isEqualTo(wire);
  }

  @org.junit.jupiter.api.Test
  void vsftpd008_aborWithLostUrgentLf_decodedAndRepaired() {
    byte[] wire = Wire.resource("fixtures/vsftpd-3.0.3/008.c2s");
    assertThat(wire[wire.length - 1]).isEqualTo((byte) '\r'); // "ABOR\r": the LF went out of band

    List<DecodedCommand> commands = Wire.commands(CODEC, wire);

    assertThat(commands).allMatch(FtpCommand.class::isInstance);
    assertThat(((FtpCommand) commands.get(commands.size() - 1)).verb()).isEqualTo(FtpVerb.ABOR);
    byte[] repaired = java.util.Arrays.copyOf(wire, wire.length + 1);
    repaired[wire.length] = '\n';
    assertThat(Wire.encodeAll(commands)).isEqualTo(repaired);
  }

  @org.junit.jupiter.api.Test
  void proftpd008_badInput_typedResultsAndTheSessionGoesOn() {
    byte[] wire = Wire.resource("fixtures/proftpd-1.3.8/008.c2s");

    List<DecodedCommand> out = Wire.commands(CODEC, wire);

    assertThat(out).hasSize(8);
    assertThat(((FtpCommand) out.get(2)).verb().isKnown()).isFalse(); // XYZZY foo bar
    assertThat(((Malformed) out.get(3)).kind()).isEqualTo(Malformation.NUL); // CWD pub<NUL>evil
    assertThat(((FtpCommand) out.get(4)).argument()).isEqualTo("127,0,0,1,300,1");
    assertThat(out.get(5)).isEqualTo(new LineTooLong(FtpCodec.DEFAULT_MAX_LINE_LENGTH)); // 5120-byte SIZE
    assertThat(out.subList(6, 8)).extracting(d -> ((FtpCommand) d).verb())
        .containsExactly(FtpVerb.NOOP, FtpVerb.QUIT);
  }

  @org.junit.jupiter.api.Test
  void pureFtpd008_badInput_sameFamiliesAsProftpd() {
    List<DecodedCommand> out = Wire.commands(CODEC, Wire.resource("fixtures/pure-ftpd-1.0.50/008.c2s"));

    assertThat(out).filteredOn(Malformed.class::isInstance).hasSize(1);
    assertThat(out).filteredOn(LineTooLong.class::isInstance).hasSize(1);
  }

  @org.junit.jupiter.api.Test
  void abortSessions_interruptFlagOnAbor() {
    for (String session : new String[] {"proftpd-1.3.8/009", "pure-ftpd-1.0.50/009"}) {
      List<DecodedCommand> out = Wire.commands(CODEC, Wire.resource("fixtures/" + session + ".c2s"));
      FtpCommand abor = out.stream().map(FtpCommand.class::cast)
          .filter(c -> c.verb().equals(FtpVerb.ABOR)).findFirst().orElseThrow();
      assertThat(abor.hasTelnetInterrupt()).as(session).isTrue();
    }
  }

  private static int[] everyIndex(int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return all;
  }
}
