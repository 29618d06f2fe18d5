package io.github.ftproute.routing.mina;

import io.github.ftproute.codec.DecodedReply;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpReplyDecoder;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.affinity.BackendPool;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the backends the way an FTP health check should: open a control connection, read the whole
 * greeting (multi-line, and past {@code 120} delays), send QUIT, each under the probe deadline. A
 * backend that answers 220 is {@code UP}; one that refuses, times out or greets with anything else
 * (421 included) is {@code DOWN}. {@code DRAINING} backends are left alone. Probes go straight to the
 * backend through the transport's connector and never count as client sessions.
 */
final class HealthChecker {
  private static final Logger logger = LoggerFactory.getLogger(MinaTransport.class);
  private static final IoBuffer QUIT = IoBuffer.wrap("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));

  private final MinaTransport transport;
  private final BackendPool pool;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  HealthChecker(MinaTransport transport, BackendPool pool) {
    this.transport = transport;
    this.pool = pool;
  }

  /** Starts one probe of every backend that has none in flight; results arrive asynchronously. */
  void run() {
    for (Backend backend : pool.snapshot().backends()) {
      if (backend.state() != Backend.State.DRAINING && inFlight.add(backend.id())) {
        probe(backend);
      }
    }
  }

  private void probe(Backend backend) {
    Probe probe = new Probe(backend);
    ConnectFuture connect = transport.connect(backend.endpoint(), null, null, s -> TransportHandler.attach(s, probe));
    connect.addListener(future -> {
      if (!((ConnectFuture) future).isConnected()) {
        probe.done(false, "refused");
      }
    });
  }

  /** Marks a backend {@code DOWN} now, after a client's connection to it failed. */
  void markDown(Backend backend, String reason) {
    pool.snapshot().get(backend.id()).filter(b -> b.state() == Backend.State.UP).ifPresent(b -> {
      logger.warn("backend {} is DOWN: {}", b.id(), reason);
      pool.setState(b.id(), Backend.State.DOWN);
    });
  }

  private final class Probe implements Endpoint {
    private final Backend backend;
    private final FtpReplyDecoder replies = transport.config().codec().newReplyDecoder();
    private boolean done;

    Probe(Backend backend) {
      this.backend = backend;
    }

    @Override
    public void opened(IoSession session) {
      session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE,
          (int) Math.max(1, transport.config().healthTimeout().toSeconds()));
    }

    @Override
    public void received(IoSession session, IoBuffer buffer) {
      replies.decode(buffer.buf(), decoded -> greeted(session, decoded));
    }

    private void greeted(IoSession session, DecodedReply decoded) {
      if (decoded instanceof FtpReply reply && reply.code().value() == 120) {
        return; // "service ready in nnn minutes": the greeting is still to come
      }
      if (done) {
        return;
      }
      boolean up = decoded instanceof FtpReply reply && reply.code().value() == 220;
      done(up, up ? "220" : "greeting " + decoded);
      session.write(QUIT.duplicate());
      session.closeOnFlush();
    }

    @Override
    public void inputClosed(IoSession session) {
      session.closeNow();
    }

    @Override
    public void closed(IoSession session) {
      done(false, "closed before greeting");
    }

    @Override
    public void idle(IoSession session, IdleStatus status) {
      done(false, "timeout");
      session.closeNow();
    }

    synchronized void done(boolean up, String reason) {
      if (done) {
        return;
      }
      done = true;
      inFlight.remove(backend.id());
      Backend now = pool.snapshot().get(backend.id()).orElse(null);
      if (now == null || now.state() == Backend.State.DRAINING) {
        return;
      }
      if (up && now.state() == Backend.State.DOWN) {
        logger.info("backend {} answers again: UP", now.id());
        pool.setState(now.id(), Backend.State.UP);
      } else if (!up && now.state() == Backend.State.UP) {
        markDown(now, reason);
      }
    }
  }
}
