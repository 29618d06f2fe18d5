package io.github.ftproute.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.google.common.net.InetAddresses;
import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.net.Inet6Address;
import java.net.InetAddress;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

final class ClientKeyTest {

  private static InetAddress ip(String literal) {
    return InetAddresses.forString(literal);
  }

  @Test
  void of_ipv4_keepsAllBits() {
    ClientKey key = ClientKey.of(ip("127.0.0.10"));

    assertThat(key.isIpv4()).isTrue();
    assertThat(key.ipv4Bits()).isEqualTo(0x7F00_000A);
    assertThat(key.prefixLength()).isEqualTo(32);
    assertThat(key).hasToString("127.0.0.10/32");
  }

  @Test
  void keyOf_ipv4Slash24_groupsSubnet() {
    PersistenceNetmask netmask = PersistenceNetmask.ofIpv4(24);

    ClientKey a = netmask.keyOf(ip("127.0.1.7"));
    ClientKey b = netmask.keyOf(ip("127.0.1.200"));
    ClientKey c = netmask.keyOf(ip("127.0.2.7"));

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
    assertThat(a).hasToString("127.0.1.0/24");
    assertThat(a.contains(ip("127.0.1.99"))).isTrue();
    assertThat(a.contains(ip("127.0.2.1"))).isFalse();
  }

  @Test
  void of_ipv4MappedIpv6_keysAsIpv4() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3};
    InetAddress asInet6 = Inet6Address.getByAddress(null, mapped, -1);
    assertThat(asInet6).isInstanceOf(Inet6Address.class);

    ClientKey key = ClientKey.of(asInet6);

    assertThat(key).isEqualTo(ClientKey.of(ip("10.1.2.3")));
    assertThat(key.isIpv4()).isTrue();
    assertThat(ClientKey.ofIpv6(0, 0xFFFF_0A01_0203L, 120))
        .isEqualTo(ClientKey.ofIpv4(0x0A01_0200, 24));
  }

  @Test
  void keyOf_ipv6Slash64_groupsPrefix() {
    PersistenceNetmask netmask = new PersistenceNetmask(32, 64);

    ClientKey a = netmask.keyOf(ip("2001:db8:1:2::1"));
    ClientKey b = netmask.keyOf(ip("2001:db8:1:2:ffff::9"));

    assertThat(a).isEqualTo(b);
    assertThat(a.isIpv4()).isFalse();
    assertThat(a.high()).isEqualTo(0x2001_0db8_0001_0002L);
    assertThat(a.low()).isZero();
    assertThat(a.networkAddress()).isEqualTo(ip("2001:db8:1:2::"));
    assertThat(a.contains(ip("2001:db8:1:3::1"))).isFalse();
    assertThat(a.contains(ip("10.0.0.1"))).isFalse();
  }

  @Test
  void ipv4Bits_ipv6Key_throws() {
    assertThatIllegalStateException()
        .isThrownBy(() -> ClientKey.of(ip("::1")).ipv4Bits())
        .withMessageContaining("not an IPv4 key");
  }

  @Test
  void factories_badPrefix_rejected() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ClientKey.ofIpv4(0, 33))
        .withMessage("prefixLength: 33 (expected: 0..32)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ClientKey.ofIpv6(0, 0, -1))
        .withMessage("prefixLength: -1 (expected: 0..128)");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new PersistenceNetmask(24, 129))
        .withMessage("ipv6PrefixLength: 129 (expected: 0..128)");
  }

  @Test
  void equals_familyBitsAndPrefix() {
    new EqualsTester()
        .addEqualityGroup(ClientKey.ofIpv4(0x0A00_0001, 24), ClientKey.ofIpv4(0x0A00_00FF, 24))
        .addEqualityGroup(ClientKey.ofIpv4(0x0A00_0000, 32))
        .addEqualityGroup(ClientKey.ofIpv4(0, 0))
        .addEqualityGroup(ClientKey.ofIpv6(0, 0, 0))
        .addEqualityGroup(ClientKey.ofIpv6(0, 0x0A00_0000L, 128))
        .testEquals();
  }

  @Test
  void nulls_rejected() {
    new NullPointerTester().setDefault(InetAddress.class, ip("10.0.0.1")).testAllPublicStaticMethods(ClientKey.class);
    new NullPointerTester().testAllPublicInstanceMethods(ClientKey.of(ip("10.0.0.1")));
    new NullPointerTester().testAllPublicInstanceMethods(PersistenceNetmask.NONE);
  }

  @Property
  void keyOf_anyIpv4_matchesShiftedPrefix(
      @ForAll int address, @ForAll @IntRange(min = 0, max = 32) int prefix) {
    ClientKey key = ClientKey.ofIpv4(address, prefix);
    long expected = prefix == 0 ? 0 : (address & 0xFFFF_FFFFL) >>> (32 - prefix) << (32 - prefix);

    assertThat(key.ipv4Bits() & 0xFFFF_FFFFL).isEqualTo(expected);
    assertThat(key.contains(key.networkAddress())).isTrue();
    assertThat(ClientKey.ofIpv4(key.ipv4Bits(), prefix)).isEqualTo(key);
  }

  @Property
  void keyOf_anyIpv6_containsItsAddress(
      @ForAll long high, @ForAll long low, @ForAll @IntRange(min = 0, max = 128) int prefix)
      throws Exception {
    ClientKey key = ClientKey.ofIpv6(high, low, prefix);
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    InetAddress address = InetAddress.getByAddress(bytes);

    Assume.that(!(high == 0 && (low >>> 32) == 0xFFFF)); // mapped addresses: tested above
    assertThat(new PersistenceNetmask(32, prefix).keyOf(address)).isEqualTo(key);
    assertThat(key.contains(key.networkAddress())).isTrue();
  }

  private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
    byte[] bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) a, (byte) b, (byte) c, (byte) d};
    return Inet6Address.getByAddress(null, bytes, -1);
  }

  @Test
  void unmapped_ipv4Mapped_returnsPlainIpv4_othersUnchanged() throws Exception {
    InetAddress v6 = ip("2001:db8::1");
    InetAddress compatible = Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 2, 3}, -1);
    InetAddress v4 = ip("10.1.2.3");

    assertThat(ClientKey.unmapped(mapped(10, 1, 2, 3))).isEqualTo(v4).isInstanceOf(java.net.Inet4Address.class);
    assertThat(ClientKey.unmapped(v4)).isSameAs(v4);
    assertThat(ClientKey.unmapped(v6)).isSameAs(v6);
    assertThat(ClientKey.unmapped(compatible)).isSameAs(compatible);
  }

  @Test
  void sameAddress_mappedAndPlain_same_differentHosts_not() throws Exception {
    assertThat(ClientKey.sameAddress(mapped(10, 1, 2, 3), ip("10.1.2.3"))).isTrue();
    assertThat(ClientKey.sameAddress(ip("10.1.2.3"), mapped(10, 1, 2, 3))).isTrue();
    assertThat(ClientKey.sameAddress(mapped(10, 1, 2, 3), mapped(10, 1, 2, 3))).isTrue();
    assertThat(ClientKey.sameAddress(ip("10.1.2.3"), ip("10.1.2.4"))).isFalse();
    assertThat(ClientKey.sameAddress(mapped(10, 1, 2, 4), ip("10.1.2.3"))).isFalse();
    assertThat(ClientKey.sameAddress(ip("2001:db8::1"), ip("2001:db8::1"))).isTrue();
    assertThat(ClientKey.sameAddress(ip("2001:db8::1"), ip("2001:db8::2"))).isFalse();
    assertThat(ClientKey.sameAddress(ip("::a01:203"), ip("10.1.2.3"))).isFalse();
  }

  @Property
  void peerBits_ipv4_equalExactlyForTheSameHost_mappedIncluded(@ForAll int a, @ForAll int b) throws Exception {
    InetAddress x = InetAddresses.fromInteger(a);
    InetAddress y = InetAddresses.fromInteger(b);
    InetAddress xMapped = mapped(a >>> 24, a >>> 16 & 0xFF, a >>> 8 & 0xFF, a & 0xFF);

    assertThat(ClientKey.peerBits(x) == ClientKey.peerBits(y)).isEqualTo(a == b);
    assertThat(ClientKey.peerBits(xMapped)).isEqualTo(ClientKey.peerBits(x)).isNotZero();
    assertThat(ClientKey.sameAddress(xMapped, y)).isEqualTo(a == b);
  }
}
