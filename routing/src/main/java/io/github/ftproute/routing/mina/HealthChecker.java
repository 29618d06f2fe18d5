package io.github.ftproute.routing.mina;

import com.google.common.base.Ticker;
import io.github.ftproute.routing.affinity.Backend;
import io.github.ftproute.routing.health.BackendHealth;
import io.github.ftproute.routing.health.FtpProbe;
import io.github.ftproute.routing.health.ProbeSpec;
import io.github.ftproute.routing.health.ProbeStep;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.session.IoSession;
import org.jspecify.annotations.Nullable;

/**
 * Drives {@link FtpProbe}s on the transport's connector for a {@link BackendHealth}: on each run (a
 * tick of the embedder's scheduler) it moves slow-start ramps on, starts a probe of every backend
 * that is due, and gives every probe in flight its deadline check. Probes go straight to the backend
 * (from the transport's backend source address) and never count as client sessions.
 */
final class HealthChecker {
  private final MinaTransport transport;
  private final BackendHealth health;
  private final ProbeSpec spec;
  private final Ticker ticker;
  private final Set<Probe> inFlight = ConcurrentHashMap.newKeySet();

  HealthChecker(MinaTransport transport, BackendHealth health, ProbeSpec spec, Ticker ticker) {
    this.transport = transport;
    this.health = health;
    this.spec = spec;
    this.ticker = ticker;
  }

  /** How often {@link #run} should be called for {@code interval}: a tenth of it, 10 ms..100 ms. */
  static Duration tick(Duration interval) {
    long millis = Math.max(10, Math.min(100, interval.toMillis() / 10));
    return Duration.ofMillis(millis);
  }

  BackendHealth health() {
    return health;
  }

  /** Ramps, starts the probes that are due, and checks the deadlines of those in flight. */
  void run() {
    health.advance();
    for (Backend backend : health.due()) {
      Probe probe = new Probe(backend);
      inFlight.add(probe);
      probe.start();
    }
    for (Probe probe : inFlight) {
      probe.tick();
    }
  }

  /** Marks a backend {@code DOWN} now, after a client's connection to it failed. */
  void markDown(Backend backend, String reason) {
    health.markDown(backend.id(), reason);
  }

  private final class Probe implements Endpoint {
    private final Backend backend;
    private final FtpProbe probe;
    private @Nullable ConnectFuture connect;
    private @Nullable IoSession session;

    Probe(Backend backend) {
      this.backend = backend;
      this.probe = FtpProbe.start(spec, transport.config().codec(), ticker);
    }

    void start() {
      ConnectFuture future = transport.connect(backend.endpoint(), transport.config().backendSource(), null,
          s -> TransportHandler.attach(s, this));
      synchronized (this) {
        connect = future;
      }
      future.addListener(f -> {
        if (!((ConnectFuture) f).isConnected()) {
          synchronized (this) {
            apply(probe.refused());
          }
        }
      });
    }

    synchronized void tick() {
      apply(probe.tick());
    }

    @Override
    public synchronized void opened(IoSession s) {
      session = s;
      if (probe.isFinished()) {
        s.closeNow(); // timed out while connecting
        return;
      }
      byte[] preamble = FtpProbe.preamble(backend.proxyHeader());
      if (preamble.length > 0) {
        s.write(IoBuffer.wrap(preamble));
      }
      apply(probe.connected());
    }

    @Override
    public synchronized void received(IoSession s, IoBuffer buffer) {
      apply(probe.received(buffer.buf()));
    }

    @Override
    public synchronized void inputClosed(IoSession s) {
      apply(probe.closed());
      s.closeNow();
    }

    @Override
    public synchronized void closed(IoSession s) {
      apply(probe.closed());
    }

    /** Does what the step says; called with this probe's lock held. */
    private void apply(ProbeStep step) {
      IoSession s = session;
      if (s != null && !step.commands().isEmpty() && s.isConnected()) {
        s.write(IoBuffer.wrap(step.toBackend()));
      }
      if (step.closeConnection()) {
        if (s != null) {
          s.closeOnFlush();
        } else if (connect != null) {
          connect.cancel();
        }
      }
      step.result().ifPresent(result -> health.record(backend.id(), result));
      if (probe.isFinished()) {
        inFlight.remove(this);
      }
    }
  }
}
