package io.github.ftproute.routing;

/**
 * A snapshot of a {@link FtpSessionRouter}'s counters. Counts are cumulative since the router was
 * built, except {@link #activeSessions()}.
 *
 * @param sessionsOpened sessions opened
 * @param sessionsRefused sessions refused (no backend, client limit)
 * @param activeSessions sessions open now
 * @param leasesIssued data-port leases issued for passive and active transfers
 * @param leasesRefused transfers answered {@code 425} because no data port could be leased
 * @param dataAdmitted data connections admitted
 * @param dataRefused data connections refused (foreign peer, expired, reused, unknown port)
 * @param commandsRefused client commands answered locally instead of forwarded
 */
public record RouterStats(
    long sessionsOpened,
    long sessionsRefused,
    long activeSessions,
    long leasesIssued,
    long leasesRefused,
    long dataAdmitted,
    long dataRefused,
    long commandsRefused) {}
