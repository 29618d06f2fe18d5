package io.github.ftproute.affinity.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server 7 for the tests: a child process on 127.0.0.1 and a free port, no persistence
 * ({@code --save '' --appendonly no}), started with a deadline, and killed by {@link #close()}.
 * {@link #kill()} and {@link #restart()} take the store away and bring it back on the same port,
 * empty; {@link #pause()} and {@link #resume()} make it slow (SIGSTOP, SIGCONT) without closing its
 * connections. {@link #connect()} opens Lettuce connections that fail fast while disconnected and
 * reconnect every 20 ms; all are closed with the server.
 */
final class RedisServer implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/bin/redis-server");
  private static final Duration START_DEADLINE = Duration.ofSeconds(10);

  private final int port;
  private Process process;
  private final ClientResources resources =
      ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(20))).ioThreadPoolSize(2)
          .computationThreadPoolSize(2).build();
  private final List<RedisClient> clients = new ArrayList<>();

  private RedisServer(int port) {
    this.port = port;
    this.process = launch(port);
  }

  /** Starts a server on a free port and waits until it answers PING. */
  static RedisServer start() {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError("redis-server not installed at " + BINARY + ": run scripts/test.sh, which installs it");
    }
    return new RedisServer(freePort());
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Opens a new connection (one per simulated proxy instance). */
  StatefulRedisConnection<String, String> connect() {
    RedisClient client = RedisClient.create(resources, RedisURI.create(uri()));
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .build());
    synchronized (clients) {
      clients.add(client);
    }
    return client.connect();
  }

  /** Sends one command with the inline protocol on a fresh socket and returns the raw reply. */
  String command(String... words) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      StringBuilder out = new StringBuilder("*").append(words.length).append("\r\n");
      for (String w : words) {
        out.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
      }
      OutputStream os = socket.getOutputStream();
      os.write(out.toString().getBytes(StandardCharsets.UTF_8));
      os.flush();
      return readReply(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns how many times the server ran {@code command} (lower case) since its start, from INFO commandstats. */
  long callsOf(String command) {
    for (String line : command("INFO", "commandstats").split("\r\n")) {
      if (line.startsWith("cmdstat_" + command + ":calls=")) {
        String rest = line.substring(("cmdstat_" + command + ":calls=").length());
        return Long.parseLong(rest.substring(0, rest.indexOf(',')));
      }
    }
    return 0;
  }

  /** SIGKILLs the server; its port is closed when this returns. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("redis-server did not die");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Starts the server again on the same port, empty. */
  void restart() {
    process = launch(port);
  }

  /** Stops the server process (SIGSTOP): connections stay open, nothing answers. */
  void pause() {
    signal("-STOP");
  }

  /** Lets a paused server go on (SIGCONT). */
  void resume() {
    signal("-CONT");
  }

  @Override
  public void close() {
    synchronized (clients) {
      for (RedisClient client : clients) {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
      clients.clear();
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
    if (process.isAlive()) {
      signal("-CONT");
      kill();
    }
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill " + signal + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Process launch(int port) {
    try {
      Process p = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--protected-mode", "no")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      long deadline = System.nanoTime() + START_DEADLINE.toNanos();
      while (true) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
          socket.setSoTimeout(2000);
          socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
          if (readReply(socket.getInputStream()).startsWith("+PONG")) {
            return p;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        if (!p.isAlive()) {
          throw new AssertionError("redis-server exited with " + p.exitValue() + " on port " + port);
        }
        if (System.nanoTime() - deadline > 0) {
          p.destroyForcibly();
          throw new AssertionError("redis-server did not answer PING within " + START_DEADLINE);
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one RESP reply (simple, error, integer or bulk string) as text. */
  private static String readReply(InputStream in) throws IOException {
    String first = readLine(in);
    if (first.startsWith("$")) {
      int length = Integer.parseInt(first.substring(1));
      if (length < 0) {
        return "$-1";
      }
      byte[] body = in.readNBytes(length + 2);
      return new String(body, 0, length, StandardCharsets.UTF_8);
    }
    return first;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    if (c < 0 && line.length() == 0) {
      throw new IOException("connection closed");
    }
    return line.toString();
  }
}
