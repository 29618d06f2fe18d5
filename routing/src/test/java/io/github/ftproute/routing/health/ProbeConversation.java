package io.github.ftproute.routing.health;

import com.google.common.testing.FakeTicker;
import io.github.ftproute.codec.FtpCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Drives a {@link FtpProbe} the way a transport does, recording what it sends and decides. */
final class ProbeConversation {
  final FakeTicker ticker = new FakeTicker();
  final FtpProbe probe;
  final List<String> sent = new ArrayList<>();
  final List<ProbeResult> results = new ArrayList<>();
  boolean closed;

  ProbeConversation(ProbeSpec spec) {
    probe = FtpProbe.start(spec, FtpCodec.defaults(), ticker);
  }

  ProbeConversation connect() {
    apply(probe.connected());
    return this;
  }

  ProbeConversation receive(String wire) {
    return receive(wire.getBytes(StandardCharsets.UTF_8));
  }

  ProbeConversation receive(byte[] wire) {
    apply(probe.received(ByteBuffer.wrap(wire)));
    return this;
  }

  ProbeConversation advance(Duration d) {
    ticker.advance(d);
    apply(probe.tick());
    return this;
  }

  ProbeConversation peerClosed() {
    apply(probe.closed());
    return this;
  }

  ProbeConversation refused() {
    apply(probe.refused());
    return this;
  }

  void apply(ProbeStep step) {
    if (closed && (!step.commands().isEmpty() || step.result().isPresent())) {
      throw new AssertionError("the probe acted after it asked to close: " + step);
    }
    String wire = new String(step.toBackend(), StandardCharsets.UTF_8);
    for (String line : wire.split("\r\n")) {
      if (!line.isEmpty()) {
        sent.add(line);
      }
    }
    step.result().ifPresent(results::add);
    closed |= step.closeConnection();
  }

  /** The one result; fails when there is none or more than one. */
  ProbeResult result() {
    if (results.size() != 1) {
      throw new AssertionError("expected one result, got " + results);
    }
    return results.get(0);
  }
}
