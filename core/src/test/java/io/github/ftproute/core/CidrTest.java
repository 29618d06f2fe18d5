package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import com.google.common.testing.EqualsTester;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class CidrTest {
  @ParameterizedTest
  @CsvSource({
      "10.0.0.0/8, 10.255.1.2, true",
      "10.0.0.0/8, 11.0.0.1, false",
      "10.0.0.0/8, ::ffff:10.1.1.1, true",
      "127.0.0.10, 127.0.0.10, true",
      "127.0.0.10, 127.0.0.11, false",
      "0.0.0.0/0, 192.0.2.1, true",
      "0.0.0.0/0, 2001:db8::1, false",
      "2001:db8::/32, 2001:db8:ffff::1, true",
      "2001:db8::/32, 2001:db9::1, false",
      "::/0, ::1, true",
      "::ffff:10.0.0.0/104, 10.9.9.9, true",
      "::ffff:10.0.0.0/104, 11.0.0.1, false",
      "10.1.2.3/8, 10.200.0.1, true"})
  void contains_table(String block, String address, boolean expected) {
    assertThat(Cidr.parse(block).contains(InetAddresses.forString(address))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "::/129",
      "example.com/8", "localhost", "10.0.0/8", "::ffff:10.0.0.0/95", "fe80::1%eth0/64", "10.0.0.0/0008"})
  void parse_bad_throwsIae(String text) {
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cidr: '" + text + "'");
  }

  @Test
  void toString_networkAndPrefix_parsesBack() {
    assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
    assertThat(Cidr.parse("2001:db8::7/32")).hasToString("2001:db8::/32");
    assertThat(Cidr.parse("::ffff:10.0.0.0/104")).hasToString("10.0.0.0/8");
    assertThat(Cidr.parse("127.0.0.1")).hasToString("127.0.0.1/32");
    assertThat(Cidr.parse(Cidr.parse("2001:db8::/48").toString())).isEqualTo(Cidr.parse("2001:db8::/48"));
  }

  @Test
  void equality_byNetworkAndPrefix() {
    new EqualsTester()
        .addEqualityGroup(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.9.9.9/8"), Cidr.of(InetAddresses.forString("10.1.1.1"), 8))
        .addEqualityGroup(Cidr.parse("10.0.0.0/16"))
        .addEqualityGroup(Cidr.parse("::/8"))
        .testEquals();
  }

  @Test
  void anyContains_list() {
    InetAddress a = InetAddresses.forString("127.0.0.10");

    assertThat(Cidr.anyContains(java.util.List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.0/8")), a)).isTrue();
    assertThat(Cidr.anyContains(java.util.List.of(Cidr.parse("10.0.0.0/8")), a)).isFalse();
    assertThat(Cidr.parse("127.0.0.0/8").isIpv4()).isTrue();
    assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
  }
}
