package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend that accepts connections and never speaks: vsftpd stopped with {@code kill -STOP}, so
 * the kernel completes the TCP handshake from its listen backlog but no 220 ever comes. The proxy's
 * greeting deadline ({@code --backend-timeout 2}) answers the client with one 421 and closes, well
 * before the client's own 20 s read deadline.
 */
final class VsftpdSilentBackendTest {

  @Test
  void backendStopped_clientGetsOne421AndEndOfStream() throws Exception {
    try (Vsftpd vsftpd = Vsftpd.start("127.0.0.3", 2)) {
      List<String> args = List.of("--listen", "127.0.0.1:0", "--backend", vsftpd.hostPort(),
          "--passive-ports", FreePorts.block("127.0.0.1", 4).toString(), "--backend-timeout", "2");
      try (FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(args))) {
        vsftpd.suspend();
        try {
          List<String> lines = new ArrayList<>();
          try (Socket client = new Socket()) {
            client.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.13"), 0)); // a literal
            client.connect(proxy.address(), 10_000);
            client.setSoTimeout(20_000); // the deadline: far beyond the proxy's 2 s, far below a hang
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null; ) {
              lines.add(line);
            }
          }

          assertThat(lines).hasSize(1);
          assertThat(lines.get(0)).startsWith("421 ");
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (proxy.openSessions() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
          }
          assertThat(proxy.openSessions()).isZero();
        } finally {
          vsftpd.resume();
        }
      }
    }
  }

  @Test
  void backendStoppedAfterLogin_awaitedReplyTimesOut_one421() throws Exception {
    // the deadline applies to every awaited reply, not only the greeting: a session is in its own
    // vsftpd process, so stop that one while the listener keeps running
    try (Vsftpd vsftpd = Vsftpd.start("127.0.0.3", 2)) {
      List<String> args = List.of("--listen", "127.0.0.1:0", "--backend", vsftpd.hostPort(),
          "--passive-ports", FreePorts.block("127.0.0.1", 4).toString(), "--backend-timeout", "2");
      try (FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(args));
           Socket client = new Socket()) {
        client.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.14"), 0)); // a literal
        client.connect(proxy.address(), 10_000);
        client.setSoTimeout(20_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
            StandardCharsets.US_ASCII));
        assertThat(in.readLine()).startsWith("220 ");
        List<ProcessHandle> sessions = vsftpd.sessionProcesses();
        assertThat(sessions).isNotEmpty();
        vsftpd.suspend(sessions);
        try {
          client.getOutputStream().write("USER anonymous\r\n".getBytes(StandardCharsets.US_ASCII));
          List<String> lines = new ArrayList<>();
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
          }

          assertThat(lines).hasSize(1);
          assertThat(lines.get(0)).startsWith("421 ");
        } finally {
          vsftpd.resume(sessions);
        }
      }
    }
  }
}
