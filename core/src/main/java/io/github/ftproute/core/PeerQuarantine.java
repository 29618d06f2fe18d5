package io.github.ftproute.core;

import java.util.Arrays;

/**
 * The (port, peer) pairs of one {@link PortStripe} that rest after a connection: the peer may not
 * lease that port until the pair's time is up; every other peer may.
 *
 * <p>A ring of entries in insertion order (so the oldest is at the head and leaves first), each also
 * on a FIFO chain of its port, so "does this peer rest on this port?" walks only that port's
 * entries. The ring starts small and doubles up to {@code maxEntries}. When it is full, the oldest
 * entry leaves early and its port is closed to <i>every</i> peer until that entry's time is up: the
 * guarantee holds, the pool shrinks instead (counted in {@link #overflows}).
 *
 * <p>Memory: 16 bytes per port (chain head and tail, closed-until time) plus 24 bytes per ring slot.
 * Not thread-safe: used under the stripe's lock.
 */
final class PeerQuarantine {
  private static final int NONE = -1;

  private final int maxEntries;
  private final int[] portHead;
  private final int[] portTail;
  private final long[] closedUntil;
  private int[] port;
  private long[] peer;
  private long[] until;
  private int[] next;
  private int head;
  private int size;
  long overflows;

  /**
   * @param ports ports of the stripe
   * @param maxEntries most entries, a power of two
   * @param origin a time at or before every time that will be passed in
   */
  PeerQuarantine(int ports, int maxEntries, long origin) {
    this.maxEntries = maxEntries;
    this.portHead = new int[ports];
    this.portTail = new int[ports];
    this.closedUntil = new long[ports];
    Arrays.fill(portHead, NONE);
    Arrays.fill(portTail, NONE);
    Arrays.fill(closedUntil, origin);
    allocate(Math.min(maxEntries, 16));
  }

  private void allocate(int capacity) {
    port = new int[capacity];
    peer = new long[capacity];
    until = new long[capacity];
    next = new int[capacity];
  }

  int size() {
    return size;
  }

  /** Returns whether {@code peerBits} rests on port {@code local}. Call {@link #expire} first. */
  boolean rests(int local, long peerBits) {
    for (int s = portHead[local]; s != NONE; s = next[s]) {
      if (peer[s] == peerBits) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether port {@code local} is closed to every peer after an overflow. */
  boolean closed(int local, long now) {
    return closedUntil[local] - now > 0;
  }

  /** Drops the entries whose time is up. */
  void expire(long now) {
    while (size > 0 && until[head] - now <= 0) {
      pop();
    }
  }

  /** Lets {@code peerBits} rest on port {@code local} until {@code end}. */
  void add(int local, long peerBits, long end) {
    if (size == port.length) {
      if (port.length < maxEntries) {
        grow();
      } else {
        int oldest = head;
        int p = port[oldest];
        if (until[oldest] - closedUntil[p] > 0) {
          closedUntil[p] = until[oldest];
        }
        pop();
        overflows++;
      }
    }
    int mask = port.length - 1;
    int s = (head + size) & mask;
    port[s] = local;
    peer[s] = peerBits;
    until[s] = end;
    next[s] = NONE;
    if (portTail[local] == NONE) {
      portHead[local] = s;
    } else {
      next[portTail[local]] = s;
    }
    portTail[local] = s;
    size++;
  }

  /** Removes the oldest entry, which is the first of its port's chain. */
  private void pop() {
    int s = head;
    int p = port[s];
    portHead[p] = next[s];
    if (portHead[p] == NONE) {
      portTail[p] = NONE;
    }
    head = (head + 1) & (port.length - 1);
    size--;
  }

  /** Doubles the ring, moving the entries to slots 0..size-1 in order. */
  private void grow() {
    int[] oldPort = port;
    long[] oldPeer = peer;
    long[] oldUntil = until;
    int[] oldNext = next;
    int oldMask = oldPort.length - 1;
    allocate(oldPort.length * 2);
    for (int i = 0; i < size; i++) {
      int from = (head + i) & oldMask;
      port[i] = oldPort[from];
      peer[i] = oldPeer[from];
      until[i] = oldUntil[from];
      next[i] = oldNext[from] == NONE ? NONE : (oldNext[from] - head) & oldMask;
    }
    for (int p = 0; p < portHead.length; p++) {
      if (portHead[p] != NONE) {
        portHead[p] = (portHead[p] - head) & oldMask;
        portTail[p] = (portTail[p] - head) & oldMask;
      }
    }
    head = 0;
  }
}
