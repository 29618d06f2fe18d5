package io.github.ftproute.routing.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.common.net.InetAddresses;
import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import io.github.ftproute.routing.affinity.Backend;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

final class BackendTest {
  private static final InetSocketAddress ENDPOINT =
      new InetSocketAddress(InetAddresses.forString("10.0.0.1"), 21);

  @Test
  void of_defaultsToUpWeightOne() {
    Backend backend = Backend.of("ftp-1", ENDPOINT);

    assertThat(backend.weight()).isEqualTo(1);
    assertThat(backend.state()).isEqualTo(Backend.State.UP);
    assertThat(backend.acceptsNewClients()).isTrue();
    assertThat(backend.keepsClients()).isTrue();
    assertThat(Backend.of("ftp-1", "10.0.0.1", 21)).isEqualTo(backend);
    assertThat(Backend.of("v6", "2001:db8::7", 2121).endpoint().getAddress())
        .isEqualTo(InetAddresses.forString("2001:db8::7"));
  }

  @Test
  void with_derivesChangedCopies() {
    Backend backend = Backend.of("ftp-1", ENDPOINT);
    InetSocketAddress other = new InetSocketAddress(InetAddresses.forString("10.0.0.2"), 2121);

    assertThat(backend.withWeight(0).acceptsNewClients()).isFalse();
    assertThat(backend.withWeight(0).keepsClients()).isTrue();
    assertThat(backend.withState(Backend.State.DRAINING).acceptsNewClients()).isFalse();
    assertThat(backend.withState(Backend.State.DOWN).keepsClients()).isFalse();
    assertThat(backend.withEndpoint(other).endpoint()).isEqualTo(other);
    assertThat(backend.withWeight(65_535).weight()).isEqualTo(65_535);
  }

  @Test
  void constructor_badValues_throw() {
    assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("", ENDPOINT))
        .withMessage("id: '' (expected: 1..255 characters, no control characters)");
    assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("a\nb", ENDPOINT))
        .withMessage("id: 'a\\u000ab' (expected: 1..255 characters, no control characters)");
    assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("x".repeat(256), ENDPOINT));
    assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("a", ENDPOINT).withWeight(65_536))
        .withMessage("weight: 65536 (expected: 0..65535)");
    assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("a", ENDPOINT).withWeight(-1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Backend.of("a", InetSocketAddress.createUnresolved("ftp.example", 21)))
        .withMessageContaining("expected: a resolved address");
  }

  @Test
  void of_hostName_refusedWithoutDns() {
    assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("a", "ftp.example", 21))
        .withMessage("ipLiteral: 'ftp.example' (expected: an IPv4 or IPv6 literal)");
    assertThatIllegalArgumentException().isThrownBy(() -> Backend.of("a", "10.0.0.1", 65_536))
        .withMessage("port: 65536 (expected: 0..65535)");
  }

  @Test
  void equals_onAllComponents() {
    Backend backend = Backend.of("a", ENDPOINT);
    new EqualsTester()
        .addEqualityGroup(backend, Backend.of("a", "10.0.0.1", 21), new Backend("a", ENDPOINT, 1, Backend.State.UP))
        .addEqualityGroup(Backend.of("b", ENDPOINT))
        .addEqualityGroup(backend.withWeight(2))
        .addEqualityGroup(backend.withState(Backend.State.DRAINING))
        .addEqualityGroup(backend.withEndpoint(new InetSocketAddress(ENDPOINT.getAddress(), 22)))
        .addEqualityGroup(backend.withProxyHeader(Backend.ProxyHeader.V2),
            backend.withProxyHeader(Backend.ProxyHeader.V1).withProxyHeader(Backend.ProxyHeader.V2))
        .testEquals();
    assertThat(backend.withProxyHeader(Backend.ProxyHeader.V1).withWeight(5).withState(Backend.State.DRAINING)
        .proxyHeader()).isEqualTo(Backend.ProxyHeader.V1);
  }

  @Test
  void nulls_rejected() {
    NullPointerTester tester = new NullPointerTester()
        .setDefault(InetSocketAddress.class, ENDPOINT)
        .setDefault(String.class, "10.0.0.1");
    tester.testAllPublicStaticMethods(Backend.class);
    tester.testAllPublicConstructors(Backend.class);
    tester.testAllPublicInstanceMethods(Backend.of("a", ENDPOINT));
  }
}
