package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.examples.FtpClients.DataMode;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Persistence mode, the IPVS way: the proxy reads nothing, the backends announce the proxy's address
 * and share its passive range, and every connection of a client goes to the client's backend with the
 * port preserved.
 */
final class ProxyPersistenceTest {
  private static TestBed bed;

  @BeforeAll
  static void start() {
    bed = TestBed.persistence();
  }

  @AfterAll
  static void stop() {
    bed.close();
  }

  @ParameterizedTest
  @EnumSource(DataMode.class)
  void download_everyDataMode_sameBytes_sameBackendEveryTime(DataMode mode) throws Exception {
    String client = "127.0.4." + (10 + mode.ordinal());
    Set<String> served = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      FTPClient ftp = FtpClients.login(bed.address(), client, mode);
      // Active mode: the backend connects to the client itself (the proxy only sees inbound
      // connections), so the connection comes from the backend's address, not the proxy's.
      ftp.setRemoteVerificationEnabled(false);
      try {
        served.add(FtpClients.whoami(ftp, mode));
        assertThat(FtpClients.download(ftp, BackendServer.DATA, mode)).isEqualTo(BackendServer.data());
      } finally {
        FtpClients.quit(ftp);
      }
    }

    assertThat(served).hasSize(1);
  }

  @ParameterizedTest
  @EnumSource(value = DataMode.class, names = {"PASV", "EPSV"})
  void upload_passive_roundTrips(DataMode mode) throws Exception {
    byte[] content = FtpClients.content(7 + mode.ordinal(), 300_000);
    FTPClient ftp = FtpClients.login(bed.address(), "127.0.4.30", mode);
    try {
      FtpClients.upload(ftp, "p-" + mode + ".bin", content, mode);
      assertThat(FtpClients.download(ftp, "p-" + mode + ".bin", mode)).isEqualTo(content);
    } finally {
      FtpClients.quit(ftp);
    }
  }
}
