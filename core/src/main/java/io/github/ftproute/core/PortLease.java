package io.github.ftproute.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * A data port held for one expected connection (or a few, if asked): who owns it, who may connect,
 * and where the connection goes. Closing the lease releases the port into its quarantine; closing
 * twice is harmless.
 *
 * <p>Thread-safe. Leases compare by identity: two leases of one port at different times are different.
 */
public final class PortLease implements AutoCloseable {
  private final DataPortAllocator allocator;
  private final int port;
  final int index;
  private final ClientKey owner;
  private final InetAddress expectedPeer;
  private final InetSocketAddress target;
  private final LeasePurpose purpose;
  private final int maxConnections;
  private final @Nullable Object attachment;
  final long deadline;
  int claims; // guarded by the stripe lock; read through the volatile below
  private volatile int publishedClaims;
  private volatile boolean released;

  PortLease(DataPortAllocator allocator, int port, int index, ClientKey owner, InetAddress expectedPeer,
      InetSocketAddress target, LeasePurpose purpose, int maxConnections, long deadline,
      @Nullable Object attachment) {
    this.allocator = allocator;
    this.port = port;
    this.index = index;
    this.owner = owner;
    this.expectedPeer = expectedPeer;
    this.target = target;
    this.purpose = purpose;
    this.maxConnections = maxConnections;
    this.deadline = deadline;
    this.attachment = attachment;
  }

  /** Returns the object the lease was taken with (such as the caller's session), or null if none. */
  public @Nullable Object attachment() {
    return attachment;
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

  /** Returns whether the lease has admitted at least one connection. */
  public boolean isClaimed() {
    return publishedClaims > 0;
  }

  /**
   * Returns whether the lease still holds its port: not released, and either claimed or within its
   * accept timeout.
   */
  public boolean isLive() {
    return !released && (publishedClaims > 0 || allocator.now() - deadline < 0);
  }

  void claimed() {
    claims++;
    publishedClaims = claims;
  }

  boolean markReleased() {
    if (released) {
      return false;
    }
    released = true;
    return true;
  }

  boolean isReleased() {
    return released;
  }

  /** Releases the port into its quarantine. Harmless if already released or expired. */
  @Override
  public void close() {
    allocator.release(this);
  }

  @Override
  public String toString() {
    return "PortLease[" + port + " " + purpose + " owner " + owner + " peer " + expectedPeer.getHostAddress()
        + " -> " + target + (released ? ", released" : publishedClaims > 0 ? ", claimed" : "") + "]";
  }
}
