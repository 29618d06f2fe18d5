package io.github.ftproute.routing.affinity;



/**
 * What a {@link SelectionPolicy.Selector} chose for a client without an affinity entry: one of the
 * {@link Candidates}, or {@link NoBackend} when there is no candidate.
 */
public sealed interface Selection permits Selected, NoBackend {}
