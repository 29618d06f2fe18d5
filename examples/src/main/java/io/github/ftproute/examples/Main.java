package io.github.ftproute.examples;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Entry point of the examples jar.
 *
 * <ul>
 *   <li>no arguments: the demo (two embedded FTP servers, the proxy, clients on several addresses);
 *   <li>{@code proxy [options]}: only the proxy; {@code proxy --help} lists the options, and a bad
 *       option exits with status 2 after a one-line message on stderr;
 *   <li>{@code decode [CLIENT_FILE SERVER_FILE]}: decode a recorded control conversation.
 * </ul>
 */
public final class Main {
  private Main() {}

  /** Runs the command named by the first argument; exits with its status. */
  public static void main(String[] args) {
    int status = run(Arrays.asList(args));
    if (status >= 0) {
      System.exit(status);
    }
  }

  /** Returns the exit status, or -1 when a proxy was started and keeps running. */
  static int run(List<String> args) {
    if (args.isEmpty()) {
      // The demo prints its own table; the proxy's per-session log lines would only clutter it.
      if (System.getProperty("org.slf4j.simpleLogger.log.io.github.ftproute") == null) {
        System.setProperty("org.slf4j.simpleLogger.log.io.github.ftproute", "warn");
      }
      return Demo.run(System.out);
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    switch (command) {
      case "decode":
        return DecodeConversation.run(rest, System.out);
      case "proxy":
        return proxy(rest);
      case "--help":
      case "help":
        System.out.println("usage: java -jar ftproute-examples.jar [proxy [options] | decode [files]]");
        System.out.println("       (no arguments: run the demo)");
        return 0;
      default:
        System.err.println("ftproute: unknown command: " + command + " (expected: proxy or decode; none runs the demo)");
        return 2;
    }
  }

  /** Prints the usage text (0), reports a bad option in one line (2), or starts the proxy (-1). */
  private static int proxy(List<String> args) {
    Optional<ProxyOptions> options;
    try {
      options = ProxyCommand.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ftproute proxy: " + e.getMessage());
      return 2;
    }
    if (options.isEmpty()) {
      System.out.print(ProxyOptions.usage());
      System.out.flush();
      return 0;
    }
    FtpProxy proxy = FtpProxy.start(options.get());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(proxy, options.get().drainTimeout()),
        "ftproute-proxy-shutdown"));
    return -1; // MINA's I/O threads keep the JVM running until it is stopped
  }

  /** On SIGTERM: stop listening, let sessions finish for up to the drain timeout, then close. */
  private static void shutDown(FtpProxy proxy, java.time.Duration drainTimeout) {
    try {
      proxy.drain(drainTimeout).get(drainTimeout.toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // fall through to close
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxy.close();
  }
}
