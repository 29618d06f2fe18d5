package io.github.ftproute.examples;

import io.github.ftproute.codec.DecodedCommand;
import io.github.ftproute.codec.DecodedReply;
import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a recorded FTP control conversation and prints what the codec sees in it: each command,
 * each reply, and how a proxy would rewrite the passive-mode replies.
 *
 * <p>{@code decode} with no file uses a conversation recorded from Pure-FTPd with curl.
 */
final class DecodeConversation {
  private DecodeConversation() {}

  static int run(List<String> args, PrintStream out) {
    byte[] clientBytes;
    byte[] serverBytes;
    if (args.isEmpty()) {
      clientBytes = resource("conversations/002.c2s");
      serverBytes = resource("conversations/002.s2c");
      out.println("Recorded conversation: curl --disable-epsv against Pure-FTPd 1.0.50");
    } else if (args.size() == 2) {
      clientBytes = read(Path.of(args.get(0)));
      serverBytes = read(Path.of(args.get(1)));
    } else {
      System.err.println("usage: decode [CLIENT_BYTES_FILE SERVER_BYTES_FILE]");
      return 2;
    }
    FtpCodec codec = FtpCodec.defaults();
    List<DecodedCommand> commands = new ArrayList<>(codec.newCommandDecoder().decode(clientBytes));
    List<DecodedReply> replies = new ArrayList<>(codec.newReplyDecoder().decode(serverBytes));

    out.println();
    out.println("client -> server (" + clientBytes.length + " bytes, " + commands.size() + " lines)");
    for (DecodedCommand command : commands) {
      out.println("  " + command);
    }
    out.println();
    out.println("server -> client (" + serverBytes.length + " bytes, " + replies.size() + " replies)");
    InetAddress proxy = InetAddress.getLoopbackAddress();
    for (DecodedReply decoded : replies) {
      out.println("  " + decoded);
      if (decoded instanceof FtpReply reply
          && PassiveReply.parse(reply) instanceof ParseResult.Ok<PassiveReply> passive) {
        FtpReply rewritten = passive.value().rewrite(proxy, 30000);
        out.println("    a proxy on " + proxy.getHostAddress() + " with data port 30000 sends: "
            + rewritten.code() + " " + rewritten.text());
      }
    }
    long bad = commands.stream().filter(c -> !(c instanceof FtpCommand)).count()
        + replies.stream().filter(r -> !(r instanceof FtpReply)).count();
    out.println();
    out.println(bad == 0 ? "every line decoded" : bad + " malformed lines");
    return 0;
  }

  private static byte[] resource(String name) {
    try (InputStream in = DecodeConversation.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
