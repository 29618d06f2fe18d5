package io.github.ftproute.routing;

import static io.github.ftproute.routing.RouterFixture.client;
import static io.github.ftproute.routing.RouterFixture.reply;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.FtpReply;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Over any interleaving of backend replies and data connections opening and closing: every reply
 * reaches the client exactly once and in the backend's order, and no reply that ends a transfer is
 * written while a data connection of the session is open.
 */
final class FtpSessionReplyOrderProperties {
  private static final String[] REPLIES = {"150 Opening", "125 Transfer starting", "226 Done", "200 Ok",
      "426 Aborted", "550 No such file", "213 100", "350 Restarting", "221 Bye"};

  @Provide
  Arbitrary<List<Integer>> events() {
    // 0..8: a reply from REPLIES; 9: a data connection opens (227 + admission); 10: the oldest open one closes
    return Arbitraries.integers().between(0, 10).list().ofMaxSize(60);
  }

  @Property(tries = 500)
  void repliesNeverOvertakeData_andNoneIsReorderedOrLost(@ForAll("events") List<Integer> events) {
    RouterFixture f = new RouterFixture(b -> b.maxLeasesPerClient(64));
    FtpSession session = f.open("127.0.0.10");
    List<String> sent = new ArrayList<>();
    List<String> received = new ArrayList<>();
    List<DataConnection> open = new ArrayList<>();
    boolean[] transferStarted = {false};
    int clientPort = 41000;

    for (int event : events) {
      if (event < REPLIES.length) {
        FtpReply reply = reply(REPLIES[event]);
        sent.add(REPLIES[event].substring(0, 3));
        deliver(session.onServerReply(reply).toClient(), received, open, transferStarted);
      } else if (event == 9) {
        ReplyDecision decision = session.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,16)."));
        sent.add("227");
        deliver(decision.toClient(), received, open, transferStarted);
        if (decision.dataPort().isPresent()) {
          DataAdmission admission = f.router.admitData(decision.dataPort().getAsInt(), client("127.0.0.10", clientPort++));
          open.add(((DataAdmission.Admitted) admission).connection());
        }
      } else if (!open.isEmpty()) {
        DataConnection closing = open.remove(0);
        deliver(closing.close(), received, open, transferStarted);
      }
    }
    while (!open.isEmpty()) {
      deliver(open.remove(0).close(), received, open, transferStarted);
    }

    List<String> receivedCodes = received.stream().map(s -> s.substring(0, 3)).toList();
    // 227s are rewritten (or turned into 425s when a setup is refused): compare their position only
    assertThat(receivedCodes.stream().map(c -> c.equals("425") ? "227" : c).toList()).isEqualTo(sent);
    assertThat(session.heldReplies()).isZero();
    session.close();
    assertThat(f.router.dataPorts().stats().leased() + f.router.dataPorts().stats().claimed()).isZero();
  }

  /** Writes replies to the "client", checking the rule at the moment each one goes out. */
  private static void deliver(List<FtpReply> replies, List<String> received, List<DataConnection> open,
      boolean[] transferStarted) {
    for (FtpReply reply : replies) {
      boolean endsTransfer = transferStarted[0] && reply.isFinal();
      if (!reply.isFinal()) {
        transferStarted[0] = true;
      } else if (endsTransfer) {
        transferStarted[0] = false;
        assertThat(open).as("a reply ending a transfer went out while data was open: " + reply).isEmpty();
      }
      received.add(reply.code() + " " + reply.text());
    }
  }
}
