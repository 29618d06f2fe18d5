package io.github.ftproute.routing.mina;

import io.github.ftproute.routing.affinity.Backend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving backend: a plain {@link ServerSocket} on 127.0.0.1 that runs a script on each
 * connection it accepts, one thread per connection. {@link #close()} closes the listener and every
 * connection and joins every thread.
 */
final class ScriptedBackend implements AutoCloseable {
  /** What the backend does with one accepted connection. */
  interface Script {
    void serve(Socket connection, InputStream in, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final Script script;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  private ScriptedBackend(ServerSocket server, Script script) {
    this.server = server;
    this.script = script;
    this.acceptor = new Thread(this::acceptLoop, "scripted-backend-" + server.getLocalPort());
    acceptor.setDaemon(true);
  }

  static ScriptedBackend start(Script script) throws IOException {
    ScriptedBackend backend = new ScriptedBackend(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), script);
    backend.acceptor.start();
    return backend;
  }

  /** Never says anything; reads until the peer leaves. */
  static final Script SILENT = (c, in, out) -> drain(in);

  /** Greets, then never answers. */
  static final Script GREETS_THEN_SILENT = (c, in, out) -> {
    send(out, "220 hello");
    drain(in);
  };

  /** Closes every connection at once. */
  static final Script CLOSES = (c, in, out) -> c.close();

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket connection;
      try {
        connection = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      connections.add(connection);
      Thread worker = new Thread(() -> {
        try (Socket c = connection) {
          c.setSoTimeout(30_000);
          script.serve(c, c.getInputStream(), c.getOutputStream());
        } catch (IOException e) {
          // the peer left, or the backend is closing
        }
      }, "scripted-backend-connection");
      worker.setDaemon(true);
      threads.add(worker);
      worker.start();
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  Backend backend(String id) {
    return Backend.of(id, address());
  }

  /** Returns how many connections were accepted so far. */
  int accepted() {
    return accepted.get();
  }

  static void send(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one CRLF-terminated line, without its end; null at end of input. */
  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      line.write(b);
    }
    return null;
  }

  static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[1024];
    while (in.read(buffer) >= 0) {
      // discard
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    acceptor.join(5_000);
    for (Socket connection : connections) {
      try {
        connection.close();
      } catch (IOException e) {
        // closed
      }
    }
    for (Thread thread : threads) {
      thread.join(5_000);
      if (thread.isAlive()) {
        throw new AssertionError("scripted backend thread did not end: " + thread);
      }
    }
  }
}
