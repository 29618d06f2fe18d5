package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.common.collect.ImmutableList;
import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class PortRangeTest {

  @Test
  void parse_intervalsAndSinglePorts_canonicalText() {
    PortRange range = PortRange.parse("40000-40999, 30200,30000-30100");

    assertThat(range).hasToString("30000-30100,30200,40000-40999");
    assertThat(range.size()).isEqualTo(101 + 1 + 1000);
    assertThat(range.lowest()).isEqualTo(30000);
    assertThat(range.highest()).isEqualTo(40999);
    assertThat(range.contains(30200)).isTrue();
    assertThat(range.contains(30101)).isFalse();
    assertThat(PortRange.parse(range.toString())).isEqualTo(range);
  }

  @Test
  void parse_adjacentIntervals_joined() {
    assertThat(PortRange.parse("1-5,6-9,10")).isEqualTo(PortRange.of(1, 10)).hasToString("1-10");
  }

  @Test
  void iterate_ascendingAndIndexable() {
    PortRange range = PortRange.parse("7,1-3,10-11");

    assertThat(ImmutableList.copyOf(range)).containsExactly(1, 2, 3, 7, 10, 11);
    for (int i = 0; i < range.size(); i++) {
      assertThat(range.indexOf(range.portAt(i))).isEqualTo(i);
    }
    assertThat(range.indexOf(4)).isEqualTo(-1);
    assertThat(range.indexOf(12)).isEqualTo(-1);
  }

  static Stream<Arguments> badRanges() {
    return Stream.of(
        Arguments.of("", "port range: '' (expected: ports or LOW-HIGH intervals, comma-separated)"),
        Arguments.of("0-10", "port: 0 in '0-10' (expected: 1..65535)"),
        Arguments.of("65536", "port: 65536 (expected: 1..65535)"),
        Arguments.of("100-50", "port range: '100-50' in '100-50' (expected: low <= high)"),
        Arguments.of("10-20,15-30", "port range: '10-20,15-30' (expected: no overlap, but 10-20 and 15-30 overlap)"),
        Arguments.of("10,10", "port range: '10,10' (expected: no overlap, but 10 and 10 overlap)"),
        Arguments.of("abc", "port: 'abc' in 'abc' (expected: a number from 1 to 65535)"),
        Arguments.of("10-", "port: '' in '10-' (expected: a number from 1 to 65535)"),
        Arguments.of("-10", "port: '-10' in '-10' (expected: a number from 1 to 65535)"),
        Arguments.of("1,,2", "port: '' in '1,,2' (expected: a number from 1 to 65535)"),
        Arguments.of("123456", "port: '123456' in '123456' (expected: a number from 1 to 65535)"),
        Arguments.of("+80", "port: '+80' in '+80' (expected: a number from 1 to 65535)"));
  }

  @ParameterizedTest
  @MethodSource("badRanges")
  void parse_bad_clearMessage(String text, String message) {
    assertThatIllegalArgumentException().isThrownBy(() -> PortRange.parse(text)).withMessage(message);
  }

  @Test
  void of_bad_clearMessage() {
    assertThatIllegalArgumentException().isThrownBy(() -> PortRange.of(20, 10))
        .withMessage("port range: 20-10 (expected: low <= high)");
    assertThatIllegalArgumentException().isThrownBy(() -> PortRange.of(0))
        .withMessage("port: 0 (expected: 1..65535)");
  }

  @Test
  void equality_onPorts() {
    new EqualsTester()
        .addEqualityGroup(PortRange.parse("1-3"), PortRange.parse("1,2,3"), PortRange.of(1, 3))
        .addEqualityGroup(PortRange.parse("1-3,5"))
        .addEqualityGroup(PortRange.of(65535))
        .testEquals();
    new NullPointerTester().testAllPublicStaticMethods(PortRange.class);
  }

  @Property
  void anyInterval_sizeIndexAndRoundTrip(
      @ForAll @IntRange(min = 1, max = 65535) int a, @ForAll @IntRange(min = 1, max = 65535) int b) {
    PortRange range = PortRange.of(Math.min(a, b), Math.max(a, b));

    assertThat(range.size()).isEqualTo(Math.abs(a - b) + 1);
    assertThat(PortRange.parse(range.toString())).isEqualTo(range);
    assertThat(range.portAt(range.size() - 1)).isEqualTo(Math.max(a, b));
  }
}
