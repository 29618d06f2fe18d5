package io.github.ftproute.routing.mina;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.affinity.Backend;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
 * A real Apache FtpServer backend on loopback (the routing module's own, as it cannot depend on the
 * examples): anonymous login with write access to a fresh home that holds {@code whoami.txt}, the
 * backend's name. Stopped and its home deleted on {@link #close()}.
 */
final class FtpServerBackend implements AutoCloseable {
  static final String WHOAMI = "whoami.txt";

  private final String name;
  private final Path home;
  private final FtpServer server;
  private final InetSocketAddress address;

  private FtpServerBackend(String name, Path home, FtpServer server, InetSocketAddress address) {
    this.name = name;
    this.home = home;
    this.server = server;
    this.address = address;
  }

  /** A backend on 127.0.0.1 with its own passive range. */
  static FtpServerBackend start(String name) {
    return start(name, "127.0.0.1", FreePorts.block(20), null);
  }

  /**
   * A backend on {@code host}, a free control port, passive ports {@code passivePorts}, announcing
   * {@code announced} (if not null) in its 227 replies.
   */
  static FtpServerBackend start(String name, String host, PortRange passivePorts, String announced) {
    Path home = null;
    try {
      home = Files.createTempDirectory("ftproute-it-" + name + "-");
      Files.writeString(home.resolve(WHOAMI), name + "\n", StandardCharsets.US_ASCII);
      FtpServerFactory factory = new FtpServerFactory();
      ListenerFactory listener = new ListenerFactory();
      listener.setServerAddress(host);
      listener.setPort(0);
      listener.setIdleTimeout(60);
      // Built directly: DataConnectionConfigurationFactory tests each passive port by binding it on
      // every address, which fails for ports the proxy holds on another loopback address.
      listener.setDataConnectionConfiguration(new DefaultDataConnectionConfiguration(300, null, true, false, host, 0,
          host, new PassivePorts(passivePorts.lowest() + "-" + passivePorts.highest(), false), announced, false,
          false));
      factory.addListener("default", listener.createListener());
      ConnectionConfigFactory connections = new ConnectionConfigFactory();
      connections.setAnonymousLoginEnabled(true);
      connections.setMaxLogins(1000);
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
      return new FtpServerBackend(name, home, server, new InetSocketAddress(host, port));
    } catch (IOException e) {
      delete(home);
      throw new UncheckedIOException(e);
    } catch (FtpException e) {
      delete(home);
      throw new IllegalStateException("backend " + name + " did not start", e);
    }
  }

  /** Writes {@code content} to {@code file} in the backend's home. */
  FtpServerBackend withFile(String file, InputStream content) {
    try (InputStream in = content) {
      Files.copy(in, home.resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  String name() {
    return name;
  }

  InetSocketAddress address() {
    return address;
  }

  Path home() {
    return home;
  }

  /** This server as a backend of the pool, UP, named after it. */
  Backend backend() {
    return Backend.of(name, address);
  }

  @Override
  public void close() {
    if (!server.isStopped()) {
      server.stop();
    }
    delete(home);
  }

  private static void delete(Path home) {
    if (home == null) {
      return;
    }
    try (var files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is not worth failing a test for
    }
  }
}
