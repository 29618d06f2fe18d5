package io.github.ftproute.routing;

import io.github.ftproute.core.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The router's FTP rules that every session applies, fixed when the router is built. Immutable.
 *
 * @param trustAnnouncedAddress whether passive data goes to the address a backend announces
 * @param replaceForeignActiveAddress whether a foreign PORT address is replaced rather than refused
 * @param minimumActivePort the lowest port a client may name in PORT, EPRT or LPRT
 * @param minimumPassivePort the lowest port a backend may announce in 227, 228 or 229
 * @param maxLeasesPerSession the most data setups one session may make per {@code leaseWindowNanos}
 * @param leaseWindowNanos the window of {@code maxLeasesPerSession}
 * @param advertisements per-listener advertised addresses, first match wins
 * @param advertisedDefault the advertised address of listeners without their own, or null for the
 *     address each client dialled
 * @param clientAdvertisements advertised addresses by client network, first match wins, before all others
 */
record SessionRules(
    boolean trustAnnouncedAddress,
    boolean replaceForeignActiveAddress,
    int minimumActivePort,
    int minimumPassivePort,
    int maxLeasesPerSession,
    long leaseWindowNanos,
    List<Advertisement> advertisements,
    @Nullable InetAddress advertisedDefault,
    List<ClientAdvertisement> clientAdvertisements) {

  SessionRules {
    advertisements = List.copyOf(advertisements);
    clientAdvertisements = List.copyOf(clientAdvertisements);
  }

  /**
   * Returns the address to announce in a passive reply to {@code client} connected to {@code local}
   * after dialling {@code dialled} (the PROXY header's destination behind an upstream tier, else the
   * local address): the first configured one for the client's network, else one for that listener
   * (each of the wanted family when {@code ipv4Only}), else the configured default, else {@code
   * dialled}. Null if {@code ipv4Only} and none is IPv4.
   */
  @Nullable InetAddress advertisedAddress(InetAddress client, InetSocketAddress local, InetAddress dialled,
      boolean ipv4Only) {
    for (ClientAdvertisement a : clientAdvertisements) {
      if (a.clients().contains(client) && (!ipv4Only || a.address().getAddress().length == 4)) {
        return a.address();
      }
    }
    for (Advertisement a : advertisements) {
      if (a.matches(local) && (!ipv4Only || a.address().getAddress().length == 4)) {
        return a.address();
      }
    }
    InetAddress fallback = advertisedDefault != null ? advertisedDefault : dialled;
    if (ipv4Only && fallback.getAddress().length != 4) {
      return null;
    }
    return fallback;
  }

  /** An advertised address for the clients of one network. */
  record ClientAdvertisement(Cidr clients, InetAddress address) {}

  /** An advertised address for the listeners on one local address (or any address) and port. */
  record Advertisement(@Nullable InetAddress listenerAddress, int listenerPort, InetAddress address) {
    boolean matches(InetSocketAddress local) {
      return local.getPort() == listenerPort
          && (listenerAddress == null || listenerAddress.equals(local.getAddress()));
    }
  }
}
