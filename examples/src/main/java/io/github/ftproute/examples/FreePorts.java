package io.github.ftproute.examples;

import io.github.ftproute.core.PortRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a block of consecutive ports that can be bound on a loopback address right now, below the
 * Linux ephemeral range (32768+) so outgoing connections do not take them meanwhile. For the demo and
 * the tests, which start servers that need port ranges rather than one port 0.
 */
public final class FreePorts {
  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_000;

  private FreePorts() {}

  /** Returns {@code count} consecutive ports that bind on {@code host} now. */
  public static PortRange block(String host, int count) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host); // a literal: no lookup
    } catch (IOException e) {
      throw new IllegalArgumentException("host: " + host, e);
    }
    for (int attempt = 0; attempt < 200; attempt++) {
      int low = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST - count);
      if (allFree(address, low, count)) {
        return PortRange.parse(low + "-" + (low + count - 1));
      }
    }
    throw new IllegalStateException("no free block of " + count + " ports on " + host);
  }

  /** Returns whether every port of {@code range} binds on {@code host} now. */
  public static boolean isFree(String host, PortRange range) {
    try {
      return allFree(InetAddress.getByName(host), range.lowest(), range.size()); // a literal: no lookup
    } catch (IOException e) {
      throw new IllegalArgumentException("host: " + host, e);
    }
  }

  private static boolean allFree(InetAddress address, int low, int count) {
    for (int port = low; port < low + count; port++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
