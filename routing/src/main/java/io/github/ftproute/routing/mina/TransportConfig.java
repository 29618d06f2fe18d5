package io.github.ftproute.routing.mina;

import io.github.ftproute.codec.FtpCodec;
import java.net.InetAddress;
import io.github.ftproute.core.Cidr;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The transport's settings, fixed by {@link MinaTransportBuilder}; see its table for meanings and defaults. */
record TransportConfig(
    MinaTransport.Mode mode,
    FtpCodec codec,
    int controlIdleTimeoutSeconds,
    int backendTimeoutSeconds,
    @Nullable InetAddress backendSource,
    int dataBufferBytes,
    long spliceHighWater,
    long spliceLowWater,
    Duration healthInterval,
    Duration healthTimeout,
    Duration sweepInterval,
    List<Cidr> proxyUpstreams,
    int proxyHeaderTimeoutSeconds) {

  TransportConfig {
    proxyUpstreams = List.copyOf(proxyUpstreams);
  }
}
