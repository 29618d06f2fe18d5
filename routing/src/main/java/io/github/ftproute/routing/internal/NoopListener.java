package io.github.ftproute.routing.internal;

import io.github.ftproute.routing.affinity.AffinityListener;

/** The listener of {@link AffinityListener#noop()}; the table skips calling it. */
public enum NoopListener implements AffinityListener {
  INSTANCE
}
