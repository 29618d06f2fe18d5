package io.github.ftproute.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.proxy.ProxyDecodeResult;
import io.github.ftproute.codec.proxy.ProxyHeader;
import io.github.ftproute.codec.proxy.ProxyProtocol;
import io.github.ftproute.codec.proxy.ProxyVersion;
import io.github.ftproute.routing.affinity.Backend;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

final class FtpProbePreambleTest {
  @Test
  void preamble_v2Local_v1Unknown_noneEmpty() {
    assertThat(decode(FtpProbe.preamble(Backend.ProxyHeader.V2))).isEqualTo(ProxyHeader.local());
    assertThat(decode(FtpProbe.preamble(Backend.ProxyHeader.V1))).isEqualTo(ProxyHeader.unknown(ProxyVersion.V1));
    assertThat(FtpProbe.preamble(Backend.ProxyHeader.NONE)).isEmpty();
  }

  private static ProxyHeader decode(byte[] wire) {
    ProxyDecodeResult result = ProxyProtocol.decoder().decode(ByteBuffer.wrap(wire));
    assertThat(result).isInstanceOf(ProxyDecodeResult.Decoded.class);
    assertThat(((ProxyDecodeResult.Decoded) result).length()).isEqualTo(wire.length);
    return ((ProxyDecodeResult.Decoded) result).header();
  }
}
