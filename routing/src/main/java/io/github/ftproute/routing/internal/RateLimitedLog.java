package io.github.ftproute.routing.internal;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs WARN lines at most once per period; lines dropped in between are counted and the count is
 * appended to the next line that gets through. Refusals driven by peers (port scans, bounce attempts)
 * can come by the thousand and must not flood the log. Thread-safe.
 */
public final class RateLimitedLog {
  private final Logger logger;
  private final Ticker ticker;
  private final long periodNanos;
  private final AtomicLong nextAllowed;
  private final AtomicLong suppressed = new AtomicLong();

  public RateLimitedLog(Logger logger, Ticker ticker, Duration period) {
    this.logger = logger;
    this.ticker = ticker;
    this.periodNanos = period.toNanos();
    this.nextAllowed = new AtomicLong(ticker.read());
  }

  /** Logs the line now if a period has passed since the last one logged, otherwise counts it. */
  public void warn(String format, Object... args) {
    if (!logger.isWarnEnabled()) {
      return;
    }
    long now = ticker.read();
    long allowed = nextAllowed.get();
    if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + periodNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long dropped = suppressed.getAndSet(0);
    if (dropped > 0) {
      Object[] withCount = Arrays.copyOf(args, args.length + 1);
      withCount[args.length] = dropped;
      logger.warn(format + " ({} similar lines suppressed before)", withCount);
    } else {
      logger.warn(format, args);
    }
  }
}
