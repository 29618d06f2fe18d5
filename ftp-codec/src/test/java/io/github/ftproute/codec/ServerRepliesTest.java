package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reply wording of servers that are not recorded in fixtures/ (see replies/README.md): banners,
 * FEAT and HELP lists, transfer replies and passive-mode variants, decoded whole and split at every
 * byte index.
 */
final class ServerRepliesTest {
  private static final FtpCodec CODEC = FtpCodec.defaults();

  @ParameterizedTest
  @ValueSource(strings = {"filezilla-server-0.9.60", "filezilla-server-1.8", "microsoft-iis-10",
      "serv-u-15", "passive-variants"})
  void sample_decodesWholeAndSplit_reencodesExactly(String server) {
    byte[] wire = Wire.resource("replies/" + server + ".s2c");

    List<DecodedReply> whole = Wire.replies(CODEC, wire);

    assertThat(whole).allMatch(FtpReply.class::isInstance);
    assertThat(Wire.encodeAll(whole)).isEqualTo(wire);
    for (int cut = 0; cut <= wire.length; cut++) {
      assertThat(Wire.repliesInChunks(CODEC, wire, new int[] {cut}, cut % 2 == 0)).isEqualTo(whole);
    }
    for (FtpReply reply : whole.stream().map(FtpReply.class::cast).toList()) {
      int code = reply.code().value();
      if (code >= 227 && code <= 229) {
        assertThat(PassiveReply.parse(reply).isOk()).as("%s", reply).isTrue();
      }
    }
  }

  @Test
  void banners_multiLineWithCodeHyphenLines() {
    FtpReply fileZilla = first("filezilla-server-0.9.60");
    FtpReply iis = first("microsoft-iis-10");

    assertThat(fileZilla.lineCount()).isEqualTo(3);
    assertThat(fileZilla.lines().get(1)).isEqualTo("written by Tim Kosse (tim.kosse@filezilla-project.org)");
    assertThat(iis.isMultiLine()).isFalse();
    assertThat(iis.text()).isEqualTo("Microsoft FTP Service");
  }

  @Test
  void iisTransfer_125IsPreliminaryThen226Final() {
    List<FtpReply> replies = Wire.replies(CODEC, Wire.resource("replies/microsoft-iis-10.s2c"))
        .stream().map(FtpReply.class::cast).toList();

    FtpReply started = replies.stream().filter(r -> r.code().value() == 125).findFirst().orElseThrow();
    assertThat(started.isFinal()).isFalse();
    assertThat(replies.stream().filter(r -> r.code().value() == 214).findFirst().orElseThrow().lineCount())
        .isEqualTo(15);
  }

  @Test
  void passiveVariants_allAnnounceTheSameEndpoint() {
    List<FtpReply> replies = Wire.replies(CODEC, Wire.resource("replies/passive-variants.s2c"))
        .stream().map(FtpReply.class::cast).toList();

    assertThat(replies).hasSize(11);
    for (FtpReply reply : replies) {
      PassiveReply parsed = ((ParseResult.Ok<PassiveReply>) PassiveReply.parse(reply)).value();
      assertThat(parsed.port()).as("%s", reply).isEqualTo(1025);
      parsed.address().ifPresent(a -> assertThat(a.getHostAddress()).isEqualTo("127.0.0.1"));
    }
  }

  private static FtpReply first(String server) {
    return (FtpReply) Wire.replies(CODEC, Wire.resource("replies/" + server + ".s2c")).get(0);
  }
}
