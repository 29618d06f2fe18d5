/**
 * An {@code AffinityTable} shared by several proxy instances through Redis 7 or Valkey, on Lettuce:
 * see {@link io.github.ftproute.affinity.redis.RedisAffinityTable}.
 */
module io.github.ftproute.affinity.redis {
  requires transitive io.github.ftproute.routing;
  requires transitive lettuce.core;
  requires org.slf4j;
  requires static org.jspecify;

  exports io.github.ftproute.affinity.redis;
}
