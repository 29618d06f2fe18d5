package io.github.ftproute.core;

/** How {@link DataPortAllocator#claim} compares a connection's remote address with its lease. */
public enum PeerMatch {
  /**
   * The remote address must be the lease's expected peer (IPv4 and IPv4-mapped IPv6 count as the same).
   * The default: RFC 2577 port-stealing protection.
   */
  SAME_IP,
  /**
   * The remote address must be the expected peer, or fall under the lease owner's {@link ClientKey}
   * (its persistence netmask): for clients whose data connections leave through another address of
   * the same NAT pool.
   */
  SAME_KEY,
  /** Any remote address: for tests, or when another layer already checks peers. */
  ANY
}
