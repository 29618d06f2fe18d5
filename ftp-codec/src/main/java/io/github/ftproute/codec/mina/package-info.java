/**
 * Apache MINA adapter: {@link org.apache.mina.filter.codec.ProtocolCodecFactory} implementations
 * that wrap the transport-neutral decoders and encoders of {@code io.github.ftproute.codec}.
 * Needs {@code org.apache.mina:mina-core} on the class or module path.
 */
@NullMarked
package io.github.ftproute.codec.mina;

import org.jspecify.annotations.NullMarked;
