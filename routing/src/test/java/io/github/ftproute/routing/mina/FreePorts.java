package io.github.ftproute.routing.mina;

import io.github.ftproute.core.PortRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Blocks of consecutive ports that bind on loopback now, below the Linux ephemeral range (32768+) so
 * outgoing connections do not take them meanwhile. A block is never handed out twice in one JVM, so a
 * proxy's range and a backend's passive range (both bound lazily) cannot overlap.
 */
final class FreePorts {
  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_000;
  private static final BitSet handedOut = new BitSet();

  private FreePorts() {}

  /** Returns {@code count} consecutive ports that bind on every one of {@code hosts} now. */
  static synchronized PortRange block(int count, String... hosts) {
    String[] on = hosts.length == 0 ? new String[] {"127.0.0.1"} : hosts;
    for (int attempt = 0; attempt < 500; attempt++) {
      int low = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST - count);
      if (handedOut.get(low, low + count).isEmpty() && allFree(on, low, count)) {
        handedOut.set(low, low + count);
        return PortRange.of(low, low + count - 1);
      }
    }
    throw new IllegalStateException("no free block of " + count + " ports");
  }

  /** Returns a port on 127.0.0.1 with nothing listening (bound once, then closed). */
  static int unused() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean allFree(String[] hosts, int low, int count) {
    for (String host : hosts) {
      for (int port = low; port < low + count; port++) {
        try (ServerSocket socket = new ServerSocket()) {
          socket.setReuseAddress(true);
          socket.bind(new InetSocketAddress(InetAddress.getByName(host), port)); // literals: no lookup
        } catch (IOException e) {
          return false;
        }
      }
    }
    return true;
  }
}
