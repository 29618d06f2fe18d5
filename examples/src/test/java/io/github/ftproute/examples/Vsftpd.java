package io.github.ftproute.examples;

import io.github.ftproute.core.PortRange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real vsftpd 3 server for the integration tests: a child process with a generated configuration
 * in a temporary directory, listening on a loopback address, closed (killed, its files deleted)
 * after each test.
 *
 * <p>Anonymous login ({@code USER anonymous}, any password) into {@link #root()}; uploads go to
 * {@link #UPLOADS}. Passive and active mode are both on, with vsftpd's defaults
 * {@code pasv_promiscuous=NO} (a data connection must come from the control connection's peer
 * address) and {@code port_promiscuous=NO} (PORT must name that address), as users run it. The
 * exact configuration is {@link #config}.
 *
 * <p>Running as root in a sandbox needs {@code run_as_launching_user=YES} (no privilege separation
 * and no chroot), {@code seccomp_sandbox=NO} and {@code background=NO} (the test owns the process).
 * Without chroot, vsftpd shows real paths: tests use paths relative to the login directory.
 */
final class Vsftpd implements AutoCloseable {
  /** The upload directory under {@link #root()}, writable by anyone. */
  static final String UPLOADS = "up";

  private static final List<Path> BINARIES = List.of(Path.of("/usr/sbin/vsftpd"), Path.of("/usr/bin/vsftpd"),
      Path.of("/usr/local/sbin/vsftpd"));
  private static final long START_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Path dir;
  private final Path root;
  private final Process process;
  private final InetSocketAddress address;
  private final PortRange passivePorts;

  private Vsftpd(Path dir, Path root, Process process, InetSocketAddress address, PortRange passivePorts) {
    this.dir = dir;
    this.root = root;
    this.process = process;
    this.address = address;
    this.passivePorts = passivePorts;
  }

  /** Returns the vsftpd binary; fails the test with a clear message when it is not installed. */
  static Path binary() {
    return BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new AssertionError("vsftpd not installed: run scripts/test.sh, which installs it"));
  }

  /**
   * Starts vsftpd on {@code host} with {@code passivePortCount} passive ports and waits until it
   * answers 220. Its control port and passive ports are free ports below the ephemeral range; a start
   * that loses a port to another process is retried on others.
   */
  static Vsftpd start(String host, int passivePortCount) {
    Path binary = binary();
    Path dir = null;
    try {
      dir = Files.createTempDirectory("ftproute-vsftpd-");
      Path root = dir.resolve("root");
      Files.createDirectory(root);
      Path uploads = root.resolve(UPLOADS);
      Files.createDirectory(uploads);
      Files.setPosixFilePermissions(uploads, PosixFilePermissions.fromString("rwxrwxrwx"));
      String failures = "";
      for (int attempt = 1; attempt <= 5; attempt++) {
        PortRange ports = FreePorts.block(host, passivePortCount + 1);
        int controlPort = ports.lowest();
        PortRange passive = PortRange.parse((controlPort + 1) + "-" + ports.highest());
        Path conf = dir.resolve("vsftpd.conf");
        Files.writeString(conf, config(host, controlPort, passive, root), StandardCharsets.US_ASCII);
        Path log = dir.resolve("vsftpd-" + attempt + ".log");
        Process process = new ProcessBuilder(binary.toString(), conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), controlPort); // a literal
        Vsftpd server = new Vsftpd(dir, root, process, address, passive);
        if (server.awaitGreeting()) {
          return server;
        }
        server.kill();
        failures += "\n attempt " + attempt + " on " + host + ":" + controlPort + ": " + Files.readString(log).trim();
      }
      throw new IllegalStateException("vsftpd did not answer 220 within 10 s:" + failures);
    } catch (IOException e) {
      delete(dir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      delete(dir);
      throw e;
    }
  }

  /** The configuration that works as root in a sandbox, vsftpd 3.0.3. */
  static String config(String host, int port, PortRange passive, Path root) {
    return String.join("\n",
        "listen=YES",
        "listen_ipv6=NO",
        "listen_address=" + host,
        "listen_port=" + port,
        "background=NO",
        "run_as_launching_user=YES",
        "seccomp_sandbox=NO",
        "anonymous_enable=YES",
        "no_anon_password=NO",
        "local_enable=NO",
        "anon_root=" + root,
        "write_enable=YES",
        "anon_upload_enable=YES",
        "anon_umask=022",
        "anon_mkdir_write_enable=NO",
        "anon_other_write_enable=NO",
        "pasv_enable=YES",
        "pasv_min_port=" + passive.lowest(),
        "pasv_max_port=" + passive.highest(),
        "pasv_promiscuous=NO",
        "port_enable=YES",
        "port_promiscuous=NO",
        "connect_from_port_20=NO",
        "max_clients=0",
        "max_per_ip=0",
        "xferlog_enable=NO",
        "dual_log_enable=NO",
        "syslog_enable=NO",
        "vsftpd_log_file=/dev/null",
        "dirmessage_enable=NO",
        "tcp_wrappers=NO",
        "delay_failed_login=0",
        "idle_session_timeout=60",
        "data_connection_timeout=60",
        "accept_timeout=20",
        "connect_timeout=20",
        "");
  }

  private boolean awaitGreeting() throws IOException {
    long deadline = System.nanoTime() + START_DEADLINE_NANOS;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false; // a port was taken after all, or the configuration was refused: see the log
      }
      try (Socket probe = new Socket()) {
        probe.connect(address, 1000);
        probe.setSoTimeout(2000);
        BufferedReader in = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
        String line = in.readLine();
        if (line != null && line.startsWith("220 ")) {
          probe.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
          return true;
        }
      } catch (IOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /** Returns the control address. */
  InetSocketAddress address() {
    return address;
  }

  /** Returns the control address as {@code host:port}, for {@code --backend}. */
  String hostPort() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /** Returns vsftpd's passive port range. */
  PortRange passivePorts() {
    return passivePorts;
  }

  /** Returns the directory anonymous users log in to. */
  Path root() {
    return root;
  }

  /** Writes {@code content} to {@code name} under {@link #root()}. */
  void put(String name, byte[] content) throws IOException {
    Files.write(root.resolve(name), content);
  }

  /** Returns the listening process's id (vsftpd forks one more process per session). */
  long pid() {
    return process.pid();
  }

  /** Returns the session processes vsftpd has forked, one (or two) per open control connection. */
  List<ProcessHandle> sessionProcesses() {
    return process.descendants().toList();
  }

  /** Stops the listening process ({@code kill -STOP}): connections queue in its backlog, unanswered. */
  void suspend() {
    signal("-STOP", List.of(process.toHandle()));
  }

  /** Lets a suspended listener run again ({@code kill -CONT}). */
  void resume() {
    signal("-CONT", List.of(process.toHandle()));
  }

  /** Stops the given session processes ({@code kill -STOP}): their sessions fall silent. */
  void suspend(List<ProcessHandle> sessions) {
    signal("-STOP", sessions);
  }

  /** Lets suspended session processes run again ({@code kill -CONT}). */
  void resume(List<ProcessHandle> sessions) {
    signal("-CONT", sessions);
  }

  private static void signal(String signal, List<ProcessHandle> targets) {
    List<String> command = new java.util.ArrayList<>(List.of("kill", signal));
    targets.forEach(p -> command.add(Long.toString(p.pid())));
    try {
      Process kill = new ProcessBuilder(command).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        kill.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void kill() {
    List<ProcessHandle> children = process.descendants().toList();
    List<ProcessHandle> all = new java.util.ArrayList<>(children);
    all.add(process.toHandle());
    try {
      signal("-CONT", all.stream().filter(ProcessHandle::isAlive).toList()); // leave nothing stopped
    } catch (RuntimeException e) {
      // one exited meanwhile; SIGKILL below needs no CONT anyway
    }
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      for (ProcessHandle child : children) {
        child.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // an exited child is what we wanted; a stuck one is reported by the next start
    }
  }

  /** Kills vsftpd and every session process it forked, and deletes its directory. */
  @Override
  public void close() {
    kill();
    delete(dir);
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
