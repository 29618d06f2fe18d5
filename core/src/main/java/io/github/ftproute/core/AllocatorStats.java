package io.github.ftproute.core;

/**
 * A snapshot of a {@link DataPortAllocator}'s state and counters. The current counts are read stripe
 * by stripe, so under concurrent use they may mix slightly different instants; cumulative counts
 * only grow.
 *
 * @param leased leases granted and not yet claimed
 * @param claimed leases that admitted a connection and are not released
 * @param quarantined (port, peer) pairs resting after a connection: the peer may not lease that
 *     port again until its quarantine ends (other peers may)
 * @param rejected ports skipped for the probe's back-off after the port probe rejected them
 * @param free ports that can take another lease now (without shared ports: ports with no lease);
 *     a free port may still be closed to a peer that rests on it
 * @param leasesGranted leases granted since the allocator was built
 * @param expired leases that expired unclaimed
 * @param exhaustedRangeFull lease attempts refused with {@link ExhaustionReason#RANGE_FULL}
 * @param exhaustedClientLimit lease attempts refused with {@link ExhaustionReason#CLIENT_LIMIT}
 * @param exhaustedClientRate lease attempts refused with {@link ExhaustionReason#CLIENT_RATE}
 * @param quarantineOverflows times the quarantine table was full, so that the oldest pair's port was
 *     closed to every peer until that pair's quarantine ended
 * @param refusedNoLease claims refused with {@link ClaimRefusal#NO_LEASE}
 * @param refusedExpired claims refused with {@link ClaimRefusal#EXPIRED}
 * @param refusedAlreadyClaimed claims refused with {@link ClaimRefusal#ALREADY_CLAIMED}
 * @param refusedForeignPeer claims refused with {@link ClaimRefusal#FOREIGN_PEER}
 */
public record AllocatorStats(
    int leased,
    int claimed,
    int quarantined,
    int rejected,
    int free,
    long leasesGranted,
    long expired,
    long exhaustedRangeFull,
    long exhaustedClientLimit,
    long exhaustedClientRate,
    long quarantineOverflows,
    long refusedNoLease,
    long refusedExpired,
    long refusedAlreadyClaimed,
    long refusedForeignPeer) {}
