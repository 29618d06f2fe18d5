package io.github.ftproute.routing.internal;

import io.github.ftproute.core.ClientKey;

/**
 * The 64-bit hash of a client key that the hashing policies use: a fixed function of the key's
 * family, bits and prefix length, the same in every JVM and every run, so proxies that share a
 * backend list choose alike.
 */
public final class KeyHash {
  private KeyHash() {}

  public static long of(ClientKey key) {
    long tag = (key.isIpv4() ? 0x100L : 0x200L) | key.prefixLength();
    long h = mix(key.high() ^ (tag * 0x9E37_79B9_7F4A_7C15L));
    return mix(h ^ key.low());
  }

  /** The murmur3 64-bit finaliser: a bijection that spreads every input bit over the output. */
  public static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51_AFD7_ED55_8CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CE_B9FE_1A85_EC53L;
    return z ^ (z >>> 33);
  }
}
