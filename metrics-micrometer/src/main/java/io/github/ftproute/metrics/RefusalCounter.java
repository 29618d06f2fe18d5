package io.github.ftproute.metrics;

import io.github.ftproute.routing.DataRefusal;
import io.github.ftproute.routing.RouterListener;
import io.github.ftproute.routing.SessionOpening;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link RouterListener} that counts refused sessions and refused data connections by reason, for
 * {@link FtpRouteMetrics} ({@link io.github.ftproute.routing.RouterStats} has only the totals).
 * Install it with {@code FtpSessionRouterBuilder.listener(counter)}; a router that has a listener
 * of its own can call this one from it. Thread-safe, allocation-free.
 */
public final class RefusalCounter implements RouterListener {
  private final Map<SessionOpening.Reason, LongAdder> sessions = new EnumMap<>(SessionOpening.Reason.class);
  private final Map<DataRefusal, LongAdder> data = new EnumMap<>(DataRefusal.class);

  /** Returns a counter with every count 0. */
  public RefusalCounter() {
    for (SessionOpening.Reason reason : SessionOpening.Reason.values()) {
      sessions.put(reason, new LongAdder());
    }
    for (DataRefusal reason : DataRefusal.values()) {
      data.put(reason, new LongAdder());
    }
  }

  @Override
  public void sessionRefused(InetSocketAddress client, SessionOpening.Reason reason) {
    sessions.get(reason).increment();
  }

  @Override
  public void dataRefused(int port, InetSocketAddress remote, DataRefusal reason) {
    data.get(reason).increment();
  }

  /** Returns the sessions refused for {@code reason} so far. */
  public long sessionsRefused(SessionOpening.Reason reason) {
    return sessions.get(reason).sum();
  }

  /** Returns the data connections refused for {@code reason} so far. */
  public long dataRefused(DataRefusal reason) {
    return data.get(reason).sum();
  }
}
