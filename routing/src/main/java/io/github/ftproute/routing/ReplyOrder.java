package io.github.ftproute.routing;

import io.github.ftproute.codec.FtpReply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which replies may reach the client while data connections are open: the rule that a
 * transfer's final reply never overtakes its data.
 *
 * <p>A backend's {@code 226 Transfer complete} can overtake the last data bytes on their way through
 * the proxy, and a client that believes it may cut the file short. So once a transfer has started (a
 * 1xx reply went by), the final reply that ends it waits while a data connection of the session is
 * open, and every reply after it waits too, to keep the order; they go out when the last data
 * connection has delivered everything and closed. Replies before a transfer starts pass at once even
 * while a data connection is open (curl connects right after the 229 and only then sends {@code TYPE
 * I} and {@code RETR}), and so does the 1xx itself: clients such as Commons Net wait for it before
 * they read any data. Replies are routed on what they say, never by counting them against commands.
 *
 * <p>Not thread-safe: {@link FtpSession} calls it under its own lock. Memory: the held replies are
 * bounded by what the backend sends while one transfer drains, which the control connection's
 * backpressure bounds in turn.
 */
final class ReplyOrder {
  private final ArrayDeque<FtpReply> held = new ArrayDeque<>();
  private int openData;
  private boolean transferStarted;

  /** Returns whether {@code reply} may go to the client now; if not, it is queued. */
  boolean offer(FtpReply reply) {
    boolean endsTransfer = transferStarted && reply.isFinal();
    if (!reply.isFinal()) {
      transferStarted = true;
    } else if (endsTransfer) {
      transferStarted = false;
    }
    if (!held.isEmpty() || (endsTransfer && openData > 0)) {
      held.add(reply);
      return false;
    }
    return true;
  }

  /** Queues a locally made answer behind held replies; returns whether it may go now. */
  boolean offerAnswer(FtpReply answer) {
    if (held.isEmpty()) {
      return true;
    }
    held.add(answer);
    return false;
  }

  void dataOpened() {
    openData++;
  }

  /** A data connection delivered its last byte and closed: returns the replies now due, in order. */
  List<FtpReply> dataClosed() {
    openData--;
    if (openData > 0 || held.isEmpty()) {
      return List.of();
    }
    List<FtpReply> due = new ArrayList<>(held);
    held.clear();
    return due;
  }

  int openData() {
    return openData;
  }

  int heldCount() {
    return held.size();
  }
}
