package io.github.ftproute.routing.affinity;



/**
 * No backend can take the client: none is {@link Backend.State#UP} with a weight above 0 and the
 * client has no affinity entry that a {@link Backend.State#DRAINING} backend would honour.
 *
 * <p>It is both the {@link Route} of a connection that cannot be routed and the {@link Selection}
 * of a {@link SelectionPolicy} that has no candidate. All instances are equal; use {@link
 * #INSTANCE}.
 */
public record NoBackend() implements Route, Selection {
  /** The instance that the table and the built-in policies return. */
  public static final NoBackend INSTANCE = new NoBackend();
}
