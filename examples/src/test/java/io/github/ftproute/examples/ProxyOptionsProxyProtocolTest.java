package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import io.github.ftproute.core.Cidr;
import io.github.ftproute.routing.affinity.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of the PROXY protocol options: --proxy-protocol-from, --backend ...,proxy-protocol=, --advertise-for. */
final class ProxyOptionsProxyProtocolTest {
  @Test
  void parse_proxyProtocolFrom_commaListAndRepeatable() {
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--proxy-protocol-from",
        "10.0.0.0/8,192.0.2.1", "--proxy-protocol-from", "2001:db8::/32"));

    assertThat(options.proxyProtocolFrom()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.1/32"),
        Cidr.parse("2001:db8::/32"));
  }

  @Test
  void parse_proxyProtocolFrom_noFixedAdvertiseFromListen() {
    ProxyOptions plain = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--listen", "127.0.0.1:2121"));
    ProxyOptions behind = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--listen", "127.0.0.1:2121",
        "--proxy-protocol-from", "127.0.0.1"));

    assertThat(plain.advertise()).isEqualTo(InetAddresses.forString("127.0.0.1"));
    assertThat(behind.advertise()).isNull(); // the header's destination is announced
  }

  @Test
  void parse_backendProxyProtocol_v1v2AndWeightInAnyOrder() {
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21,proxy-protocol=v2,weight=3",
        "--backend", "10.0.0.6:21,proxy-protocol=v1", "--backend", "10.0.0.7:21"));

    assertThat(options.backends()).extracting(ProxyOptions.BackendOption::proxyProtocol)
        .containsExactly(Backend.ProxyHeader.V2, Backend.ProxyHeader.V1, Backend.ProxyHeader.NONE);
    assertThat(options.backends().get(0).weight()).isEqualTo(3);
  }

  @Test
  void parse_advertiseFor_cidrEqualsAddress() {
    ProxyOptions options = ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--advertise-for",
        "10.0.0.0/8=10.255.0.1", "--advertise-for", "0.0.0.0/0=203.0.113.9"));

    assertThat(options.advertiseFor()).containsExactly(
        new ProxyOptions.AdvertiseFor(Cidr.parse("10.0.0.0/8"), InetAddresses.forString("10.255.0.1")),
        new ProxyOptions.AdvertiseFor(Cidr.parse("0.0.0.0/0"), InetAddresses.forString("203.0.113.9")));
  }

  @Test
  void parse_badValues_oneLineNamingTheOption() {
    assertThatThrownBy(() -> ProxyOptions.parse(List.of("--backend", "10.0.0.5:21,proxy-protocol=v3")))
        .hasMessage("--backend proxy-protocol: v3 (expected: v1, v2 or none)");
    assertThatThrownBy(() -> ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--proxy-protocol-from", "lb")))
        .hasMessage("--proxy-protocol-from: lb (expected: an IPv4 or IPv6 block such as 10.0.0.0/8)");
    assertThatThrownBy(() -> ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--advertise-for", "10.0.0.0/8")))
        .hasMessage("--advertise-for: 10.0.0.0/8 (expected: CIDR=ADDRESS)");
    assertThatThrownBy(() -> ProxyOptions.parse(List.of("--backend", "10.0.0.5:21", "--advertise-for",
        "10.0.0.0/8=vip.example.com")))
        .hasMessage("--advertise-for: vip.example.com (expected: an IP address literal)");
  }

  @Test
  void usage_listsTheNewOptions() {
    assertThat(ProxyOptions.usage()).contains("--proxy-protocol-from CIDR", "CIDR[,CIDR...]", "--advertise-for CIDR=ADDRESS",
        "proxy-protocol=v1|v2");
  }
}
