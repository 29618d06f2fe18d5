/**
 * Session affinity shared by several proxy instances, kept in Redis 7 or Valkey through Lettuce, with
 * a near cache in each instance and Maglev consistent hashing when the store is away. The entry
 * point is {@link io.github.ftproute.affinity.redis.RedisAffinityTable#builder()}.
 */
@NullMarked
package io.github.ftproute.affinity.redis;

import org.jspecify.annotations.NullMarked;
