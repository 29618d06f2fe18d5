package io.github.ftproute.codec.mina;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.DecodedCommand;
import io.github.ftproute.codec.DecodedReply;
import io.github.ftproute.codec.FtpCodec;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpVerb;
import io.github.ftproute.codec.LineTooLong;
import io.github.ftproute.codec.Malformed;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.filter.codec.ProtocolCodecFilter;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs both codec factories over real MINA NIO sockets on loopback. */
final class FtpCodecFactoryTest {
  private NioSocketAcceptor acceptor;
  private final BlockingQueue<DecodedCommand> received = new LinkedBlockingQueue<>();

  /** A toy server: answers each command with "200 VERB" and bad lines with 500. */
  private final class EchoServer extends IoHandlerAdapter {
    @Override
    public void sessionOpened(IoSession session) {
      session.write(FtpReply.of(220, "ready"));
    }

    @Override
    public void messageReceived(IoSession session, Object message) {
      DecodedCommand decoded = (DecodedCommand) message;
      received.add(decoded);
      if (decoded instanceof FtpCommand command) {
        session.write(FtpReply.of(200, command.verb() + " " + command.argument()));
      } else if (decoded instanceof Malformed malformed) {
        session.write(FtpReply.of(500, malformed.kind().name()));
      } else if (decoded instanceof LineTooLong) {
        session.write(FtpReply.of(500, "Line too long"));
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    acceptor = new NioSocketAcceptor(1);
    acceptor.getFilterChain().addLast("ftp",
        new ProtocolCodecFilter(FtpCodecFactory.clientFacing(FtpCodec.builder().maxLineLength(64).build())));
    acceptor.setHandler(new EchoServer());
    acceptor.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() {
    acceptor.unbind();
    acceptor.dispose(true);
  }

  @Test
  void clientFacing_rawSocketWithBadInput_everyLineAnsweredInOrder() throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), acceptor.getLocalAddress().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      // pipelined, split mid-line, with a NUL line, an over-long line and a lost urgent LF
      out.write("USER anonymous\r\nPA".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      out.write(("SS x@\r\nCWD a\0b\r\nSIZE " + "z".repeat(200) + "\r\nABOR\rNOOP\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();

      List<FtpReply> replies = readReplies(socket.getInputStream(), 7);

      assertThat(replies).extracting(r -> r.code().value() + " " + r.text()).containsExactly(
          "220 ready", "200 USER anonymous", "200 PASS x@", "500 NUL", "500 Line too long", "200 ABOR ",
          "200 NOOP ");
    }
    assertThat(received).hasSize(6);
  }

  @Test
  void serverFacing_connectorSendsCommandsAndDecodesReplies() throws Exception {
    BlockingQueue<DecodedReply> replies = new LinkedBlockingQueue<>();
    NioSocketConnector connector = new NioSocketConnector(1);
    try {
      connector.getFilterChain().addLast("ftp",
          new ProtocolCodecFilter(FtpCodecFactory.serverFacing(FtpCodec.defaults())));
      connector.setHandler(new IoHandlerAdapter() {
        @Override
        public void messageReceived(IoSession session, Object message) {
          replies.add((DecodedReply) message);
        }
      });
      ConnectFuture future = connector.connect(acceptor.getLocalAddress());
      IoSession session = future.awaitUninterruptibly().getSession();

      session.write(FtpCommand.of(FtpVerb.RETR, "file name.txt"));
      session.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII)); // raw bytes pass through

      assertThat(((FtpReply) replies.poll(10, TimeUnit.SECONDS)).text()).isEqualTo("ready");
      assertThat(((FtpReply) replies.poll(10, TimeUnit.SECONDS)).text()).isEqualTo("RETR file name.txt");
      assertThat(((FtpReply) replies.poll(10, TimeUnit.SECONDS)).text()).isEqualTo("QUIT ");
      session.closeNow().awaitUninterruptibly();
    } finally {
      connector.dispose(true);
    }
  }

  private static List<FtpReply> readReplies(InputStream in, int count) throws Exception {
    var decoder = FtpCodec.defaults().newReplyDecoder();
    List<FtpReply> out = new ArrayList<>();
    byte[] buffer = new byte[1024];
    while (out.size() < count) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      decoder.decode(java.nio.ByteBuffer.wrap(buffer, 0, n), r -> out.add((FtpReply) r));
    }
    return out;
  }
}
