package io.github.ftproute.routing;

/**
 * The data traffic one backend has carried, from {@link FtpSessionRouter#traffic(String)}: counts
 * are cumulative since the router was built. An immutable value.
 *
 * @param connections data connections that ended
 * @param bytesFromClients bytes moved from clients toward the backend (uploads), in bytes
 * @param bytesToClients bytes moved from the backend toward clients (downloads, listings), in bytes
 */
public record BackendTraffic(long connections, long bytesFromClients, long bytesToClients) {
  /** No traffic. */
  public static final BackendTraffic NONE = new BackendTraffic(0, 0, 0);

  /**
   * Checks the counts.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public BackendTraffic {
    if (connections < 0 || bytesFromClients < 0 || bytesToClients < 0) {
      throw new IllegalArgumentException("counts: " + connections + ", " + bytesFromClients + ", "
          + bytesToClients + " (expected: >= 0)");
    }
  }
}
