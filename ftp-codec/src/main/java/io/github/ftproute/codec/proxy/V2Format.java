package io.github.ftproute.codec.proxy;

import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The version 2 header: 12-byte signature, version and command, family and transport, a big-endian
 * length, the address block and TLVs. A CRC32C TLV, when present, covers the whole header with its
 * own four bytes zero.
 */
final class V2Format {
  private static final int AF_UNSPEC = 0;
  private static final int AF_INET = 1;
  private static final int AF_INET6 = 2;
  private static final int AF_UNIX = 3;
  private static final int STREAM = 1;
  private static final int MAX_UNIQUE_ID = 128;

  private V2Format() {}

  /** Parses {@code h[0..total)}, a header whose fixed part says it is {@code total} bytes long. */
  static ProxyDecodeResult parse(byte[] h, int total) {
    int versionCommand = h[12] & 0xFF;
    int command = versionCommand & 0x0F;
    if (versionCommand >> 4 != 2 || command > 1) {
      return Faults.malformed(ProxyDecodeResult.Reason.BAD_VERSION_OR_COMMAND, "v2 version and command", h, 16);
    }
    int family = (h[13] & 0xFF) >> 4;
    int transport = h[13] & 0x0F;
    if (family > AF_UNIX || transport > 2) {
      return Faults.malformed(ProxyDecodeResult.Reason.BAD_ADDRESS, "v2 family and transport", h, 16);
    }
    int addressLength = switch (family) {
      case AF_INET -> 12;
      case AF_INET6 -> 36;
      case AF_UNIX -> 216;
      default -> 0;
    };
    int variable = total - ProxyProtocol.V2_FIXED_LENGTH;
    if (variable < addressLength) {
      return new ProxyDecodeResult.Malformed(ProxyDecodeResult.Reason.BAD_ADDRESS,
          "v2 address block: " + variable + " bytes (expected: at least " + addressLength + ")");
    }
    ProxyCommand cmd = command == 0 ? ProxyCommand.LOCAL : ProxyCommand.PROXY;
    Optional<ProxyAddresses> addresses = Optional.empty();
    if (cmd == ProxyCommand.PROXY && transport == STREAM && (family == AF_INET || family == AF_INET6)) {
      addresses = Optional.of(addresses(h, family == AF_INET ? 4 : 16));
    }
    List<ProxyTlv> tlvs = new ArrayList<>();
    int crcAt = -1;
    for (int at = ProxyProtocol.V2_FIXED_LENGTH + addressLength; at < total; ) {
      if (total - at < 3) {
        return new ProxyDecodeResult.Malformed(ProxyDecodeResult.Reason.BAD_TLV,
            "v2 TLV header: " + (total - at) + " bytes left (expected: 3 or more)");
      }
      int type = h[at] & 0xFF;
      int length = ((h[at + 1] & 0xFF) << 8) | (h[at + 2] & 0xFF);
      if (length > total - at - 3) {
        return new ProxyDecodeResult.Malformed(ProxyDecodeResult.Reason.BAD_TLV,
            "v2 TLV 0x" + Integer.toHexString(type) + " length: " + length + " (expected: at most "
                + (total - at - 3) + ")");
      }
      if ((type == ProxyTlv.UNIQUE_ID && length > MAX_UNIQUE_ID) || (type == ProxyTlv.CRC32C && length != 4)) {
        return new ProxyDecodeResult.Malformed(ProxyDecodeResult.Reason.BAD_TLV,
            "v2 TLV 0x" + Integer.toHexString(type) + " length: " + length
                + (type == ProxyTlv.CRC32C ? " (expected: 4)" : " (expected: at most 128)"));
      }
      if (type == ProxyTlv.CRC32C && crcAt < 0) {
        crcAt = at + 3;
      }
      byte[] value = new byte[length];
      System.arraycopy(h, at + 3, value, 0, length);
      tlvs.add(ProxyTlv.wrap(type, value));
      at += 3 + length;
    }
    if (crcAt >= 0) {
      int announced = readInt(h, crcAt);
      int actual = checksum(h, total, crcAt);
      if (announced != actual) {
        return new ProxyDecodeResult.Malformed(ProxyDecodeResult.Reason.BAD_CHECKSUM,
            String.format("v2 CRC32C: 0x%08x (expected: 0x%08x)", announced, actual));
      }
    }
    return new ProxyDecodeResult.Decoded(new ProxyHeader(ProxyVersion.V2, cmd, addresses, tlvs), total);
  }

  private static ProxyAddresses addresses(byte[] h, int size) {
    int at = ProxyProtocol.V2_FIXED_LENGTH;
    InetAddress source = address(h, at, size);
    InetAddress destination = address(h, at + size, size);
    int sourcePort = ((h[at + 2 * size] & 0xFF) << 8) | (h[at + 2 * size + 1] & 0xFF);
    int destinationPort = ((h[at + 2 * size + 2] & 0xFF) << 8) | (h[at + 2 * size + 3] & 0xFF);
    return new ProxyAddresses(new InetSocketAddress(source, sourcePort),
        new InetSocketAddress(destination, destinationPort));
  }

  private static InetAddress address(byte[] h, int at, int size) {
    byte[] bytes = new byte[size];
    System.arraycopy(h, at, bytes, 0, size);
    try {
      // an IPv6 address stays IPv6 even when IPv4-mapped, so both addresses keep the header's family
      return size == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
    }
  }

  private static int readInt(byte[] h, int at) {
    return ((h[at] & 0xFF) << 24) | ((h[at + 1] & 0xFF) << 16) | ((h[at + 2] & 0xFF) << 8) | (h[at + 3] & 0xFF);
  }

  /** The CRC32C of {@code h[0..total)} with the four bytes at {@code crcAt} taken as zero. */
  private static int checksum(byte[] h, int total, int crcAt) {
    CRC32C crc = new CRC32C();
    crc.update(h, 0, crcAt);
    crc.update(new byte[4], 0, 4);
    crc.update(h, crcAt + 4, total - crcAt - 4);
    return (int) crc.getValue();
  }

  static byte[] encode(ProxyHeader header) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes(ProxyProtocol.V2_SIGNATURE);
    out.write(header.command() == ProxyCommand.LOCAL ? 0x20 : 0x21);
    int variable = 0;
    if (header.addresses().isEmpty()) {
      out.write(0x00);
    } else {
      boolean v6 = header.addresses().get().isIpv6();
      out.write(v6 ? 0x21 : 0x11);
      variable = v6 ? 36 : 12;
    }
    for (ProxyTlv t : header.tlvs()) {
      variable += 3 + t.length();
    }
    if (variable > 0xFFFF) {
      throw new IllegalArgumentException("header: " + variable + " bytes of addresses and TLVs (expected: at most 65535)");
    }
    out.write(variable >> 8);
    out.write(variable);
    header.addresses().ifPresent(a -> {
      out.writeBytes(a.source().getAddress().getAddress());
      out.writeBytes(a.destination().getAddress().getAddress());
      out.write(a.source().getPort() >> 8);
      out.write(a.source().getPort());
      out.write(a.destination().getPort() >> 8);
      out.write(a.destination().getPort());
    });
    int crcAt = -1;
    for (ProxyTlv t : header.tlvs()) {
      out.write(t.type());
      out.write(t.length() >> 8);
      out.write(t.length());
      if (t.type() == ProxyTlv.CRC32C && t.length() == 4 && crcAt < 0) {
        crcAt = out.size();
        out.writeBytes(new byte[4]);
      } else {
        out.writeBytes(t.raw());
      }
    }
    byte[] bytes = out.toByteArray();
    if (crcAt >= 0) {
      int crc = checksum(bytes, bytes.length, crcAt);
      bytes[crcAt] = (byte) (crc >>> 24);
      bytes[crcAt + 1] = (byte) (crc >>> 16);
      bytes[crcAt + 2] = (byte) (crc >>> 8);
      bytes[crcAt + 3] = (byte) crc;
    }
    return bytes;
  }
}
