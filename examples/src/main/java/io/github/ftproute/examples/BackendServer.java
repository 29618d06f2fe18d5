package io.github.ftproute.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.impl.DefaultDataConnectionConfiguration;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.impl.PassivePorts;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * An embedded Apache FtpServer used as a backend in the demo and the integration tests: anonymous
 * login with write access to a fresh home directory holding {@code whoami.txt}, a file that names the
 * backend, so a client can tell which backend served it.
 */
public final class BackendServer implements AutoCloseable {
  /** The file in every backend's home that holds the backend's name. */
  public static final String WHOAMI = "whoami.txt";
  /** A file of {@link #DATA_SIZE} bytes in every backend's home, the same on all: {@link #data()}. */
  public static final String DATA = "data.bin";
  /** The size of {@link #DATA}, in bytes. */
  public static final int DATA_SIZE = 1 << 20;

  private final String name;
  private final Path home;
  private final FtpServer server;
  private final InetSocketAddress address;

  private BackendServer(String name, Path home, FtpServer server, InetSocketAddress address) {
    this.name = name;
    this.home = home;
    this.server = server;
    this.address = address;
  }

  /**
   * Starts a backend on {@code host}, port 0 (a free port), with the given passive port range and, if
   * not null, the address it announces in 227 replies.
   */
  public static BackendServer start(String name, String host, String passivePorts, String announcedAddress) {
    try {
      Path home = Files.createTempDirectory("ftproute-" + name + "-");
      Files.writeString(home.resolve(WHOAMI), name + "\n", StandardCharsets.US_ASCII);
      Files.write(home.resolve(DATA), data());
      FtpServerFactory factory = new FtpServerFactory();
      ListenerFactory listener = new ListenerFactory();
      listener.setServerAddress(host);
      listener.setPort(0);
      listener.setIdleTimeout(60);
      // Built directly rather than through DataConnectionConfigurationFactory, whose passive ports
      // test each port by binding it on every address: that would take a port the proxy holds on
      // another loopback address (persistence mode) for a busy one.
      listener.setDataConnectionConfiguration(new DefaultDataConnectionConfiguration(
          300, null, true, false, host, 0, host, new PassivePorts(passivePorts, false), announcedAddress, false,
          false));
      factory.addListener("default", listener.createListener());
      ConnectionConfigFactory connections = new ConnectionConfigFactory();
      connections.setAnonymousLoginEnabled(true);
      connections.setMaxLogins(1000); // FtpServer allows 10 (anonymous) logins by default
      connections.setMaxAnonymousLogins(1000);
      factory.setConnectionConfig(connections.createConnectionConfig());
      BaseUser user = new BaseUser();
      user.setName("anonymous");
      user.setHomeDirectory(home.toString());
      user.setAuthorities(List.<Authority>of(new WritePermission()));
      factory.getUserManager().save(user);
      FtpServer server = factory.createServer();
      server.start();
      int port = ((DefaultFtpServer) server).getListener("default").getPort();
      return new BackendServer(name, home, server, new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (FtpException e) {
      throw new IllegalStateException("backend " + name + " did not start", e);
    }
  }

  /** Returns the content of {@link #DATA}. */
  public static byte[] data() {
    return FtpClients.content(42, DATA_SIZE);
  }

  /** Returns the backend's name, the content of its {@value #WHOAMI}. */
  public String name() {
    return name;
  }

  /** Returns the control address the backend listens on. */
  public InetSocketAddress address() {
    return address;
  }

  /** Returns the home directory clients see as {@code /}. */
  public Path home() {
    return home;
  }

  /** Returns whether the server is running. */
  public boolean isRunning() {
    return !server.isStopped();
  }

  /** Stops the server and deletes its home directory. */
  @Override
  public void close() {
    if (!server.isStopped()) {
      server.stop();
    }
    try (var files = Files.walk(home)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is not worth failing for
    }
  }
}
