package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.examples.FtpClients.DataMode;
import java.util.Arrays;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Downloads, uploads and listings of real Commons Net clients through the proxy, in every data mode. */
final class ProxyTransferTest {
  private static final int FIVE_MIB = 5 << 20;
  private static TestBed bed;

  @BeforeAll
  static void start() {
    bed = TestBed.rewrite();
  }

  @AfterAll
  static void stop() {
    bed.close();
  }

  @ParameterizedTest
  @EnumSource(DataMode.class)
  void fiveMebibytes_uploadThenDownload_checksumsEqual(DataMode mode) throws Exception {
    String client = "127.0.0." + (40 + mode.ordinal());
    byte[] content = FtpClients.content(mode.ordinal(), FIVE_MIB);
    FTPClient ftp = FtpClients.login(bed.address(), client, mode);
    try {
      String name = "five-" + mode + ".bin";
      FtpClients.upload(ftp, name, content, mode);
      byte[] back = FtpClients.download(ftp, name, mode);

      assertThat(back).hasSize(FIVE_MIB);
      assertThat(FtpClients.sha256(back)).isEqualTo(FtpClients.sha256(content));
      String served = FtpClients.whoami(ftp, mode);
      byte[] stored = java.nio.file.Files.readAllBytes(bed.backend(served).home().resolve(name));
      assertThat(Arrays.equals(stored, content)).as("bytes on the backend's disk").isTrue();
    } finally {
      FtpClients.quit(ftp);
    }
  }

  @ParameterizedTest
  @EnumSource(DataMode.class)
  void download_sharedFile_identical(DataMode mode) throws Exception {
    FTPClient ftp = FtpClients.login(bed.address(), "127.0.0." + (50 + mode.ordinal()), mode);
    try {
      assertThat(FtpClients.download(ftp, BackendServer.DATA, mode)).isEqualTo(BackendServer.data());
    } finally {
      FtpClients.quit(ftp);
    }
  }

  @Test
  void listing_passiveAndActive() throws Exception {
    for (DataMode mode : new DataMode[] {DataMode.PASV, DataMode.PORT}) {
      FTPClient ftp = FtpClients.login(bed.address(), "127.0.0.60", mode);
      try {
        assertThat(FtpClients.list(ftp)).contains(BackendServer.WHOAMI, BackendServer.DATA);
        assertThat(ftp.listFiles()).extracting(f -> f.getName()).contains(BackendServer.DATA);
      } finally {
        FtpClients.quit(ftp);
      }
    }
  }
}
