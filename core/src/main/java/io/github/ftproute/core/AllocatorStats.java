package io.github.ftproute.core;

/**
 * A snapshot of a {@link DataPortAllocator}'s state and counters. The current counts are read stripe
 * by stripe, so under concurrent use they may mix slightly different instants; cumulative counts
 * only grow.
 *
 * @param leased ports leased now and not yet claimed
 * @param claimed ports whose lease admitted a connection and is not released
 * @param quarantined ports resting after release or expiry (or after the probe rejected them)
 * @param free ports that may be leased now
 * @param leasesGranted leases granted since the allocator was built
 * @param expired leases that expired unclaimed
 * @param exhaustedRangeFull lease attempts refused with {@link ExhaustionReason#RANGE_FULL}
 * @param exhaustedClientLimit lease attempts refused with {@link ExhaustionReason#CLIENT_LIMIT}
 * @param refusedNoLease claims refused with {@link ClaimRefusal#NO_LEASE}
 * @param refusedExpired claims refused with {@link ClaimRefusal#EXPIRED}
 * @param refusedAlreadyClaimed claims refused with {@link ClaimRefusal#ALREADY_CLAIMED}
 * @param refusedForeignPeer claims refused with {@link ClaimRefusal#FOREIGN_PEER}
 */
public record AllocatorStats(
    int leased,
    int claimed,
    int quarantined,
    int free,
    long leasesGranted,
    long expired,
    long exhaustedRangeFull,
    long exhaustedClientLimit,
    long refusedNoLease,
    long refusedExpired,
    long refusedAlreadyClaimed,
    long refusedForeignPeer) {}
