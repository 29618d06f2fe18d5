package io.github.ftproute.routing.mina;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.apache.mina.transport.socket.nio.NioSocketConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared pool on real loopback sockets: accepted sessions are spread over the processors, a
 * connection paired with an accepted session runs on that session's I/O thread, and disposing of
 * the pool ends its threads.
 */
final class PairedProcessorPoolTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private final Map<Long, Thread> acceptedThreads = new ConcurrentHashMap<>();
  private final Map<Long, Thread> connectedThreads = new ConcurrentHashMap<>();
  private ExecutorService ioThreads;
  private PairedProcessorPool pool;
  private NioSocketAcceptor acceptor;
  private NioSocketConnector connector;
  private InetSocketAddress address;

  @BeforeEach
  void start() throws Exception {
    ioThreads = Executors.newCachedThreadPool();
    pool = new PairedProcessorPool(2, ioThreads);
    acceptor = new NioSocketAcceptor(pool);
    connector = new NioSocketConnector(pool);
    acceptor.setHandler(new IoHandlerAdapter() {
      @Override
      public void sessionOpened(IoSession session) {
        acceptedThreads.put(session.getId(), Thread.currentThread());
      }
    });
    connector.setHandler(new IoHandlerAdapter() {
      @Override
      public void sessionOpened(IoSession session) {
        connectedThreads.put(session.getId(), Thread.currentThread());
      }
    });
    acceptor.bind(new InetSocketAddress("127.0.0.1", 0));
    address = acceptor.getLocalAddress();
  }

  @AfterEach
  void stop() throws InterruptedException {
    connector.dispose(true);
    acceptor.dispose(true);
    pool.dispose();
    ioThreads.shutdown();
    assertThat(ioThreads.awaitTermination(5, TimeUnit.SECONDS)).as("I/O threads ended").isTrue();
  }

  @Test
  void pairedConnectionsRunOnTheThreadOfTheSessionTheyServe() {
    List<IoSession> outer = connect(8);
    Await.until(DEADLINE, "8 sessions opened on each side",
        () -> acceptedThreads.size() == 8 && connectedThreads.size() == 8);
    HashSet<Thread> used = new HashSet<>(acceptedThreads.values());
    used.addAll(connectedThreads.values());
    assertThat(used).as("unpaired sessions are spread over both processors").hasSize(2);

    List<IoSession> accepted = new ArrayList<>(acceptor.getManagedSessions().values());
    for (IoSession served : accepted) {
      ConnectFuture paired = connector.connect(address, (session, future) -> PairedProcessorPool.pair(session, served));
      assertThat(paired.awaitUninterruptibly(DEADLINE.toMillis())).isTrue();
      IoSession session = paired.getSession();
      Await.until(DEADLINE, "paired session opened", () -> connectedThreads.containsKey(session.getId()));
      assertThat(connectedThreads.get(session.getId()))
          .as("paired with accepted session %s", served.getId())
          .isSameAs(acceptedThreads.get(served.getId()));
    }
    outer.forEach(IoSession::closeNow);
  }

  @Test
  void aConnectionPairedWithASessionOfAnotherPoolIsPlacedRoundRobin() {
    NioSocketConnector foreign = new NioSocketConnector(1);
    foreign.setHandler(new IoHandlerAdapter());
    try {
      ConnectFuture f = foreign.connect(address);
      assertThat(f.awaitUninterruptibly(DEADLINE.toMillis())).isTrue();
      IoSession stranger = f.getSession();
      ConnectFuture paired = connector.connect(address, (session, future) -> PairedProcessorPool.pair(session, stranger));
      assertThat(paired.awaitUninterruptibly(DEADLINE.toMillis())).isTrue();
      assertThat(paired.isConnected()).isTrue();
      Await.until(DEADLINE, "session opened", () -> connectedThreads.containsKey(paired.getSession().getId()));
    } finally {
      foreign.dispose(true);
    }
  }

  @Test
  void refusesAnEmptyPool() {
    assertThatThrownBy(() -> new PairedProcessorPool(0, ioThreads))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
  }

  private List<IoSession> connect(int count) {
    List<IoSession> sessions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ConnectFuture f = connector.connect(address);
      assertThat(f.awaitUninterruptibly(DEADLINE.toMillis())).isTrue();
      sessions.add(f.getSession());
    }
    return sessions;
  }
}
