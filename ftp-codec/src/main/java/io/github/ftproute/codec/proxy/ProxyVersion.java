package io.github.ftproute.codec.proxy;

/** The version of a PROXY protocol header. */
public enum ProxyVersion {
  /** Version 1: one human-readable line of at most 107 bytes. */
  V1,
  /** Version 2: a binary header with a 16-byte fixed part, addresses and TLVs. */
  V2
}
