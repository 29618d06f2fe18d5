/**
 * Implementation details of the routing module, not exported: the affinity table's segments, the
 * built-in selection policies, key hashing and rate-limited logging. Nothing here is API.
 */
@NullMarked
package io.github.ftproute.routing.internal;

import org.jspecify.annotations.NullMarked;
