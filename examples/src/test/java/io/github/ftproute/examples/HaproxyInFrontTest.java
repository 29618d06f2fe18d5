package io.github.ftproute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.core.PortRange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real HAProxy in front of the proxy with {@code send-proxy-v2} on the control port and on the whole
 * passive range, as a cloud NLB or an L4 tier would sit: every connection reaches ftproute from
 * HAProxy's address (127.0.0.1), and only the PROXY header names the client (127.0.0.1x). HAProxy
 * listens on 127.0.0.1, ftproute on 127.0.0.5 with the same data ports; two Apache FtpServer backends.
 */
@Timeout(120)
final class HaproxyInFrontTest {
  private static final String PROXY_HOST = "127.0.0.5";
  private static List<BackendServer> backends = new ArrayList<>();
  private static FtpProxy proxy;
  private static Haproxy haproxy;
  private static int controlPort;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    Haproxy.binary(); // fails the class at once if HAProxy is missing
    PortRange ports = null;
    for (int attempt = 0; attempt < 50 && ports == null; attempt++) {
      PortRange block = FreePorts.block("127.0.0.1", 21);
      PortRange data = PortRange.parse((block.lowest() + 1) + "-" + block.highest());
      if (FreePorts.isFree(PROXY_HOST, data)) {
        controlPort = block.lowest();
        ports = data;
      }
    }
    assertThat(ports).as("a port block free on 127.0.0.1 and " + PROXY_HOST).isNotNull();
    backends.add(BackendServer.start("backend-a", "127.0.0.1", FreePorts.block("127.0.0.1", 20).toString(), null));
    backends.add(BackendServer.start("backend-b", "127.0.0.1", FreePorts.block("127.0.0.1", 20).toString(), null));
    List<String> args = new ArrayList<>(List.of("--listen", PROXY_HOST + ":0", "--passive-ports", ports.toString(),
        "--proxy-protocol-from", "127.0.0.1/32"));
    for (BackendServer b : backends) {
      args.addAll(List.of("--backend", "127.0.0.1:" + b.address().getPort()));
    }
    proxy = FtpProxy.start(ProxyOptions.parse(args));
    int proxyControl = proxy.address().getPort();
    haproxy = Haproxy.start(String.join("\n",
        "frontend control",
        "  bind 127.0.0.1:" + controlPort,
        "  default_backend control",
        "backend control",
        "  source 127.0.0.1",
        "  server ftproute " + PROXY_HOST + ":" + proxyControl + " send-proxy-v2",
        "frontend data",
        "  bind 127.0.0.1:" + ports.lowest() + "-" + ports.highest(),
        "  default_backend data",
        "backend data",
        "  source 127.0.0.1",
        // no port: the data connection goes to the port it arrived on
        "  server ftproute " + PROXY_HOST + " send-proxy-v2"),
        List.of(new InetSocketAddress(TestBed.ip("127.0.0.1"), controlPort)));
  }

  @AfterAll
  static void stop() {
    if (haproxy != null) {
      haproxy.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    backends.forEach(BackendServer::close);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pasv", "epsv"})
  void curl_downloadAndUploadThroughHaproxy_bytesExact(String mode) throws Exception {
    String client = mode.equals("pasv") ? "127.0.0.10" : "127.0.0.11";
    List<String> base = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30", "--interface", client));
    if (mode.equals("pasv")) {
      base.add("--disable-epsv");
    }
    Path download = dir.resolve("data.bin");
    run(with(base, "-o", download.toString(), url(BackendServer.DATA)));
    assertThat(sha256(Files.readAllBytes(download))).isEqualTo(sha256(BackendServer.data()));

    Path upload = dir.resolve("up.bin");
    Files.write(upload, FtpClients.content(mode.hashCode(), 300_000));
    run(with(base, "-T", upload.toString(), url("pp-" + mode + ".bin")));
    Path back = dir.resolve("back.bin");
    run(with(base, "-o", back.toString(), url("pp-" + mode + ".bin")));
    assertThat(sha256(Files.readAllBytes(back))).isEqualTo(sha256(Files.readAllBytes(upload)));
  }

  @Test
  void pythonFtplib_passiveRetrAndStor_throughHaproxy() throws Exception {
    Path script = dir.resolve("client.py");
    Files.writeString(script, String.join("\n",
        "import ftplib, hashlib, io, sys",
        "ftp = ftplib.FTP(source_address=('127.0.0.12', 0), timeout=30)",
        "ftp.connect('127.0.0.1', int(sys.argv[1]))",
        "ftp.login()",
        "buf = io.BytesIO()",
        "ftp.retrbinary('RETR data.bin', buf.write)",
        "print(hashlib.sha256(buf.getvalue()).hexdigest())",
        "payload = bytes(range(256)) * 700",
        "ftp.storbinary('STOR py.bin', io.BytesIO(payload))",
        "back = io.BytesIO()",
        "ftp.retrbinary('RETR py.bin', back.write)",
        "assert back.getvalue() == payload",
        "ftp.quit()",
        "print('ok')", ""));

    String output = run(List.of("python3", script.toString(), Integer.toString(controlPort)));

    assertThat(output).contains(sha256(BackendServer.data())).contains("ok");
  }

  @Test
  void dataConnectionFromAnotherClient_refused_althoughAllComeFromHaproxy() throws Exception {
    FTPClient ftp = new FTPClient();
    ftp.setDefaultTimeout(10_000);
    ftp.connect(TestBed.ip("127.0.0.1"), controlPort, TestBed.ip("127.0.0.13"), 0);
    try {
      assertThat(ftp.login("anonymous", "pp@ftproute")).isTrue();
      ftp.setFileType(FTP.BINARY_FILE_TYPE);
      assertThat(ftp.sendCommand("PASV")).isEqualTo(227);
      int port = passivePort(ftp.getReplyString());
      long refusedBefore = proxy.router().stats().dataRefused();
      // another client takes the announced port first: HAProxy relays it with that client's header
      try (Socket thief = new Socket()) {
        thief.bind(new InetSocketAddress(TestBed.ip("127.0.0.14"), 0));
        thief.connect(new InetSocketAddress(TestBed.ip("127.0.0.1"), port), 5_000);
        thief.setSoTimeout(10_000);
        assertThat(readAll(thief.getInputStream())).isEmpty();
      }
      // the owner's own connection is still admitted, and gets the whole file
      try (Socket data = new Socket()) {
        data.bind(new InetSocketAddress(TestBed.ip("127.0.0.13"), 0));
        data.connect(new InetSocketAddress(TestBed.ip("127.0.0.1"), port), 5_000);
        data.setSoTimeout(10_000);
        assertThat(ftp.sendCommand("RETR " + BackendServer.DATA)).isEqualTo(150);
        assertThat(sha256(readAll(data.getInputStream()))).isEqualTo(sha256(BackendServer.data()));
      }
      assertThat(ftp.getReply()).isEqualTo(226);
      assertThat(proxy.router().stats().dataRefused()).isEqualTo(refusedBefore + 1);
    } finally {
      ftp.disconnect();
    }
  }

  @Test
  void affinity_followsTheRealClients_notHaproxysAddress() throws Exception {
    String first = whoami("127.0.0.15");
    for (int i = 0; i < 3; i++) {
      assertThat(whoami("127.0.0.15")).isEqualTo(first);
    }
    whoami("127.0.0.16");
    var table = proxy.router().affinityTable();
    var netmask = proxy.router().persistenceNetmask();

    assertThat(table.entry(netmask.keyOf(TestBed.ip("127.0.0.15")))).isPresent();
    assertThat(table.entry(netmask.keyOf(TestBed.ip("127.0.0.16")))).isPresent();
    assertThat(table.entry(netmask.keyOf(TestBed.ip("127.0.0.1")))).as("HAProxy's own address").isEmpty();
  }

  // --- helpers -----------------------------------------------------------------------------------

  private String whoami(String client) throws Exception {
    return run(List.of("curl", "-sS", "--max-time", "30", "--interface", client, url(BackendServer.WHOAMI))).trim();
  }

  private static String url(String path) {
    return "ftp://127.0.0.1:" + controlPort + "/" + path;
  }

  private static int passivePort(String reply) {
    var m = java.util.regex.Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)").matcher(reply);
    assertThat(m.find()).as(reply).isTrue();
    assertThat(m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4))
        .as("227 announces the address the client dialled: HAProxy's").isEqualTo("127.0.0.1");
    return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try {
      return in.readAllBytes();
    } catch (java.net.SocketException reset) {
      return new byte[0];
    }
  }

  private static List<String> with(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s%n%s", command, output).isZero();
    return output;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
