package io.github.ftproute.core;

/** Who connects to a leased data port. */
public enum LeasePurpose {
  /** Passive mode (PASV/EPSV): the client connects to the proxy's port; the target is the backend. */
  PASSIVE,
  /** Active mode (PORT/EPRT): the backend connects to the proxy's port; the target is the client. */
  ACTIVE
}
