package io.github.ftproute.routing.mina;

import io.github.ftproute.codec.proxy.ProxyDecodeResult;
import io.github.ftproute.codec.proxy.ProxyHeader;
import io.github.ftproute.codec.proxy.ProxyProtocol;
import io.github.ftproute.codec.proxy.ProxyVersion;
import io.github.ftproute.routing.affinity.Backend;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.apache.mina.core.buffer.IoBuffer;

/** The PROXY protocol on the transport's control connections: the header a backend gets, and the sniff for one. */
final class BackendHeaders {
  private BackendHeaders() {}

  /**
   * Returns the header to send first to a backend that expects {@code mode}, for a client at {@code
   * client} that dialled {@code dialled}; empty for {@link Backend.ProxyHeader#NONE}. Addresses of two
   * families (which one socket or one header cannot give) are sent as UNKNOWN.
   */
  static byte[] header(Backend.ProxyHeader mode, InetSocketAddress client, InetSocketAddress dialled) {
    if (mode == Backend.ProxyHeader.NONE) {
      return new byte[0];
    }
    ProxyVersion version = mode == Backend.ProxyHeader.V1 ? ProxyVersion.V1 : ProxyVersion.V2;
    boolean sameFamily = (client.getAddress() instanceof Inet6Address) == (dialled.getAddress() instanceof Inet6Address);
    return ProxyProtocol.encode(sameFamily ? ProxyHeader.proxy(version, client, dialled) : ProxyHeader.unknown(version));
  }

  /** Returns whether {@code buffer} starts like a PROXY header (v1 or v2); its position is untouched. */
  static boolean looksLikeProxyHeader(IoBuffer buffer) {
    ProxyDecodeResult result = ProxyProtocol.decoder().decode(buffer.buf().duplicate());
    return !(result instanceof ProxyDecodeResult.Malformed m && m.reason() == ProxyDecodeResult.Reason.NOT_PROXY);
  }
}
