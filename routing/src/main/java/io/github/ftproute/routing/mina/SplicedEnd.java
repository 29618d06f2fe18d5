package io.github.ftproute.routing.mina;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;

/** One side of a {@link Splice}, as the MINA session's endpoint. */
record SplicedEnd(Splice splice, int side) implements Endpoint {
  @Override
  public void received(IoSession session, IoBuffer buffer) {
    MinaSessions.dataRead(session, buffer);
    splice.received(side, buffer);
  }

  @Override
  public void sent(IoSession session) {
    splice.sent(side);
  }

  @Override
  public void inputClosed(IoSession session) {
    splice.inputClosed(side);
  }

  @Override
  public void closed(IoSession session) {
    splice.closed(side);
  }
}
