package io.github.ftproute.examples;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point of the examples jar.
 *
 * <ul>
 *   <li>no arguments, or {@code decode [CLIENT_FILE SERVER_FILE]}: decode a recorded FTP control
 *       conversation and show what a proxy would rewrite.
 * </ul>
 */
public final class Main {
  private Main() {}

  /** Runs the command named by the first argument; exits with its status. */
  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args)));
  }

  static int run(List<String> args) {
    if (args.isEmpty()) {
      return DecodeConversation.run(List.of(), System.out);
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    if (command.equals("decode")) {
      return DecodeConversation.run(rest, System.out);
    }
    System.err.println("unknown command: " + command + " (expected: decode)");
    return 2;
  }
}
