package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command-line clients people use, through the proxy: curl in each of its data modes, and
 * Python's ftplib. They are real peers: where one is missing the test fails and says how to get it
 * ({@code scripts/test.sh} installs them).
 */
final class RealClientsTest {
  private static TestBed bed;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    bed = TestBed.rewrite();
  }

  @AfterAll
  static void stop() {
    bed.close();
  }

  /** A missing real peer fails the test: a skip would hide that it never ran. */
  private static void requirePeer(boolean available, String message) {
    assertThat(available).as(message).isTrue();
  }

  private static boolean available(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s%n%s", command, output).isZero();
    return output;
  }

  private String url(String path) {
    return "ftp://127.0.0.1:" + bed.address().getPort() + "/" + path;
  }

  @ParameterizedTest
  @ValueSource(strings = {"epsv", "pasv", "eprt", "port"})
  void curl_downloadAndUpload(String mode) throws Exception {
    requirePeer(available("curl", "--version"), "curl is not installed: run scripts/test.sh, which installs it");
    String client = "127.0.5." + (10 + mode.length() + (mode.startsWith("e") ? 0 : 5));
    List<String> base = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "--interface", client));
    switch (mode) {
      case "pasv" -> base.add("--disable-epsv");
      case "eprt" -> base.addAll(List.of("--ftp-port", client));
      case "port" -> base.addAll(List.of("--ftp-port", client, "--disable-eprt"));
      default -> { }
    }
    Path download = dir.resolve("data-" + mode + ".bin");
    List<String> get = new ArrayList<>(base);
    get.addAll(List.of("-o", download.toString(), url(BackendServer.DATA)));
    run(get);
    assertThat(Files.readAllBytes(download)).isEqualTo(BackendServer.data());

    Path upload = dir.resolve("up-" + mode + ".bin");
    Files.write(upload, FtpClients.content(mode.hashCode(), 200_000));
    List<String> put = new ArrayList<>(base);
    put.addAll(List.of("-T", upload.toString(), url("curl-" + mode + ".bin")));
    run(put);
    Path back = dir.resolve("back-" + mode + ".bin");
    List<String> again = new ArrayList<>(base);
    again.addAll(List.of("-o", back.toString(), url("curl-" + mode + ".bin")));
    run(again);
    assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(upload));
  }

  @Test
  void pythonFtplib_passiveAndActive_listRetrStorAbor() throws Exception {
    requirePeer(available("python3", "-c", "import ftplib"), "python3 with ftplib is not installed");
    Path script = dir.resolve("client.py");
    Files.writeString(script, String.join("\n",
        "import ftplib, hashlib, io, sys",
        "port = int(sys.argv[1])",
        "for passive in (True, False):",
        "    ftp = ftplib.FTP(source_address=('127.0.5.40', 0), timeout=30)",
        "    ftp.connect('127.0.0.1', port)",
        "    ftp.login()",
        "    ftp.set_pasv(passive)",
        "    names = ftp.nlst()",
        "    assert 'data.bin' in names, names",
        "    buf = io.BytesIO()",
        "    ftp.retrbinary('RETR data.bin', buf.write)",
        "    print(len(buf.getvalue()), hashlib.sha256(buf.getvalue()).hexdigest())",
        "    payload = bytes(range(256)) * 1000",
        "    ftp.storbinary('STOR py-%s.bin' % passive, io.BytesIO(payload))",
        "    back = io.BytesIO()",
        "    ftp.retrbinary('RETR py-%s.bin' % passive, back.write)",
        "    assert back.getvalue() == payload",
        "    conn = ftp.transfercmd('RETR data.bin')",
        "    conn.recv(1024)",
        "    conn.close()",
        "    try:",
        "        ftp.abort()",
        "    except ftplib.error_reply:",
        "        pass",
        "    ftp.voidcmd('NOOP')",
        "    ftp.quit()",
        "print('ok')",
        ""));

    String output = run(List.of("python3", script.toString(), Integer.toString(bed.address().getPort())));

    assertThat(output).contains("1048576 " + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(BackendServer.data()))).contains("ok");
  }
}
