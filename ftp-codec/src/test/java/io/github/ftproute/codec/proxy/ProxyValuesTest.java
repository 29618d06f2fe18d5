package io.github.ftproute.codec.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Value hygiene of the PROXY codec's types, and the combinations a header refuses. */
final class ProxyValuesTest {
  private static final InetSocketAddress V4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
  private static final InetSocketAddress V6 = new InetSocketAddress(V1Format.ipv6("::1"), 2);

  @Test
  void tlv_equalityOnTypeAndBytes_valueCopied() {
    byte[] value = {1, 2};
    ProxyTlv tlv = ProxyTlv.of(5, value);
    value[0] = 9;
    tlv.value()[1] = 9;

    new EqualsTester()
        .addEqualityGroup(tlv, ProxyTlv.of(5, new byte[] {1, 2}))
        .addEqualityGroup(ProxyTlv.of(6, new byte[] {1, 2}))
        .addEqualityGroup(ProxyTlv.of(5, new byte[] {1}))
        .testEquals();
    assertThat(tlv.value()).containsExactly(1, 2);
  }

  @Test
  void header_refusesImpossibleCombinations() {
    assertThatThrownBy(() -> new ProxyHeader(ProxyVersion.V1, ProxyCommand.LOCAL, Optional.empty(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LOCAL");
    assertThatThrownBy(() -> ProxyHeader.unknown(ProxyVersion.V1).withTlv(ProxyTlv.of(1, new byte[0])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tlvs");
    assertThatThrownBy(() -> new ProxyHeader(ProxyVersion.V2, ProxyCommand.LOCAL,
        Optional.of(new ProxyAddresses(V4, V4)), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProxyAddresses(V4, V6)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same family");
    assertThatThrownBy(() -> ProxyTlv.of(256, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProxyProtocol.decoder(100)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encode_v2OverLength_refused() {
    ProxyHeader big = ProxyHeader.local().withTlv(ProxyTlv.of(0x30, new byte[0xFFFF]));

    assertThatThrownBy(() -> ProxyProtocol.encode(big)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publicApi_rejectsNulls() {
    NullPointerTester tester = new NullPointerTester().setDefault(InetSocketAddress.class, V4)
        .setDefault(ProxyTlv.class, ProxyTlv.of(1, new byte[0]));
    tester.testAllPublicStaticMethods(ProxyProtocol.class);
    tester.testAllPublicStaticMethods(ProxyHeader.class);
    tester.testAllPublicInstanceMethods(ProxyProtocol.decoder());
    tester.testAllPublicInstanceMethods(ProxyHeader.local());
  }
}
