package io.github.ftproute.affinity.redis;

/**
 * The Lua scripts the table runs on the store, each one atomic there. Times are the server's ({@code
 * TIME}), so instances need no common clock; every entry key has a TTL.
 *
 * <p>Keys: an entry is a string {@code <prefix>e:<client key>} holding the backend id; the index of a
 * backend is a sorted set {@code <prefix>b:<backend id>} of entry keys scored by the time (server
 * milliseconds) their entry expires at the latest. Scripts build index keys from the prefix, so the
 * table runs on a standalone server or on one shard (give the prefix a hash tag, such as {@code
 * {ftproute}:}).
 */
final class Scripts {
  private Scripts() {}

  private static final String NOW =
      "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";

  /**
   * Get-or-assign. KEYS[1] entry; ARGV[1] proposed backend id ('' for none), ARGV[2] TTL in ms,
   * ARGV[3] a backend id the caller refuses ('' for none), ARGV[4] index prefix. Returns {id, code}:
   * code 0 existing (TTL extended, never shortened), 1 created, 2 rebalanced (the refused entry was
   * replaced), 3 no entry and no proposal (id '').
   */
  static final String ROUTE = NOW
      + "local ttl = tonumber(ARGV[2]) "
      + "local cur = redis.call('GET', KEYS[1]) "
      + "if cur and cur ~= ARGV[3] then "
      + "  redis.call('PEXPIRE', KEYS[1], ttl, 'GT') "
      + "  redis.call('ZADD', ARGV[4] .. cur, 'GT', now + ttl, KEYS[1]) "
      + "  return {cur, 0} "
      + "end "
      + "if ARGV[1] == '' then "
      + "  if cur then redis.call('DEL', KEYS[1]) redis.call('ZREM', ARGV[4] .. cur, KEYS[1]) end "
      + "  return {'', 3} "
      + "end "
      + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl) "
      + "redis.call('ZADD', ARGV[4] .. ARGV[1], now + ttl, KEYS[1]) "
      + "if cur then redis.call('ZREM', ARGV[4] .. cur, KEYS[1]) return {ARGV[1], 2} end "
      + "return {ARGV[1], 1}";

  /**
   * Renewal of this instance's leases and touched entries. KEYS entry keys; ARGV[1] index prefix,
   * then per key: backend id, TTL in ms, '1' to create the entry when it is missing (the instance
   * has live connections on it) or '0'. Returns one code per key: 1 the store holds that backend
   * (TTL extended, or created), 0 it holds another or nothing.
   */
  static final String RENEW = NOW
      + "local out = {} "
      + "for i = 1, #KEYS do "
      + "  local id = ARGV[3 * i - 1] local ttl = tonumber(ARGV[3 * i]) "
      + "  local cur = redis.call('GET', KEYS[i]) "
      + "  if cur == id then "
      + "    redis.call('PEXPIRE', KEYS[i], ttl, 'GT') "
      + "    redis.call('ZADD', ARGV[1] .. id, 'GT', now + ttl, KEYS[i]) out[i] = 1 "
      + "  elseif (not cur) and ARGV[3 * i + 1] == '1' then "
      + "    redis.call('SET', KEYS[i], id, 'PX', ttl) "
      + "    redis.call('ZADD', ARGV[1] .. id, now + ttl, KEYS[i]) out[i] = 1 "
      + "  else out[i] = 0 end "
      + "end "
      + "return out";

  /**
   * Drops up to ARGV[2] entries of a departed backend. KEYS[1] its index; ARGV[1] its id. Deletes
   * each indexed entry that still names the backend and removes the members from the index. Returns
   * the number of members taken from the index (0 when it is empty).
   */
  static final String DROP =
      "local m = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1) "
      + "for i = 1, #m do if redis.call('GET', m[i]) == ARGV[1] then redis.call('DEL', m[i]) end end "
      + "if #m > 0 then redis.call('ZREM', KEYS[1], unpack(m)) end "
      + "return #m";

  /** Removes, from each index in KEYS, the members whose entry has expired. Returns how many. */
  static final String TRIM = NOW
      + "local n = 0 "
      + "for i = 1, #KEYS do n = n + redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end "
      + "return n";
}
