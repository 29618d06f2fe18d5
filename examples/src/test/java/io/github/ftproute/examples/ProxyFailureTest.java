package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ftproute.examples.FtpClients.DataMode;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;

/** Backends that die or never answer, and a data-port range that runs out. */
final class ProxyFailureTest {

  @Test
  void backendStoppedMidRun_laterSessionsServedByTheOther() throws Exception {
    try (TestBed bed = TestBed.rewrite()) {
      FTPClient first = FtpClients.login(bed.address(), "127.0.0.80", DataMode.PASV);
      String original = FtpClients.whoami(first, DataMode.PASV);
      FtpClients.quit(first);

      bed.backend(original).close();

      String later = null;
      int refusals = 0;
      for (int attempt = 0; attempt < 5 && later == null; attempt++) {
        try {
          FTPClient ftp = FtpClients.login(bed.address(), "127.0.0.80", DataMode.PASV);
          later = FtpClients.whoami(ftp, DataMode.PASV);
          FtpClients.quit(ftp);
        } catch (IOException e) {
          refusals++; // the session that found the backend dead got a 421 and may try again
          assertThat(e).hasMessageContaining("421");
        }
      }

      assertThat(later).isNotNull().isNotEqualTo(original);
      assertThat(refusals).isLessThanOrEqualTo(1);
      FTPClient other = FtpClients.login(bed.address(), "127.0.0.81", DataMode.EPSV);
      assertThat(FtpClients.download(other, BackendServer.DATA, DataMode.EPSV)).isEqualTo(BackendServer.data());
      FtpClients.quit(other);
    }
  }

  @Test
  void backendUnreachable_client421_proxyStaysUp() throws Exception {
    int deadPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      deadPort = probe.getLocalPort(); // closed again: nothing listens there
    }
    List<String> args = List.of("--listen", "127.0.0.1:0", "--backend", "127.0.0.1:" + deadPort,
        "--passive-ports", FreePorts.block("127.0.0.1", 10).toString());
    try (FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(args))) {
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> FtpClients.login(proxy.address(), "127.0.0.82", DataMode.PASV))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("421");
      }
    }
  }

  @Test
  void dataPortsExhausted_425ForThatTransferOnly() throws Exception {
    try (TestBed bed = TestBed.rewrite(1)) {
      FTPClient holder = FtpClients.login(bed.address(), "127.0.0.83", DataMode.PASV);
      FTPClient other = FtpClients.login(bed.address(), "127.0.0.84", DataMode.PASV);
      try {
        assertThat(holder.pasv()).isEqualTo(227); // takes the only port and never connects

        assertThat(other.pasv()).isEqualTo(425);
        assertThat(other.sendCommand("NOOP")).isEqualTo(200);
        assertThat(bed.proxy.router().stats().leasesRefused()).isEqualTo(1);
        holder.sendCommand("REIN"); // gives the port back (into its quarantine)
      } finally {
        FtpClients.quit(holder);
        FtpClients.quit(other);
      }
    }
  }
}
