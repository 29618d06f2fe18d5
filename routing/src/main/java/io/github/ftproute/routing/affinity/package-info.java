/**
 * Client-IP session affinity (IPVS-style persistence): the {@link
 * io.github.ftproute.routing.affinity.AffinityTable}, backends and their states, the backend pool's
 * immutable snapshots, and the selection policies that pick a backend for a new client.
 *
 * <p>{@link io.github.ftproute.routing.affinity.SelectionPolicy} and {@link
 * io.github.ftproute.routing.affinity.Candidates} are the extension point for custom policies.
 */
@NullMarked
package io.github.ftproute.routing.affinity;

import org.jspecify.annotations.NullMarked;
