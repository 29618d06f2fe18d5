package io.github.ftproute.routing.mina;

import io.github.ftproute.codec.FtpEncoder;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.codec.proxy.ProxyCommand;
import io.github.ftproute.codec.proxy.ProxyDecodeResult;
import io.github.ftproute.codec.proxy.ProxyHeader;
import io.github.ftproute.codec.proxy.ProxyHeaderDecoder;
import io.github.ftproute.codec.proxy.ProxyProtocol;
import java.net.InetSocketAddress;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An accepted connection from a trusted upstream (a PROXY protocol sender) until its header has
 * arrived: it reads and strips the header, then hands the connection to the endpoint the transport
 * chooses for the header's addresses, with any bytes that came after the header in the same read.
 *
 * <p>A malformed header, none within the deadline (MINA's reader-idle time, to the second), or a
 * connection that ends first is refused: logged, a {@code 421} on a control connection, then closed.
 * A {@code LOCAL} header (the upstream's own health check) or one without addresses keeps the
 * connection's own addresses. Memory: the decoder's bound (107 bytes for v1, its cap for v2).
 */
final class ProxyHeaderEnd implements Endpoint {
  private static final Logger logger = LoggerFactory.getLogger(MinaTransport.class);

  /** What the transport does once the header is known. */
  interface Accepted {
    /**
     * Returns the endpoint for {@code session} with {@code client} as its peer and {@code dialled} as
     * the address the client connected to, or null to close it; {@code early} holds the bytes after
     * the header, if any.
     */
    @Nullable Endpoint accept(IoSession session, InetSocketAddress client, InetSocketAddress dialled,
        @Nullable IoBuffer early);
  }

  private final ProxyHeaderDecoder decoder = ProxyProtocol.decoder();
  private final boolean control;
  private final int timeoutSeconds;
  private final Accepted accepted;
  private boolean done;

  ProxyHeaderEnd(boolean control, int timeoutSeconds, Accepted accepted) {
    this.control = control;
    this.timeoutSeconds = timeoutSeconds;
    this.accepted = accepted;
  }

  @Override
  public void opened(IoSession session) {
    // the header's deadline; the endpoint chosen next sets its own idle times
    session.getConfig().setIdleTime(IdleStatus.READER_IDLE, timeoutSeconds);
  }

  @Override
  public synchronized void received(IoSession session, IoBuffer buffer) {
    if (done) {
      return;
    }
    ProxyDecodeResult result = decoder.decode(buffer.buf());
    if (result instanceof ProxyDecodeResult.NeedMore) {
      return;
    }
    done = true;
    if (result instanceof ProxyDecodeResult.Malformed malformed) {
      refuse(session, "malformed PROXY header (" + malformed.reason() + "): " + malformed.message());
      return;
    }
    ProxyHeader header = ((ProxyDecodeResult.Decoded) result).header();
    InetSocketAddress client = (InetSocketAddress) session.getRemoteAddress();
    InetSocketAddress dialled = (InetSocketAddress) session.getLocalAddress();
    if (header.command() == ProxyCommand.PROXY && header.addresses().isPresent()) {
      client = header.addresses().get().source();
      dialled = header.addresses().get().destination();
    }
    session.getConfig().setIdleTime(IdleStatus.READER_IDLE, 0);
    IoBuffer early = null;
    if (buffer.hasRemaining()) {
      early = IoBuffer.allocate(buffer.remaining());
      early.put(buffer.buf());
      early.flip();
    }
    Endpoint next = accepted.accept(session, client, dialled, early);
    if (next == null) {
      session.closeNow();
      return;
    }
    TransportHandler.attach(session, next);
    next.opened(session);
  }

  @Override
  public synchronized void idle(IoSession session, IdleStatus status) {
    if (!done) {
      done = true;
      refuse(session, "no PROXY header within " + timeoutSeconds + " s");
    }
  }

  @Override
  public synchronized void inputClosed(IoSession session) {
    if (!done) {
      done = true;
      logger.debug("connection from upstream {} closed before its PROXY header", session.getRemoteAddress());
    }
    session.closeNow();
  }

  @Override
  public void closed(IoSession session) {}

  private void refuse(IoSession session, String why) {
    logger.warn("{} connection from upstream {} refused: {}", control ? "control" : "data",
        session.getRemoteAddress(), why);
    if (control) {
      session.write(IoBuffer.wrap(FtpEncoder.encode(
          FtpReply.of(ReplyCode.SERVICE_NOT_AVAILABLE, "Service not available: bad or missing PROXY header"))));
      session.closeOnFlush();
    } else {
      session.closeNow();
    }
  }
}
