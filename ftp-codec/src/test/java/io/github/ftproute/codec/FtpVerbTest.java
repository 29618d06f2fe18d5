package io.github.ftproute.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class FtpVerbTest {

  @Test
  void of_knownVerbAnyCase_returnsConstant() {
    assertThat(FtpVerb.of("epsv")).isSameAs(FtpVerb.EPSV);
    assertThat(FtpVerb.of("Retr")).isSameAs(FtpVerb.RETR);
    assertThat(FtpVerb.of("XCUP")).isSameAs(FtpVerb.XCUP);
    assertThat(FtpVerb.EPSV.isKnown()).isTrue();
  }

  @Test
  void of_unknownVerb_newValueInUpperCase() {
    FtpVerb verb = FtpVerb.of("xyzzy");

    assertThat(verb.name()).isEqualTo("XYZZY");
    assertThat(verb.isKnown()).isFalse();
    assertThat(verb).isEqualTo(FtpVerb.of("XYZZY")).hasToString("XYZZY");
  }

  @Test
  void of_turkishLocale_stillUpperCasesAscii() {
    java.util.Locale saved = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
      assertThat(FtpVerb.of("site")).isSameAs(FtpVerb.SITE); // 'i' must not become dotted capital I
      assertThat(FtpVerb.of("list")).isSameAs(FtpVerb.LIST);
    } finally {
      java.util.Locale.setDefault(saved);
    }
  }

  @Test
  void ofBytes_knownAndUnknown_matchStringLookup() {
    for (String name : new String[] {"user", "PASV", "MfMt", "ccc", "x", "XSHA256", "SITE2"}) {
      byte[] b = ("##" + name).getBytes(StandardCharsets.US_ASCII);
      assertThat(FtpVerb.of(b, 2, name.length())).isEqualTo(FtpVerb.of(name));
    }
    assertThat(FtpVerb.of("pret".getBytes(StandardCharsets.US_ASCII), 0, 4)).isSameAs(FtpVerb.PRET);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1ABC", "AB-C", "AB C", "ÄBC", "ABCDEFGHIJKLMNOPQ"})
  void of_invalidName_rejectedWithMessage(String name) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> FtpVerb.of(name))
        .withMessageStartingWith("verb: '")
        .withMessageEndingWith("(expected: 1..16 ASCII letters or digits, starting with a letter)");
  }

  @Test
  void equality_onUpperCaseName() {
    new EqualsTester()
        .addEqualityGroup(FtpVerb.USER, FtpVerb.of("user"))
        .addEqualityGroup(FtpVerb.of("FOO"), FtpVerb.of("foo"))
        .addEqualityGroup(FtpVerb.PASS)
        .testEquals();
    new NullPointerTester().testAllPublicStaticMethods(FtpVerb.class);
  }
}
