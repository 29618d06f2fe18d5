package io.github.ftproute.affinity.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The table's calls to the store: each script by {@code EVALSHA}, and by {@code EVAL} (which also
 * loads it) when the server answers {@code NOSCRIPT} (a restarted or flushed server). Every call
 * waits for its reply up to a deadline and reports a failure as {@link StoreException}; a reply that
 * comes later is dropped. Thread-safe: Lettuce connections are.
 */
final class Store {
  /** A failed, refused or late call. */
  static final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    StoreException(String message, @Nullable Throwable cause) {
      super(message, cause, false, false);
    }
  }

  private final RedisAsyncCommands<String, String> commands;
  final LongAdder calls = new LongAdder();

  private record Script(String name, String source, String sha) {}

  private final Script route;
  private final Script renew;
  private final Script drop;
  private final Script trim;

  Store(StatefulRedisConnection<String, String> connection) {
    this.commands = connection.async();
    this.route = script("route", Scripts.ROUTE);
    this.renew = script("renew", Scripts.RENEW);
    this.drop = script("drop", Scripts.DROP);
    this.trim = script("trim", Scripts.TRIM);
  }

  private Script script(String name, String source) {
    return new Script(name, source, commands.digest(source));
  }

  /** Runs the get-or-assign script; returns {backend id ('' for none), code}. */
  List<Object> route(String entryKey, String proposed, long ttlMillis, String refused, String indexPrefix,
      long timeoutNanos) throws StoreException {
    return run(route, ScriptOutputType.MULTI, new String[] {entryKey}, timeoutNanos,
        proposed, Long.toString(ttlMillis), refused, indexPrefix);
  }

  /** Runs the renewal script over {@code keys}, with {@code args} as {@link Scripts#RENEW} wants. */
  List<Object> renew(String[] keys, String[] args, long timeoutNanos) throws StoreException {
    return run(renew, ScriptOutputType.MULTI, keys, timeoutNanos, args);
  }

  /** Drops up to {@code batch} entries of a departed backend; returns how many index members it took. */
  long drop(String indexKey, String backendId, int batch, long timeoutNanos) throws StoreException {
    Long n = run(drop, ScriptOutputType.INTEGER, new String[] {indexKey}, timeoutNanos,
        backendId, Integer.toString(batch));
    return n;
  }

  /** Removes expired members from the indexes {@code indexKeys}; returns how many. */
  long trim(String[] indexKeys, long timeoutNanos) throws StoreException {
    Long n = run(trim, ScriptOutputType.INTEGER, indexKeys, timeoutNanos);
    return n;
  }

  /** Reads an entry's backend id, without changing its TTL; null when there is none. */
  @Nullable String get(String entryKey, long timeoutNanos) throws StoreException {
    calls.increment();
    try {
      return await(commands.get(entryKey), timeoutNanos, "get");
    } catch (RuntimeException e) {
      throw new StoreException("get: " + e, e);
    }
  }

  /**
   * Runs {@code script} by its digest and, when the server does not know it, by its source: two
   * round trips, each waiting up to {@code timeoutNanos}, once after a server restart or flush.
   */
  private <T> T run(Script script, ScriptOutputType type, String[] keys, long timeoutNanos, String... args)
      throws StoreException {
    calls.increment();
    try {
      RedisFuture<T> sha = commands.evalsha(script.sha, type, keys, args);
      try {
        return awaitRaw(sha, timeoutNanos);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RedisNoScriptException)) {
          throw new StoreException(script.name + ": " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new StoreException(script.name + ": no reply within " + timeoutNanos / 1000 + " us", null);
      }
      calls.increment();
      return await(commands.eval(script.source, type, keys, args), timeoutNanos, script.name);
    } catch (RuntimeException e) {
      throw new StoreException(script.name + ": " + e, e);
    }
  }

  private static <T> T await(RedisFuture<T> future, long timeoutNanos, String name) throws StoreException {
    try {
      return awaitRaw(future, timeoutNanos);
    } catch (ExecutionException e) {
      throw new StoreException(name + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new StoreException(name + ": no reply within " + timeoutNanos / 1000 + " us", null);
    }
  }

  private static <T> T awaitRaw(RedisFuture<T> future, long timeoutNanos)
      throws ExecutionException, TimeoutException, StoreException {
    try {
      return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new StoreException("interrupted", e);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw e;
    }
  }
}
