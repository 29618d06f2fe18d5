package io.github.ftproute.routing;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/** The outcome of {@link FtpSessionRouter#admitData}: where to splice the connection, or why not. */
public sealed interface DataAdmission {
  /**
   * The data connection belongs to {@code session}: connect to {@code target} and splice the two.
   * Close {@code connection} when the data connection ends.
   *
   * @param target where the other end of the data connection is: the backend's data port for a
   *     passive transfer, the client's announced endpoint for an active one
   * @param session the session that owns the lease
   * @param connection the handle that releases the lease when closed
   */
  record Admitted(InetSocketAddress target, FtpSession session, DataConnection connection)
      implements DataAdmission {
    /** Checks for null. */
    public Admitted {
      requireNonNull(target, "target");
      requireNonNull(session, "session");
      requireNonNull(connection, "connection");
    }
  }

  /**
   * The connection must be closed at once; nothing is spliced.
   *
   * @param reason why
   */
  record Refused(DataRefusal reason) implements DataAdmission {
    /** Checks for null. */
    public Refused {
      requireNonNull(reason, "reason");
    }
  }
}
