package io.github.ftproute.codec.proxy;

/** What a PROXY protocol header says about its connection. */
public enum ProxyCommand {
  /**
   * The sender made the connection on its own behalf (a health check): the receiver uses the
   * connection's real addresses. Version 2 only.
   */
  LOCAL,
  /** The connection is relayed for a client: the header's addresses, when present, are the client's. */
  PROXY
}
