package io.github.ftproute.examples;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.AffinityEntry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Two (or more) real Apache FtpServer backends on loopback and the ftproute proxy in front of them,
 * all on free ports; closed after each test.
 */
final class TestBed implements AutoCloseable {
  final List<BackendServer> backends = new ArrayList<>();
  final FtpProxy proxy;
  final PortRange proxyPorts;

  private TestBed(List<BackendServer> backends, FtpProxy proxy, PortRange proxyPorts) {
    this.backends.addAll(backends);
    this.proxy = proxy;
    this.proxyPorts = proxyPorts;
  }

  /** Rewrite mode: backends on 127.0.0.1 with their own passive ranges. */
  static TestBed rewrite(String... extraOptions) {
    return rewrite(100, extraOptions);
  }

  static TestBed rewrite(int proxyPortCount, String... extraOptions) {
    List<BackendServer> servers = new ArrayList<>();
    try {
      servers.add(BackendServer.start("backend-a", "127.0.0.1", FreePorts.block("127.0.0.1", 50).toString(), null));
      servers.add(BackendServer.start("backend-b", "127.0.0.1", FreePorts.block("127.0.0.1", 50).toString(), null));
      PortRange ports = FreePorts.block("127.0.0.1", proxyPortCount);
      return new TestBed(servers, FtpProxy.start(ProxyOptions.parse(options(servers, ports, "rewrite", extraOptions))), ports);
    } catch (RuntimeException e) {
      servers.forEach(BackendServer::close);
      throw e;
    }
  }

  /**
   * Persistence mode: backends on 127.0.0.2 and 127.0.0.3 share the proxy's passive range and
   * announce the proxy's address 127.0.0.1 in their 227 replies, as behind an IPVS director.
   */
  static TestBed persistence(String... extraOptions) {
    List<BackendServer> servers = new ArrayList<>();
    try {
      PortRange ports = sharedBlock(50);
      servers.add(BackendServer.start("backend-a", "127.0.0.2", ports.toString(), "127.0.0.1"));
      servers.add(BackendServer.start("backend-b", "127.0.0.3", ports.toString(), "127.0.0.1"));
      return new TestBed(servers,
          FtpProxy.start(ProxyOptions.parse(options(servers, ports, "persistence", extraOptions))), ports);
    } catch (RuntimeException e) {
      servers.forEach(BackendServer::close);
      throw e;
    }
  }

  private static PortRange sharedBlock(int count) {
    for (int attempt = 0; attempt < 50; attempt++) {
      PortRange candidate = FreePorts.block("127.0.0.1", count);
      if (FreePorts.isFree("127.0.0.2", candidate) && FreePorts.isFree("127.0.0.3", candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no port block free on 127.0.0.1, .2 and .3");
  }

  private static List<String> options(List<BackendServer> servers, PortRange ports, String mode, String... extra) {
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--passive-ports", ports.toString(),
        "--mode", mode));
    for (BackendServer server : servers) {
      args.add("--backend");
      args.add(server.address().getAddress().getHostAddress() + ":" + server.address().getPort());
    }
    args.addAll(List.of(extra));
    return args;
  }

  InetSocketAddress address() {
    return proxy.address();
  }

  BackendServer backend(String name) {
    return backends.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
  }

  /** Returns the live connection count of every affinity entry of the given client addresses. */
  Map<String, Integer> liveConnections(List<String> clients) {
    return clients.stream().collect(Collectors.toMap(Function.identity(), c -> proxy.router().affinityTable()
        .entry(proxy.router().persistenceNetmask().keyOf(ip(c))).map(AffinityEntry::liveConnections).orElse(0)));
  }

  static InetAddress ip(String literal) {
    return com.google.common.net.InetAddresses.forString(literal);
  }

  /** Waits until the proxy has no open sessions (the clients' QUIT reached it). */
  void awaitNoSessions() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (proxy.openSessions() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    proxy.close();
    backends.forEach(BackendServer::close);
  }
}
