package io.github.ftproute.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * A data port held for one expected connection (or a few, if asked): who owns it, who may connect,
 * where the connection goes, and the caller's attachment. Closing the lease gives the port back; if
 * the lease admitted a connection, the expected peer rests on that port for the quarantine (see
 * {@link DataPortAllocator.Builder#quarantine}). Closing twice is harmless.
 *
 * <p>A lease is its own {@link LeaseResult.Leased} and {@link ClaimResult.Claimed} result, so a lease
 * and its claim allocate nothing but this object.
 *
 * <p>Thread-safe. Leases compare by identity: two leases of one port at different times are different.
 */
public final class PortLease implements LeaseResult.Leased, ClaimResult.Claimed, AutoCloseable {
  static final int LIVE = 0;
  static final int RELEASED = 1;
  static final int EXPIRED = 2;

  private static final VarHandle CLAIMS;
  private static final VarHandle STATE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CLAIMS = lookup.findVarHandle(PortLease.class, "claims", int.class);
      STATE = lookup.findVarHandle(PortLease.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final DataPortAllocator allocator;
  private int port; // set once under the stripe lock, before the lease is handed out
  int index;
  private final ClientKey owner;
  private final InetAddress expectedPeer;
  final long peerBits;
  private final InetSocketAddress target;
  private final LeasePurpose purpose;
  private final int maxConnections;
  final long deadline;
  private final @Nullable Object attachment;
  final ClientShares.Share share;

  // Written under the stripe lock (release stores); read under it, or with acquire loads outside.
  private int claims;
  private int state;
  @Nullable PortLease nextOnPort;
  @Nullable PortLease expiryPrev;
  @Nullable PortLease expiryNext;

  PortLease(DataPortAllocator allocator, ClientKey owner, InetAddress expectedPeer, long peerBits,
      InetSocketAddress target, LeasePurpose purpose, int maxConnections, long deadline,
      @Nullable Object attachment, ClientShares.Share share) {
    this.allocator = allocator;
    this.owner = owner;
    this.expectedPeer = expectedPeer;
    this.peerBits = peerBits;
    this.target = target;
    this.purpose = purpose;
    this.maxConnections = maxConnections;
    this.deadline = deadline;
    this.attachment = attachment;
    this.share = share;
  }

  /** Returns this lease (the {@link LeaseResult.Leased} and {@link ClaimResult.Claimed} view). */
  @Override
  public PortLease lease() {
    return this;
  }

  /** Returns the leased port. */
  public int port() {
    return port;
  }

  /** Returns the client the lease counts against. */
  public ClientKey owner() {
    return owner;
  }

  /** Returns the address a connection must come from (under the allocator's {@link PeerMatch} rule). */
  public InetAddress expectedPeer() {
    return expectedPeer;
  }

  /** Returns where an admitted connection goes. */
  public InetSocketAddress target() {
    return target;
  }

  /** Returns who connects to the port. */
  public LeasePurpose purpose() {
    return purpose;
  }

  /** Returns how many connections the lease admits, 1 unless asked otherwise. */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Returns the object the caller attached when leasing (typically its session, so that an admitted
   * connection finds its session in one step), or null if none.
   */
  public @Nullable Object attachment() {
    return attachment;
  }

  /** Returns whether the lease has admitted at least one connection. */
  public boolean isClaimed() {
    return (int) CLAIMS.getAcquire(this) > 0;
  }

  /**
   * Returns whether the lease still holds its port: not released or expired, and either claimed or
   * within its accept timeout. Reads the allocator's ticker.
   */
  public boolean isLive() {
    return (int) STATE.getAcquire(this) == LIVE
        && ((int) CLAIMS.getAcquire(this) > 0 || allocator.now() - deadline < 0);
  }

  /** Releases the port (into quarantine for its peer, if it was claimed). Harmless if already released or expired. */
  @Override
  public void close() {
    allocator.release(this);
  }

  // --- under the stripe lock ---

  void place(int port, int index) {
    this.port = port;
    this.index = index;
  }

  int claims() {
    return claims;
  }

  void claimOnce() {
    CLAIMS.setRelease(this, claims + 1);
  }

  int state() {
    return state;
  }

  void end(int how) {
    STATE.setRelease(this, how);
  }

  @Override
  public String toString() {
    int s = (int) STATE.getAcquire(this);
    return "PortLease[" + port + " " + purpose + " owner " + owner + " peer " + expectedPeer.getHostAddress()
        + " -> " + target + (s == RELEASED ? ", released" : s == EXPIRED ? ", expired"
        : isClaimed() ? ", claimed" : "") + "]";
  }
}
