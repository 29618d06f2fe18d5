package io.github.ftproute.routing;

/** Why {@link FtpSessionRouter#admitData} refused a data connection. */
public enum DataRefusal {
  /** No lease was ever issued for the port, or it was released. */
  UNKNOWN_PORT,
  /** The lease was not claimed within the accept timeout. */
  EXPIRED,
  /** The lease already admitted its connection: a second one is port stealing (RFC 2577 §5). */
  ALREADY_USED,
  /** The connection comes from an address other than the one the lease expects. */
  FOREIGN_PEER
}
