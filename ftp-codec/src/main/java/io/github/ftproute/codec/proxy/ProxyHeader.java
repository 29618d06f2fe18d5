package io.github.ftproute.codec.proxy;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A decoded (or to be encoded) PROXY protocol header. Immutable.
 *
 * <p>A {@link ProxyCommand#PROXY} header with no addresses is the {@code UNKNOWN} (v1) or {@code
 * AF_UNSPEC} (v2) form, also what a v2 header of a family this codec does not carry (UDP, UNIX)
 * decodes to: the receiver then uses the connection's own addresses. A {@link ProxyCommand#LOCAL}
 * header never carries addresses (the decoder drops them, as the specification says receivers must).
 *
 * @param version the header's version
 * @param command LOCAL or PROXY; LOCAL exists in version 2 only
 * @param addresses the client's and the dialled address, or empty for UNKNOWN/UNSPEC and LOCAL
 * @param tlvs version 2 TLVs in wire order (empty in version 1)
 */
public record ProxyHeader(ProxyVersion version, ProxyCommand command, Optional<ProxyAddresses> addresses,
    List<ProxyTlv> tlvs) {
  /** Checks the combination: v1 has no LOCAL and no TLVs, LOCAL has no addresses. */
  public ProxyHeader {
    requireNonNull(version, "version");
    requireNonNull(command, "command");
    requireNonNull(addresses, "addresses");
    tlvs = List.copyOf(tlvs);
    if (version == ProxyVersion.V1 && command == ProxyCommand.LOCAL) {
      throw new IllegalArgumentException("command: LOCAL (expected: PROXY in version 1)");
    }
    if (version == ProxyVersion.V1 && !tlvs.isEmpty()) {
      throw new IllegalArgumentException("tlvs: " + tlvs.size() + " (expected: none in version 1)");
    }
    if (command == ProxyCommand.LOCAL && addresses.isPresent()) {
      throw new IllegalArgumentException("addresses: " + addresses.get() + " (expected: none with LOCAL)");
    }
  }

  /** Returns a PROXY header of {@code version} for a client at {@code source} that dialled {@code destination}. */
  public static ProxyHeader proxy(ProxyVersion version, InetSocketAddress source, InetSocketAddress destination) {
    return new ProxyHeader(version, ProxyCommand.PROXY, Optional.of(new ProxyAddresses(source, destination)),
        List.of());
  }

  /** Returns a PROXY header without addresses: {@code PROXY UNKNOWN} in v1, {@code AF_UNSPEC} in v2. */
  public static ProxyHeader unknown(ProxyVersion version) {
    return new ProxyHeader(version, ProxyCommand.PROXY, Optional.empty(), List.of());
  }

  /** Returns the version 2 LOCAL header a health check sends. */
  public static ProxyHeader local() {
    return new ProxyHeader(ProxyVersion.V2, ProxyCommand.LOCAL, Optional.empty(), List.of());
  }

  /** Returns this header with {@code tlv} appended (version 2 only). */
  public ProxyHeader withTlv(ProxyTlv tlv) {
    requireNonNull(tlv, "tlv");
    List<ProxyTlv> more = new ArrayList<>(tlvs);
    more.add(tlv);
    return new ProxyHeader(version, command, addresses, more);
  }

  /** Returns the client's address, if the header carries addresses. */
  public Optional<InetSocketAddress> source() {
    return addresses.map(ProxyAddresses::source);
  }

  /** Returns the address the client dialled, if the header carries addresses. */
  public Optional<InetSocketAddress> destination() {
    return addresses.map(ProxyAddresses::destination);
  }

  /** Returns the first TLV of {@code type}. */
  public Optional<ProxyTlv> tlv(int type) {
    for (ProxyTlv t : tlvs) {
      if (t.type() == type) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Returns the ALPN TLV as US-ASCII text. */
  public Optional<String> alpn() {
    return tlv(ProxyTlv.ALPN).map(t -> new String(t.raw(), StandardCharsets.US_ASCII));
  }

  /** Returns the authority TLV (the host name the client asked for) as UTF-8 text. */
  public Optional<String> authority() {
    return tlv(ProxyTlv.AUTHORITY).map(t -> new String(t.raw(), StandardCharsets.UTF_8));
  }

  /** Returns the unique-ID TLV's bytes (a copy). */
  public Optional<byte[]> uniqueId() {
    return tlv(ProxyTlv.UNIQUE_ID).map(ProxyTlv::value);
  }
}
