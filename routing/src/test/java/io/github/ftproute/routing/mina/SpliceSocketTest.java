package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.SocketSessionConfig;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The splice on real MINA sessions over loopback: a plain socket client, a MINA acceptor and
 * connector (one I/O thread each, so every resume comes from the other session's thread), and a
 * plain socket backend. The link is wired as {@link DataLink} wires it: the accepted session waits
 * suspended until the backend is connected, then is resumed from the connector's thread.
 */
final class SpliceSocketTest {
  private static final int BUFFER = 16 * 1024; // one read
  private static final long HIGH = 128 * 1024;
  private static final long LOW = HIGH / 4;
  private static final int KERNEL_BUFFER = 32 * 1024; // small, so MINA's queue is what fills
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);

  private final InetAddress loopback = InetAddress.getLoopbackAddress();
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "splice-socket-test");
    thread.setDaemon(true);
    return thread;
  });
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile @Nullable IoSession accepted;
  private volatile @Nullable IoSession connected;
  private volatile @Nullable Observed client; // the accepted session's side (toward the client)
  private volatile @Nullable Observed backend; // the connected session's side (toward the backend)
  private NioSocketAcceptor acceptor;
  private NioSocketConnector connector;
  private ServerSocket backendListener;
  private long deadline;
  private long highWater = HIGH;
  private long lowWater = LOW;

  @BeforeEach
  void start() throws IOException {
    deadline = System.nanoTime() + DEADLINE_NANOS;
    backendListener = new ServerSocket(0, 50, loopback);
    InetSocketAddress backendAddress = (InetSocketAddress) backendListener.getLocalSocketAddress();
    connector = new NioSocketConnector(1);
    connector.setHandler(new TransportHandler(session -> null));
    connector.setConnectTimeoutMillis(5_000);
    acceptor = new NioSocketAcceptor(1);
    acceptor.setReuseAddress(true);
    acceptor.setHandler(new TransportHandler(session -> link(session, backendAddress)));
    acceptor.bind(new InetSocketAddress(loopback, 0));
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    backendListener.close();
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).as("test threads ended").isTrue();
    acceptor.dispose(true);
    connector.dispose(true);
  }

  @Test
  void splice_slowReaderFastWriter_movesEveryByteWithQueueBoundedAndNoStall() throws Exception {
    long total = 64L << 20;
    Future<byte[]> sent = threads.submit(() -> {
      try (Socket socket = accept()) {
        MessageDigest digest = sha256();
        writeRandom(socket.getOutputStream(), total, 1, digest);
        socket.shutdownOutput();
        socket.getInputStream().transferTo(OutputStream.nullOutputStream()); // until the client's FIN
        return digest.digest();
      }
    });

    MessageDigest received = sha256();
    long count = 0;
    try (Socket socket = connectClient()) {
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[8 * 1024];
      long burstEnd = 1L << 20;
      try {
        for (int n; (n = in.read(chunk)) > 0; ) {
          received.update(chunk, 0, n);
          count += n;
          if (count >= burstEnd) { // a slow reader: stop until the proxy has had to pause the backend
            burstEnd = count + (1L << 20);
            awaitBackendPausedOr(sent);
          }
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("stalled after " + count + " bytes: " + state(), e);
      }
    }

    assertThat(count).isEqualTo(total);
    assertThat(received.digest()).isEqualTo(sent.get(remainingNanos(), TimeUnit.NANOSECONDS));
    assertThat(finished.await(remainingNanos(), TimeUnit.NANOSECONDS)).as("onFinish ran").isTrue();
    Observed toClient = client;
    Observed toBackend = backend;
    assertThat(toClient.maxQueued()).as("MINA write queue toward the slow reader")
        .isGreaterThan(HIGH)
        .isLessThanOrEqualTo(HIGH + (long) BUFFER * MinaSessions.READ_GROWTH); // plus one read at most
    assertThat(toBackend.suspends()).as("backpressure engaged at each burst").isGreaterThanOrEqualTo(32);
    assertThat(toBackend.resumeThreads()).as("resumed from the other session's I/O thread too")
        .isNotEmpty()
        .anySatisfy(thread -> assertThat(toBackend.suspendThreads()).doesNotContain(thread));
  }

  @Test
  void splice_clientHalfCloses_backendSeesEveryByteThenEofAndClientReadsToTheEnd() throws Exception {
    long upload = 8L << 20;
    long trailer = 1L << 20;
    AtomicLong backendReceived = new AtomicLong();
    Future<byte[]> backendSent = threads.submit(() -> {
      try (Socket socket = accept()) {
        MessageDigest echoed = sha256();
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[32 * 1024];
        for (int n; (n = in.read(chunk)) > 0; ) { // echo until the client's FIN
          out.write(chunk, 0, n);
          echoed.update(chunk, 0, n);
          backendReceived.addAndGet(n);
        }
        // half-closed: the client has stopped sending and is still reading
        writeRandom(out, trailer, 2, echoed);
        socket.shutdownOutput();
        return echoed.digest();
      }
    });

    try (Socket socket = connectClient()) {
      Future<?> uploaded = threads.submit(() -> {
        writeRandom(socket.getOutputStream(), upload, 3, sha256());
        socket.shutdownOutput();
        return null;
      });
      MessageDigest read = sha256();
      long count = 0;
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[32 * 1024];
      for (int n; (n = in.read(chunk)) > 0; ) {
        read.update(chunk, 0, n);
        count += n;
      }
      uploaded.get(remainingNanos(), TimeUnit.NANOSECONDS);

      assertThat(count).isEqualTo(upload + trailer);
      assertThat(read.digest()).isEqualTo(backendSent.get(remainingNanos(), TimeUnit.NANOSECONDS));
      assertThat(backendReceived).hasValue(upload);
    }
    assertThat(finished.await(remainingNanos(), TimeUnit.NANOSECONDS)).as("onFinish ran").isTrue();
  }

  /**
   * Both sessions paused and resumed hundreds of times while both are writing: this is where MINA's
   * own interest-set updates raced the splice's (see {@link MinaSide}); before that fix about every
   * second run stalled, so a few repetitions are enough to catch it again.
   */
  @RepeatedTest(4)
  void splice_bothDirectionsFullAtOnce_movesEveryByteEachWayWithoutStalling() throws Exception {
    highWater = BUFFER; // a pause every read or two, on both sessions, while both also write
    lowWater = BUFFER / 4;
    long each = 32L << 20;
    Future<byte[]> backendRead = threads.submit(() -> {
      try (Socket socket = accept()) {
        Future<?> writing = threads.submit(() -> {
          writeRandom(socket.getOutputStream(), each, 4, sha256());
          socket.shutdownOutput();
          return null;
        });
        byte[] digest = readAll(socket.getInputStream(), each);
        writing.get(remainingNanos(), TimeUnit.NANOSECONDS);
        return digest;
      }
    });

    try (Socket socket = connectClient()) {
      Future<?> writing = threads.submit(() -> {
        writeRandom(socket.getOutputStream(), each, 5, sha256());
        socket.shutdownOutput();
        return null;
      });
      byte[] read = readAll(socket.getInputStream(), each);
      writing.get(remainingNanos(), TimeUnit.NANOSECONDS);

      assertThat(read).isEqualTo(digestOf(each, 4));
      assertThat(backendRead.get(remainingNanos(), TimeUnit.NANOSECONDS)).isEqualTo(digestOf(each, 5));
    }
    assertThat(finished.await(remainingNanos(), TimeUnit.NANOSECONDS)).as("onFinish ran").isTrue();
    assertThat(client.suspends()).as("the client side was paused").isPositive();
    assertThat(backend.suspends()).as("the backend side was paused").isPositive();
  }

  private byte[] readAll(InputStream in, long expected) throws IOException {
    MessageDigest digest = sha256();
    long count = 0;
    byte[] chunk = new byte[8 * 1024];
    try {
      for (int n; (n = in.read(chunk)) > 0; ) {
        digest.update(chunk, 0, n);
        count += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("stalled after " + count + " bytes: " + state(), e);
    }
    assertThat(count).as("bytes read: %s", state()).isEqualTo(expected);
    return digest.digest();
  }

  /** The two sessions and sides, for a failure message. */
  private String state() {
    return "accepted " + describe(accepted) + " " + client + "; connected " + describe(connected) + " " + backend;
  }

  private static String describe(@Nullable IoSession session) {
    return session == null ? "none" : "[readSuspended=" + session.isReadSuspended() + ", scheduled="
        + session.getScheduledWriteBytes() + " bytes in " + session.getScheduledWriteMessages()
        + " messages, read=" + session.getReadBytes() + ", written=" + session.getWrittenBytes()
        + ", connected=" + session.isConnected() + "]";
  }

  private static byte[] digestOf(long total, long seed) throws IOException {
    MessageDigest digest = sha256();
    writeRandom(OutputStream.nullOutputStream(), total, seed, digest);
    return digest.digest();
  }

  // --- the link, as DataLink makes it -------------------------------------------------------

  private Endpoint link(IoSession accepted, InetSocketAddress target) {
    accepted.suspendRead();
    MinaSessions.configureData(accepted, BUFFER);
    ((SocketSessionConfig) accepted.getConfig()).setSendBufferSize(KERNEL_BUFFER);
    Pending pending = new Pending();
    ConnectFuture connect = connector.connect(target, (peer, future) -> {
      MinaSessions.configureData(peer, BUFFER);
      this.accepted = accepted;
      this.connected = peer;
      Observed toClient = new Observed(new MinaSide(accepted));
      Observed toBackend = new Observed(new MinaSide(peer));
      client = toClient;
      backend = toBackend;
      Splice splice = new Splice(toClient, toBackend, highWater, lowWater, finished::countDown);
      pending.splice = splice;
      TransportHandler.attach(peer, new SplicedEnd(splice, 1));
      TransportHandler.attach(accepted, new SplicedEnd(splice, 0));
      MinaSide.resumeAndWake(accepted);
    });
    connect.addListener(future -> {
      if (!((ConnectFuture) future).isConnected()) {
        accepted.closeNow();
      }
    });
    return pending;
  }

  /** The accepted session's endpoint until the splice exists; then side 0 of it, like DataLink. */
  private static final class Pending implements Endpoint {
    volatile @Nullable Splice splice;

    @Override
    public void received(IoSession session, IoBuffer buffer) {
      Splice current = splice;
      if (current != null) {
        current.received(0, buffer);
      }
    }

    @Override
    public void sent(IoSession session) {
      Splice current = splice;
      if (current != null) {
        current.sent(0);
      }
    }

    @Override
    public void inputClosed(IoSession session) {
      Splice current = splice;
      if (current != null) {
        current.inputClosed(0);
      } else {
        session.closeNow();
      }
    }

    @Override
    public void closed(IoSession session) {
      Splice current = splice;
      if (current != null) {
        current.closed(0);
      }
    }
  }

  /**
   * A real side, watched: its MINA write queue is sampled right after every write (where it peaks),
   * and pauses and resumes are counted with the threads they ran on.
   */
  private static final class Observed implements SpliceSide {
    private final SpliceSide side;
    private final AtomicLong maxQueued = new AtomicLong();
    private final Set<String> suspendThreads = ConcurrentHashMap.newKeySet();
    private final Set<String> resumeThreads = ConcurrentHashMap.newKeySet();
    private int suspends;
    private int resumes;
    private boolean suspended;

    Observed(SpliceSide side) {
      this.side = side;
    }

    @Override
    public void write(IoBuffer buffer) {
      side.write(buffer);
      maxQueued.accumulateAndGet(side.queuedBytes(), Math::max);
    }

    @Override
    public long queuedBytes() {
      return side.queuedBytes();
    }

    @Override
    public void suspendRead() {
      side.suspendRead();
      suspendThreads.add(Thread.currentThread().getName());
      synchronized (this) {
        suspends++;
        suspended = true;
        notifyAll();
      }
    }

    @Override
    public void resumeRead() {
      synchronized (this) {
        suspended = false;
        resumes++;
      }
      resumeThreads.add(Thread.currentThread().getName());
      side.resumeRead();
    }

    @Override
    public void shutdownOutput() {
      side.shutdownOutput();
    }

    @Override
    public void closeOnFlush() {
      side.closeOnFlush();
    }

    long maxQueued() {
      return maxQueued.get();
    }

    @Override
    public synchronized String toString() {
      return "[suspended=" + suspended + ", suspends=" + suspends + ", resumes=" + resumes + ", queued="
          + side.queuedBytes() + ", maxQueued=" + maxQueued.get() + "]";
    }

    synchronized int suspends() {
      return suspends;
    }

    Set<String> suspendThreads() {
      return Set.copyOf(suspendThreads);
    }

    Set<String> resumeThreads() {
      return Set.copyOf(resumeThreads);
    }

    /** Waits until the read is suspended or {@code done}; false if {@code deadline} passed first. */
    synchronized boolean awaitSuspended(Future<?> done, long deadline) throws InterruptedException {
      while (!suspended && !done.isDone()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50))); // re-checks done
      }
      return true;
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  private void awaitBackendPausedOr(Future<?> backendDone) throws InterruptedException {
    Observed side = backend;
    assertThat(side).as("spliced").isNotNull();
    assertThat(side.awaitSuspended(backendDone, deadline))
        .as("the proxy paused the backend or the backend finished: %s", state())
        .isTrue();
  }

  private Socket connectClient() throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.setReceiveBufferSize(KERNEL_BUFFER);
    socket.connect(acceptor.getLocalAddress(), 5_000);
    socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos())));
    return socket;
  }

  private Socket accept() throws IOException {
    backendListener.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos())));
    Socket socket = backendListener.accept();
    sockets.add(socket);
    socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos())));
    return socket;
  }

  /** Writes {@code total} seeded random bytes as fast as the socket takes them, adding them to {@code digest}. */
  private static void writeRandom(OutputStream out, long total, long seed, MessageDigest digest)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[64 * 1024];
    for (long left = total; left > 0; ) {
      int n = (int) Math.min(left, chunk.length);
      random.nextBytes(chunk);
      out.write(chunk, 0, n);
      digest.update(chunk, 0, n);
      left -= n;
    }
    out.flush();
  }

  private long remainingNanos() {
    return Math.max(1, deadline - System.nanoTime());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
