package io.github.ftproute.routing;

/** The listener of {@link AffinityListener#noop()}; the table skips calling it. */
enum NoopListener implements AffinityListener {
  INSTANCE
}
