package io.github.ftproute.routing.affinity;



/**
 * Where a new connection goes: {@link Routed} to a backend, or {@link NoBackend} when no backend can
 * take the client.
 *
 * <p>Returned by {@link AffinityTable#open}; match it with {@code instanceof} patterns:
 *
 * <pre>{@code
 * if (table.open(key) instanceof Routed routed) {
 *   connect(routed.backend().endpoint());
 *   // ... when the connection closes:
 *   table.close(key, routed);
 * } else {
 *   refuse(); // NoBackend: answer 421 and close
 * }
 * }</pre>
 */
public sealed interface Route permits Routed, NoBackend {}
