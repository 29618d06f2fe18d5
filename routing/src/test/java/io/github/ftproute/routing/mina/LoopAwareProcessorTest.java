package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's processors skip their own wake-ups and the read after a short one: on real loopback
 * sockets an echo still returns every byte written in small pieces, an end of input right after a
 * short read still arrives, and a reply written from an idle event (after the loop's flush step)
 * is still sent.
 */
@Timeout(30)
final class LoopAwareProcessorTest {
  private final CountDownLatch inputClosed = new CountDownLatch(1);
  private ExecutorService ioThreads;
  private PairedProcessorPool pool;
  private NioSocketAcceptor acceptor;

  @BeforeEach
  void start() throws Exception {
    ioThreads = Executors.newCachedThreadPool();
    pool = new PairedProcessorPool(1, ioThreads);
    acceptor = new NioSocketAcceptor(pool);
    acceptor.setHandler(new IoHandlerAdapter() {
      @Override
      public void sessionOpened(IoSession session) {
        session.getConfig().setIdleTime(IdleStatus.READER_IDLE, 1);
      }

      @Override
      public void messageReceived(IoSession session, Object message) {
        IoBuffer in = (IoBuffer) message;
        session.write(IoBuffer.allocate(in.remaining()).put(in).flip()); // written from the I/O thread
      }

      @Override
      public void inputClosed(IoSession session) {
        inputClosed.countDown();
        session.write(IoBuffer.wrap("bye\n".getBytes()));
        session.closeOnFlush();
      }

      @Override
      public void sessionIdle(IoSession session, IdleStatus status) {
        session.write(IoBuffer.wrap("idle\n".getBytes()));
      }
    });
    acceptor.bind(new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() throws Exception {
    acceptor.dispose(true);
    pool.dispose();
    ioThreads.shutdownNow();
    assertThat(ioThreads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void smallPieces_thenEndOfInput_everyByteEchoed_andTheEndSeen() throws Exception {
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.10"), 0));
      socket.connect(acceptor.getLocalAddress(), 5_000);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      for (int i = 0; i < 200; i++) {
        byte[] piece = ("piece " + i + "\n").getBytes();
        out.write(piece); // each a short read on the proxy side
        sent.write(piece);
        if (i % 20 == 0) {
          Thread.sleep(2);
        }
      }
      socket.shutdownOutput(); // the FIN right behind the last short read
      byte[] echoed = socket.getInputStream().readAllBytes();

      assertThat(inputClosed.await(10, TimeUnit.SECONDS)).as("end of input seen").isTrue();
      sent.write("bye\n".getBytes());
      assertThat(new String(echoed)).isEqualTo(sent.toString());
    }
  }

  @Test
  void writeFromAnIdleEvent_isSent() throws Exception {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.11"), 0));
      socket.connect(acceptor.getLocalAddress(), 5_000);
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      byte[] line = in.readNBytes(5);
      assertThat(new String(line)).isEqualTo("idle\n");
    }
  }
}
