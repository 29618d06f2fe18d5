package io.github.ftproute.core;

/**
 * Tells the allocator whether a port it is about to lease can really be used, for example by trying
 * to bind it. The allocator itself never opens sockets; it skips a rejected port for the probe's
 * back-off period. Called while the allocator holds a lock on the port's stripe: it must be quick and
 * must not call back into the allocator.
 */
@FunctionalInterface
public interface PortProbe {
  /** Returns whether {@code port} may be leased now. */
  boolean isUsable(int port);
}
