package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.core.PortRange;
import io.github.ftproute.examples.FtpClients.DataMode;
import java.nio.file.Files;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13 item 4: active and passive mode through the proxy in front of vsftpd with its defaults
 * {@code port_promiscuous=NO} and {@code pasv_promiscuous=NO}. The proxy faces clients on 127.0.0.1
 * and backends from 127.0.0.5 ({@code --backend-source}); vsftpd is on 127.0.0.6. vsftpd accepts a
 * PORT/EPRT only when it names the control connection's peer, and a passive data connection only
 * from that peer: both hold only if the proxy uses 127.0.0.5 for the backend control connection,
 * the active-mode data port it names in PORT, and the passive data connections it opens.
 */
final class VsftpdActiveModeTest {
  private static final String FILE = "active.bin";
  private static final byte[] CONTENT = FtpClients.content(4, 3 << 20);

  private static Vsftpd vsftpd;
  private static FtpProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    vsftpd = Vsftpd.start("127.0.0.6", 10);
    try {
      vsftpd.put(FILE, CONTENT);
      List<String> args = List.of("--listen", "127.0.0.1:0", "--backend", vsftpd.hostPort(),
          "--backend-source", "127.0.0.5", "--passive-ports", freeOnBoth("127.0.0.1", "127.0.0.5", 20).toString(),
          "--mode", "rewrite");
      proxy = FtpProxy.start(ProxyOptions.parse(args));
    } catch (Exception | Error e) {
      vsftpd.close();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (vsftpd != null) {
      vsftpd.close();
    }
  }

  @ParameterizedTest
  @EnumSource(DataMode.class)
  void download_throughProxy_bytesIntact(DataMode mode) throws Exception {
    FTPClient ftp = FtpClients.login(proxy.address(), client(mode, 0), mode);
    try {
      byte[] got = FtpClients.download(ftp, FILE, mode);

      assertThat(FtpClients.sha256(got)).isEqualTo(FtpClients.sha256(CONTENT));
      assertThat(got).hasSize(CONTENT.length);
    } finally {
      FtpClients.quit(ftp);
    }
  }

  @ParameterizedTest
  @EnumSource(DataMode.class)
  void upload_throughProxy_bytesIntactOnTheBackendAndReadBack(DataMode mode) throws Exception {
    byte[] content = FtpClients.content(40 + mode.ordinal(), (2 << 20) + mode.ordinal());
    String path = Vsftpd.UPLOADS + "/" + mode.name().toLowerCase(java.util.Locale.ROOT) + ".bin";
    FTPClient ftp = FtpClients.login(proxy.address(), client(mode, 1), mode);
    try {
      FtpClients.upload(ftp, path, content, mode);

      assertThat(FtpClients.sha256(Files.readAllBytes(vsftpd.root().resolve(path))))
          .isEqualTo(FtpClients.sha256(content));
      assertThat(FtpClients.sha256(FtpClients.download(ftp, path, mode))).isEqualTo(FtpClients.sha256(content));
    } finally {
      FtpClients.quit(ftp);
    }
  }

  /** A distinct client address per mode and test: 127.0.0.20 and up. */
  private static String client(DataMode mode, int test) {
    return "127.0.0." + (20 + 2 * mode.ordinal() + test);
  }

  private static PortRange freeOnBoth(String a, String b, int count) {
    for (int attempt = 0; attempt < 50; attempt++) {
      PortRange candidate = FreePorts.block(a, count);
      if (FreePorts.isFree(b, candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no port block free on " + a + " and " + b);
  }
}
