package io.github.ftproute.routing.mina;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.WriteRequest;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;
import org.jspecify.annotations.Nullable;

/**
 * A pool of MINA I/O processors to share between the {@link
 * org.apache.mina.transport.socket.nio.NioSocketAcceptor} and the {@link
 * org.apache.mina.transport.socket.nio.NioSocketConnector} given to a {@link MinaTransport}, which
 * runs each connection the transport opens on the processor of the connection it serves.
 *
 * <p><b>Why.</b> With MINA's default pools the acceptor and the connector each own their processors
 * and place sessions by id, so the client side and the backend side of one relay usually sit on two
 * threads, and every line or chunk relayed wakes the other thread's selector: about 30 thread
 * wake-ups per short FTP session (login, one small RETR, QUIT). With this pool the backend control
 * connection runs on the processor of its client control connection, and the second half of each
 * data connection on the processor of the first half, so relaying stays on one thread.
 *
 * <p>The processors also skip the selector wake-ups MINA asks of a processor from its own I/O
 * thread, which on one thread are pure overhead (see {@code LoopAwareProcessor}).
 *
 * <p>Accepted sessions, and connections not opened by a transport, are placed round robin.
 * Sessions stay on their processor for life.
 *
 * <p><b>Threads.</b> The processors run on the embedder's {@code executor}, one task per processor
 * for as long as it has sessions: give an executor that can run {@code size} tasks at once (a
 * cached or a fixed pool of {@code size} threads). MINA's own default is one processor per core plus
 * one.
 *
 * <p><b>Life cycle.</b> Services given a processor do not dispose of it: call {@link #dispose()}
 * after disposing of the acceptor and the connector.
 *
 * <p>Thread-safe.
 */
public final class PairedProcessorPool implements IoProcessor<NioSession> {
  private static final AttributeKey PROCESSOR = new AttributeKey(PairedProcessorPool.class, "processor");
  private static final AttributeKey PAIRED_WITH = new AttributeKey(PairedProcessorPool.class, "pairedWith");

  private final NioProcessor[] processors;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * Creates {@code size} processors running on {@code executor}.
   *
   * @param size the number of processors, from 1; the number of cores is a good start
   * @throws IllegalArgumentException if {@code size} is below 1
   */
  public PairedProcessorPool(int size, Executor executor) {
    checkArgument(size >= 1, "size must be at least 1, was %s", size);
    requireNonNull(executor, "executor");
    processors = new NioProcessor[size];
    for (int i = 0; i < size; i++) {
      processors[i] = LoopAwareProcessor.create(executor);
    }
  }

  /**
   * Asks the pool to run {@code session}, not yet added, on the processor of {@code servedSession};
   * called from the session initializer of a connect. Without effect when the session is not run by
   * this pool.
   */
  static void pair(IoSession session, IoSession servedSession) {
    session.setAttribute(PAIRED_WITH, servedSession);
  }

  private NioProcessor processorOf(NioSession session) {
    NioProcessor processor = (NioProcessor) session.getAttribute(PROCESSOR);
    if (processor != null) {
      return processor;
    }
    processor = pairedProcessor(session);
    if (processor == null) {
      processor = processors[Math.floorMod(next.getAndIncrement(), processors.length)];
    }
    NioProcessor raced = (NioProcessor) session.setAttributeIfAbsent(PROCESSOR, processor);
    return raced == null ? processor : raced;
  }

  private @Nullable NioProcessor pairedProcessor(NioSession session) {
    Object served = session.removeAttribute(PAIRED_WITH);
    if (!(served instanceof IoSession)) {
      return null;
    }
    Object processor = ((IoSession) served).getAttribute(PROCESSOR);
    return processor instanceof NioProcessor ? (NioProcessor) processor : null;
  }

  @Override
  public void add(NioSession session) {
    processorOf(session).add(session);
  }

  @Override
  public void flush(NioSession session) {
    processorOf(session).flush(session);
  }

  @Override
  public void write(NioSession session, WriteRequest writeRequest) {
    processorOf(session).write(session, writeRequest);
  }

  @Override
  public void updateTrafficControl(NioSession session) {
    processorOf(session).updateTrafficControl(session);
  }

  @Override
  public void remove(NioSession session) {
    processorOf(session).remove(session);
  }

  @Override
  public boolean isDisposing() {
    return processors[0].isDisposing();
  }

  @Override
  public boolean isDisposed() {
    for (NioProcessor processor : processors) {
      if (!processor.isDisposed()) {
        return false;
      }
    }
    return true;
  }

  /** Disposes of every processor, closing their sessions, and waits for their threads to end: never call it from an I/O thread. */
  @Override
  public void dispose() {
    for (NioProcessor processor : processors) {
      processor.dispose();
    }
  }
}
