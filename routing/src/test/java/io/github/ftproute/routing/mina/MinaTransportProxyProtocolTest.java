package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.proxy.ProxyDecodeResult;
import io.github.ftproute.codec.proxy.ProxyHeader;
import io.github.ftproute.codec.proxy.ProxyProtocol;
import io.github.ftproute.codec.proxy.ProxyVersion;
import io.github.ftproute.core.Cidr;
import io.github.ftproute.core.PortRange;
import io.github.ftproute.routing.DataRefusal;
import io.github.ftproute.routing.FtpSession;
import io.github.ftproute.routing.FtpSessionRouter;
import io.github.ftproute.routing.RouterListener;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transport behind an upstream tier that speaks the PROXY protocol (the test plays the upstream
 * at 127.0.0.50, writing the headers itself), and in front of backends that expect one.
 */
@Timeout(60)
final class MinaTransportProxyProtocolTest {
  private static final String UPSTREAM = "127.0.0.50";
  private static final InetSocketAddress CLIENT = address("10.1.2.3", 40000);
  private static final InetSocketAddress DIALLED = address("127.0.0.2", 2121);

  private final List<InetSocketAddress> opened = new CopyOnWriteArrayList<>();
  private final List<DataRefusal> refused = new CopyOnWriteArrayList<>();

  @Test
  void control_headerFromUpstream_clientIsSource_227AnnouncesDestination_dataAdmittedExact() throws Exception {
    byte[] file = Payload.bytes(16, 300_000);
    try (FtpServerBackend backend = FtpServerBackend.start("pp").withFile("f.bin", new java.io.ByteArrayInputStream(file));
        ProxyRig proxy = rig(backend.backend(), b -> {});
        RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM, v2(CLIENT, DIALLED))) {
      client.login();
      InetSocketAddress announced = client.pasv();

      assertThat(opened).containsExactly(CLIENT);
      assertThat(announced.getAddress()).isEqualTo(DIALLED.getAddress());
      // the upstream forwards the data connection, with the client's header, to the proxy
      try (Socket data = dataFrom(UPSTREAM, proxy, announced.getPort(), v1(address("10.1.2.3", 40001), DIALLED))) {
        client.send("RETR f.bin");
        assertThat(client.readReply()).startsWith("150");
        assertThat(data.getInputStream().readAllBytes()).isEqualTo(file);
      }
      assertThat(client.readReply()).startsWith("226");
      client.expect("QUIT", "221");
    }
  }

  @Test
  void data_headerAndUploadInOneWrite_headerStrippedBytesExact() throws Exception {
    byte[] file = Payload.bytes(17, 100_000);
    try (FtpServerBackend backend = FtpServerBackend.start("up");
        ProxyRig proxy = rig(backend.backend(), b -> {});
        RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM, v2(CLIENT, DIALLED))) {
      client.login();
      InetSocketAddress announced = client.pasv();
      client.send("STOR up.bin");
      try (Socket data = dataFrom(UPSTREAM, proxy, announced.getPort(), new byte[0])) {
        OutputStream out = data.getOutputStream();
        out.write(concat(v2(address("10.1.2.3", 40002), DIALLED), file)); // one write: header and data together
        out.flush();
        assertThat(client.readReply()).startsWith("150");
        data.shutdownOutput();
        assertThat(client.readReply()).startsWith("226");
      }
      assertThat(Files.readAllBytes(backend.home().resolve("up.bin"))).isEqualTo(file);
    }
  }

  @Test
  void data_headerNamingAnotherClient_refusedAlthoughFromUpstream() throws Exception {
    try (FtpServerBackend backend = FtpServerBackend.start("foreign");
        ProxyRig proxy = rig(backend.backend(), b -> {});
        RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM, v2(CLIENT, DIALLED))) {
      client.login();
      InetSocketAddress announced = client.pasv();
      try (Socket data = dataFrom(UPSTREAM, proxy, announced.getPort(), v2(address("10.9.9.9", 40003), DIALLED))) {
        assertThat(readToEnd(data)).isEmpty();
      }
      assertThat(refused).containsExactly(DataRefusal.FOREIGN_PEER);
    }
  }

  @Test
  void data_withoutHeaderFromUpstream_refusedAtDeadline() throws Exception {
    try (FtpServerBackend backend = FtpServerBackend.start("nohdr");
        ProxyRig proxy = rig(backend.backend(), b -> {});
        RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM, v2(CLIENT, DIALLED))) {
      client.login();
      InetSocketAddress announced = client.pasv();
      try (Socket data = dataFrom(UPSTREAM, proxy, announced.getPort(), new byte[0])) {
        assertThat(readToEnd(data)).isEmpty(); // closed by the proxy after 1 s without a header
      }
      client.expect("NOOP", "200"); // the session goes on
    }
  }

  @Test
  void control_noHeaderWithinDeadline_421ThenClose() throws Exception {
    try (FtpServerBackend backend = FtpServerBackend.start("late");
        ProxyRig proxy = rig(backend.backend(), b -> {});
        RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM)) {
      assertThat(client.readUntilEof()).singleElement().asString().startsWith("421 ").contains("PROXY header");
      assertThat(opened).isEmpty();
    }
  }

  @Test
  void control_malformedHeader_421ThenClose() throws Exception {
    try (FtpServerBackend backend = FtpServerBackend.start("bad");
        ProxyRig proxy = rig(backend.backend(), b -> {});
        RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM,
            "PROXY TCP4 10.1.2.3 bad 1 2\r\n".getBytes(StandardCharsets.US_ASCII))) {
      assertThat(client.readUntilEof()).singleElement().asString().startsWith("421 ");
      assertThat(opened).isEmpty();
    }
  }

  @Test
  void control_headerFromUntrustedAddress_refused_directClientServed() throws Exception {
    try (FtpServerBackend backend = FtpServerBackend.start("spoof"); ProxyRig proxy = rig(backend.backend(), b -> {})) {
      try (RawFtpClient spoofer = RawFtpClient.connect(proxy.address(), "127.0.0.51", v1(CLIENT, DIALLED))) {
        assertThat(spoofer.readUntilEof()).last().asString().startsWith("421 ").contains("untrusted");
      }
      try (RawFtpClient direct = RawFtpClient.connect(proxy.address(), "127.0.0.52")) {
        direct.login();
        direct.expect("QUIT", "221");
      }
      assertThat(opened).extracting(InetSocketAddress::getAddress)
          .containsExactly(address("127.0.0.51", 0).getAddress(), address("127.0.0.52", 0).getAddress());
    }
  }

  @Test
  void backendV1_getsClientAndDialledAddress_fromUpstreamHeader_andFromSocket() throws Exception {
    List<String> firstLines = new CopyOnWriteArrayList<>();
    ScriptedBackend.Script script = (c, in, out) -> {
      firstLines.add(ScriptedBackend.readLine(in));
      ScriptedBackend.send(out, "220 hello");
      ScriptedBackend.drain(in);
    };
    try (ScriptedBackend backend = ScriptedBackend.start(script);
        ProxyRig proxy = rig(backend.backend("b").withProxyHeader(Backend.ProxyHeader.V1),
            b -> b.healthChecks(Duration.ZERO, Duration.ofSeconds(1)))) {
      try (RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM, v2(CLIENT, DIALLED))) {
        assertThat(client.readReply()).isEqualTo("220 hello");
      }
      try (RawFtpClient client = RawFtpClient.connect(proxy.address(), "127.0.0.53")) {
        assertThat(client.readReply()).isEqualTo("220 hello");
      }
      Await.until(Duration.ofSeconds(10), "two connections", () -> firstLines.size() == 2, firstLines::toString);
      assertThat(firstLines.get(0)).isEqualTo("PROXY TCP4 10.1.2.3 127.0.0.2 40000 2121");
      assertThat(firstLines.get(1)).startsWith("PROXY TCP4 127.0.0.53 127.0.0.1 ").endsWith(" " + proxy.address().getPort());
    }
  }

  @Test
  void backendV2_getsV2Header_andHealthProbesSendLocal() throws Exception {
    List<ProxyHeader> headers = new CopyOnWriteArrayList<>();
    ScriptedBackend.Script script = (c, in, out) -> {
      headers.add(readHeader(in));
      ScriptedBackend.send(out, "220 hello");
      for (String line = ScriptedBackend.readLine(in); line != null; line = ScriptedBackend.readLine(in)) {
        ScriptedBackend.send(out, line.startsWith("QUIT") ? "221 bye" : "200 ok");
      }
    };
    try (ScriptedBackend backend = ScriptedBackend.start(script);
        ProxyRig proxy = rig(backend.backend("b").withProxyHeader(Backend.ProxyHeader.V2),
            b -> b.healthChecks(Duration.ofMillis(300), Duration.ofSeconds(2)))) {
      Await.until(Duration.ofSeconds(10), "a probe", () -> !headers.isEmpty(), headers::toString);
      try (RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM, v1(CLIENT, DIALLED))) {
        assertThat(client.readReply()).isEqualTo("220 hello");
        client.expect("NOOP", "200");
      }
      assertThat(headers).contains(ProxyHeader.local(), ProxyHeader.proxy(ProxyVersion.V2, CLIENT, DIALLED));
      assertThat(opened).containsExactly(CLIENT); // probes are no sessions
    }
  }

  @Test
  void persistenceMode_headerStripped_affinityByHeaderSource() throws Exception {
    PortRange range = FreePorts.block(20, "127.0.0.1", "127.0.0.2");
    try (FtpServerBackend backend = FtpServerBackend.start("persist", "127.0.0.2", range, "127.0.0.1")) {
      BackendPool pool = BackendPool.of(backend.backend());
      try (ProxyRig proxy = ProxyRig.start(pool, range, FtpSessionRouter.builder().backends(pool).dataPorts(range),
              ProxyRig.noProbes(t -> t.persistence(range)
                  .proxyProtocolFrom(List.of(Cidr.parse(UPSTREAM + "/32"))).proxyProtocolTimeout(Duration.ofSeconds(1))));
          RawFtpClient client = RawFtpClient.connect(proxy.address(), UPSTREAM, v2(CLIENT, DIALLED))) {
        client.login(); // a header passed on unread would reach the backend as a bad first command
        var table = proxy.router().affinityTable();
        var netmask = proxy.router().persistenceNetmask();

        assertThat(table.entry(netmask.keyOf(CLIENT.getAddress()))).isPresent();
        assertThat(table.entry(netmask.keyOf(InetAddress.getByName(UPSTREAM)))).isEmpty();
        client.expect("QUIT", "221");
      }
    }
  }

  @Test
  void builder_proxySettings_validatedAndSetOnce() {
    MinaTransportBuilder builder = MinaTransport.builder();

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.proxyProtocolFrom(List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstreams");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.proxyProtocolTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxyProtocolTimeout");
    builder.proxyProtocolFrom(List.of(Cidr.parse("10.0.0.0/8")));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> builder.proxyProtocolFrom(List.of(Cidr.parse("::/0"))))
        .isInstanceOf(IllegalStateException.class);
  }

  // --- helpers -----------------------------------------------------------------------------------

  private ProxyRig rig(Backend backend, Consumer<MinaTransportBuilder> more) {
    PortRange ports = FreePorts.block(20);
    RouterListener listener = new RouterListener() {
      @Override
      public void sessionOpened(FtpSession session) {
        opened.add(session.client());
      }

      @Override
      public void dataRefused(int port, InetSocketAddress remote, DataRefusal reason) {
        refused.add(reason);
      }
    };
    Consumer<MinaTransportBuilder> settings = b -> {
      b.proxyProtocolFrom(List.of(Cidr.parse(UPSTREAM + "/32"))).proxyProtocolTimeout(Duration.ofSeconds(1));
      more.accept(b);
    };
    return ProxyRig.start(BackendPool.of(backend), ports,
        FtpSessionRouter.builder().backends(BackendPool.of(backend)).dataPorts(ports).listener(listener),
        settings);
  }

  private static ProxyHeader readHeader(InputStream in) throws IOException {
    var decoder = ProxyProtocol.decoder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed inside a PROXY header");
      }
      ProxyDecodeResult r = decoder.decode(ByteBuffer.wrap(new byte[] {(byte) b}));
      if (r instanceof ProxyDecodeResult.Decoded d) {
        return d.header();
      }
      if (r instanceof ProxyDecodeResult.Malformed m) {
        throw new IOException(m.message());
      }
    }
  }

  private static Socket dataFrom(String local, ProxyRig proxy, int port, byte[] first) throws IOException {
    Socket data = new Socket();
    data.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
    data.connect(new InetSocketAddress(proxy.address().getAddress(), port), 5_000);
    data.setSoTimeout(10_000);
    data.getOutputStream().write(first);
    data.getOutputStream().flush();
    return data;
  }

  private static byte[] readToEnd(Socket socket) throws IOException {
    try {
      return socket.getInputStream().readAllBytes();
    } catch (java.net.SocketException reset) {
      return new byte[0]; // a reset is a refusal too
    }
  }

  private static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
    return ProxyProtocol.encode(ProxyHeader.proxy(ProxyVersion.V1, source, destination));
  }

  private static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
    return ProxyProtocol.encode(ProxyHeader.proxy(ProxyVersion.V2, source, destination));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static InetSocketAddress address(String literal, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
