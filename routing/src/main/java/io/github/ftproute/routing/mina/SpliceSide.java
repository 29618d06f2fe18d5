package io.github.ftproute.routing.mina;

import org.apache.mina.core.buffer.IoBuffer;

/**
 * One TCP connection of a {@link Splice}, as the splice sees it: the few operations backpressure and
 * closing need. {@link MinaSide} is the real one; tests drive the splice through fakes that force
 * the interleavings of two I/O threads.
 */
interface SpliceSide {
  /** Queues bytes for writing; never blocks. */
  void write(IoBuffer buffer);

  /** Returns the bytes queued for writing and not yet written; safe from any thread. */
  long queuedBytes();

  /** Stops reading; called on this side's own I/O thread. */
  void suspendRead();

  /** Starts reading again; safe from any thread, and takes effect at once (wakes the selector). */
  void resumeRead();

  /** Half-closes: no more bytes will be written (TCP FIN); reading goes on. */
  void shutdownOutput();

  /** Closes once the queued bytes are written. */
  void closeOnFlush();
}
