package io.github.ftproute.routing;

import static io.github.ftproute.routing.RouterFixture.client;
import static io.github.ftproute.routing.RouterFixture.command;
import static io.github.ftproute.routing.RouterFixture.reply;
import static io.github.ftproute.routing.RouterFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reply-ordering rules of {@link FtpSession}: a transfer's final reply never overtakes its data,
 * and no reply is reordered or lost. Scripted from what real clients and servers do.
 */
final class FtpSessionReplyOrderTest {
  private final RouterFixture f = new RouterFixture();
  private final FtpSession session = f.open("127.0.0.10");

  /** The backend answers PASV; the client connects to the rewritten port. */
  private DataConnection passiveDataConnection() {
    ReplyDecision decision = session.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,16)."));
    int port = decision.dataPort().orElseThrow();
    assertThat(((ParseResult.Ok<PassiveReply>) PassiveReply.parse(decision.toClient().get(0))).value().port())
        .isEqualTo(port);
    DataAdmission admission = f.router.admitData(port, client("127.0.0.10", 40000 + port % 1000));
    return ((DataAdmission.Admitted) admission).connection();
  }

  private static List<String> texts(List<FtpReply> replies) {
    return replies.stream().map(RouterFixture::text).toList();
  }

  @Test
  void download_226BeforeLastByte_heldUntilDataConnectionCloses() {
    DataConnection data = passiveDataConnection();

    ReplyDecision opening = session.onServerReply(reply("150 Opening BINARY mode data connection"));
    ReplyDecision complete = session.onServerReply(reply("226 Transfer complete"));

    assertThat(texts(opening.toClient())).containsExactly("150 Opening BINARY mode data connection");
    assertThat(complete).isInstanceOf(ReplyDecision.Hold.class);
    assertThat(complete.toClient()).isEmpty();
    assertThat(session.isTransferring()).isTrue();
    assertThat(session.heldReplies()).isEqualTo(1);
    assertThat(texts(data.close())).containsExactly("226 Transfer complete");
    assertThat(session.isTransferring()).isFalse();
  }

  @Test
  void repliesAndAnswersAfterAHeldReply_waitBehindIt_inOrder() {
    DataConnection data = passiveDataConnection();
    session.onServerReply(reply("150 Here comes the directory listing."));
    session.onServerReply(reply("226 Directory send OK."));

    CommandDecision noop = session.onClientCommand(command("NOOP"));
    ReplyDecision noopReply = session.onServerReply(reply("200 NOOP ok."));
    CommandDecision bounce = session.onClientCommand(command("PORT 10,9,9,9,4,1"));

    assertThat(noop.toBackend()).isPresent(); // commands still flow to the backend
    assertThat(noopReply.toClient()).isEmpty();
    assertThat(bounce.toBackend()).isEmpty();
    assertThat(bounce.toClient()).as("a local answer waits too").isEmpty();
    assertThat(texts(data.close())).containsExactly("226 Directory send OK.", "200 NOOP ok.",
        "504 Data address must be your own address (RFC 2577)");
    assertThat(texts(session.onServerReply(reply("221 Goodbye.")).toClient())).containsExactly("221 Goodbye.");
  }

  @Test
  void repliesBeforeTheTransferStarts_passWhileTheDataConnectionIsOpen() {
    // curl connects right after the 229 and only then sends TYPE I and RETR.
    DataConnection data = passiveDataConnection();

    assertThat(texts(session.onServerReply(reply("200 Switching to Binary mode.")).toClient()))
        .containsExactly("200 Switching to Binary mode.");
    assertThat(texts(session.onServerReply(reply("213 1048576")).toClient())).containsExactly("213 1048576");
    assertThat(session.onServerReply(reply("150 Opening")).toClient()).hasSize(1);
    assertThat(session.onServerReply(reply("226 Done")).toClient()).isEmpty();
    assertThat(texts(data.close())).containsExactly("226 Done");
  }

  @Test
  void finalReplyWithNoDataConnectionOpen_passesAtOnce() {
    session.onServerReply(reply("150 Opening"));

    assertThat(texts(session.onServerReply(reply("425 Failed to establish connection.")).toClient()))
        .containsExactly("425 Failed to establish connection.");
  }

  @Test
  void dataClosedBeforeTheFinalReply_finalReplyPassesAtOnce() {
    DataConnection data = passiveDataConnection();
    session.onServerReply(reply("150 Opening"));

    assertThat(data.close()).isEmpty();
    assertThat(texts(session.onServerReply(reply("226 Done")).toClient())).containsExactly("226 Done");
  }

  @Test
  void abor_426And226_bothHeldAndReleasedInOrder() {
    DataConnection data = passiveDataConnection();
    session.onServerReply(reply("150 Opening"));

    assertThat(session.onServerReply(reply("426 Failure writing network stream.")).toClient()).isEmpty();
    assertThat(session.onServerReply(reply("226 ABOR successful.")).toClient()).isEmpty();
    assertThat(texts(data.close())).containsExactly("426 Failure writing network stream.", "226 ABOR successful.");
  }

  @Test
  void pureFtpdExtraFinalLinesAfter226_keepTheirOrder() {
    DataConnection data = passiveDataConnection();
    session.onServerReply(reply("150 Accepted data connection"));
    session.onServerReply(reply("226 File successfully transferred"));

    assertThat(session.onServerReply(reply("226 0.001 seconds (measured here), 1.2 Mbytes per second")).toClient())
        .isEmpty();
    assertThat(data.close()).hasSize(2);
  }

  @Test
  void twoDataConnections_releasedAfterTheLast() {
    DataConnection first = passiveDataConnection();
    DataConnection second = passiveDataConnection();
    session.onServerReply(reply("150 Opening"));
    session.onServerReply(reply("226 Done"));

    assertThat(first.close()).isEmpty();
    assertThat(texts(second.close())).containsExactly("226 Done");
    assertThat(second.close()).as("a second close returns nothing").isEmpty();
  }

  @Test
  void passiveReplyHeldBehindAFinalReply_stillNamesItsPort() {
    DataConnection data = passiveDataConnection();
    session.onServerReply(reply("150 Opening"));
    session.onServerReply(reply("226 Done"));

    ReplyDecision next = session.onServerReply(reply("227 Entering Passive Mode (10,0,0,5,39,17)."));

    assertThat(next).isInstanceOf(ReplyDecision.Hold.class);
    assertThat(next.dataPort()).isPresent();
    List<FtpReply> due = data.close();
    assertThat(texts(due).get(0)).isEqualTo("226 Done");
    assertThat(((ParseResult.Ok<PassiveReply>) PassiveReply.parse(due.get(1))).value().port())
        .isEqualTo(next.dataPort().getAsInt());
  }

  @Test
  void sessionClosedWhileDataRuns_dataCloseReturnsNothing_leaseComesBack() {
    DataConnection data = passiveDataConnection();
    session.onServerReply(reply("150 Opening"));
    session.onServerReply(reply("226 Done"));

    session.close();

    assertThat(data.close()).isEmpty();
    assertThat(f.router.dataPorts().stats().leased() + f.router.dataPorts().stats().claimed()).isZero();
  }

  @Test
  void text_helperMatchesWire() {
    assertThat(text(reply("226 Done"))).isEqualTo("226 Done");
  }
}
