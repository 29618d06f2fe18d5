/**
 * The Apache MINA transport: {@link io.github.ftproute.routing.mina.MinaTransport} serves FTP
 * through a {@link io.github.ftproute.routing.FtpSessionRouter} on the embedder's MINA acceptor,
 * connector and scheduler, in rewrite or persistence mode. Needs {@code org.apache.mina:mina-core}
 * on the class path, which the routing artifact declares optional.
 */
@NullMarked
package io.github.ftproute.routing.mina;

import org.jspecify.annotations.NullMarked;
