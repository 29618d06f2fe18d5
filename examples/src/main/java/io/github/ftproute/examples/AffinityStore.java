package io.github.ftproute.examples;

import io.github.ftproute.affinity.redis.RedisAffinityTable;
import io.github.ftproute.routing.affinity.AffinityTable;
import io.github.ftproute.routing.affinity.BackendPool;
import io.github.ftproute.routing.affinity.SelectionPolicy;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The proxy's side of {@code --affinity-store}: one Lettuce client and connection to the Redis or
 * Valkey server, and the shared {@link RedisAffinityTable} over it. Commands fail at once while the
 * server is unreachable, so routing falls back to Maglev without waiting. The first connection
 * attempt happens here: a server that is down at start-up is an error, later outages are not.
 */
final class AffinityStore implements AutoCloseable {
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;

  private AffinityStore(RedisClient client, StatefulRedisConnection<String, String> connection) {
    this.client = client;
    this.connection = connection;
  }

  static AffinityStore connect(InetSocketAddress address) {
    RedisURI uri = RedisURI.builder()
        .withHost(address.getAddress().getHostAddress())
        .withPort(address.getPort())
        .withTimeout(Duration.ofSeconds(2))
        .build();
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .build());
    try {
      return new AffinityStore(client, client.connect());
    } catch (RuntimeException e) {
      client.shutdown();
      throw new IllegalArgumentException("--affinity-store: redis://" + address.getAddress().getHostAddress() + ":"
          + address.getPort() + " (expected: a reachable Redis or Valkey server: " + e.getMessage() + ")", e);
    }
  }

  AffinityTable table(BackendPool backends, SelectionPolicy policy, Duration persistenceTimeout) {
    return RedisAffinityTable.builder()
        .connection(connection)
        .backends(backends)
        .policy(policy)
        .persistenceTimeout(persistenceTimeout)
        .build();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
