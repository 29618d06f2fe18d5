package io.github.ftproute.routing;

import io.github.ftproute.codec.AddressArguments;
import io.github.ftproute.codec.EpsvArgument;
import io.github.ftproute.codec.FtpCommand;
import io.github.ftproute.codec.FtpReply;
import io.github.ftproute.codec.FtpVerb;
import io.github.ftproute.codec.ParseResult;
import io.github.ftproute.codec.PassiveReply;
import io.github.ftproute.codec.ReplyCode;
import io.github.ftproute.core.ClientKey;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The stateless checks and rewrites of data-connection setup that {@link FtpSession} applies: EPSV
 * protocols (RFC 2428), active-mode addresses (RFC 2577) and passive announcements. Each check
 * returns the value to go on with, or the {@link FtpReply} that refuses the setup.
 */
final class DataCommands {
  private DataCommands() {}

  /** The checked announcement of a passive reply: where data goes, and what the client is told. */
  record PassiveTarget(PassiveReply reply, InetSocketAddress target, InetAddress advertised) {}

  /** A 425 for a data setup that cannot be served, saying why. */
  static FtpReply cannotOpen(String why) {
    return FtpReply.of(ReplyCode.CANNOT_OPEN_DATA_CONNECTION, "Can't open data connection: " + why);
  }

  /** The 501 for PORT, EPRT, LPRT, PASV or LPSV after EPSV ALL (RFC 2428 §4). */
  static FtpReply notAfterEpsvAll(FtpCommand command) {
    return FtpReply.of(ReplyCode.SYNTAX_ERROR_IN_ARGUMENTS, command.verb() + " not allowed after EPSV ALL");
  }

  static boolean isEpsvAll(FtpCommand command) {
    return EpsvArgument.parse(command) instanceof ParseResult.Ok<EpsvArgument> ok
        && ok.value() instanceof EpsvArgument.All;
  }

  /**
   * Returns the EPSV to send to the backend (plain EPSV for {@code EPSV 1}/{@code EPSV 2}: the proxy,
   * not the backend, meets the client's protocol), or the refusal: {@code 522} for a protocol the
   * client's control connection does not use, since a 229 sends the client to that same address.
   */
  static Object epsv(FtpCommand command, InetAddress controlLocal) {
    ParseResult<EpsvArgument> parsed = EpsvArgument.parse(command);
    String served = ClientKey.of(controlLocal).isIpv4() ? "(1)" : "(2)";
    if (parsed instanceof ParseResult.Ok<EpsvArgument> ok) {
      if (ok.value() instanceof EpsvArgument.Protocol protocol) {
        int wanted = ClientKey.of(controlLocal).isIpv4() ? 1 : 2;
        if (protocol.number() != wanted) {
          return FtpReply.of(ReplyCode.NETWORK_PROTOCOL_NOT_SUPPORTED, "Network protocol not supported, use " + served);
        }
        return FtpCommand.of(FtpVerb.EPSV);
      }
      return command;
    }
    if (parsed instanceof ParseResult.Unsupported<EpsvArgument>) {
      return FtpReply.of(ReplyCode.NETWORK_PROTOCOL_NOT_SUPPORTED, "Network protocol not supported, use " + served);
    }
    return FtpReply.of(ReplyCode.SYNTAX_ERROR_IN_ARGUMENTS, "Syntax error in EPSV argument");
  }

  /**
   * Returns the endpoint a PORT, EPRT or LPRT names once checked (the client's own address, RFC 2577,
   * or the client's address put in when the router replaces foreign ones), or the refusal.
   */
  static Object checkActive(FtpCommand command, InetAddress client, SessionRules rules) {
    ParseResult<InetSocketAddress> parsed = AddressArguments.parse(command);
    if (parsed instanceof ParseResult.Unsupported<InetSocketAddress>) {
      return command.verb().equals(FtpVerb.LPRT)
          ? FtpReply.of(ReplyCode.UNSUPPORTED_ADDRESS_FAMILY, "Supported address families are (4, 6)")
          : FtpReply.of(ReplyCode.NETWORK_PROTOCOL_NOT_SUPPORTED, "Network protocol not supported, use (1,2)");
    }
    if (!(parsed instanceof ParseResult.Ok<InetSocketAddress> ok)) {
      return FtpReply.of(ReplyCode.SYNTAX_ERROR_IN_ARGUMENTS, "Syntax error in " + command.verb() + " argument");
    }
    InetSocketAddress announced = ok.value();
    if (!ClientKey.sameAddress(announced.getAddress(), client)) {
      if (!rules.replaceForeignActiveAddress()) {
        return FtpReply.of(ReplyCode.NOT_IMPLEMENTED_FOR_PARAMETER, "Data address must be your own address (RFC 2577)");
      }
      announced = new InetSocketAddress(client, announced.getPort());
    }
    if (announced.getPort() < rules.minimumActivePort()) {
      return FtpReply.of(ReplyCode.NOT_IMPLEMENTED_FOR_PARAMETER,
          "Data port must be " + rules.minimumActivePort() + " or higher (RFC 2577)");
    }
    return announced;
  }

  /**
   * Rewrites an active-mode command to name {@code proxySide}. A PORT becomes an EPRT when the
   * proxy's backend-facing address is IPv6, which PORT cannot carry.
   */
  static FtpCommand rewriteActive(FtpCommand command, InetSocketAddress proxySide) {
    FtpVerb verb = command.verb();
    String argument;
    if (verb.equals(FtpVerb.LPRT)) {
      argument = AddressArguments.formatLprt(proxySide);
    } else if (verb.equals(FtpVerb.PORT) && proxySide.getAddress() instanceof Inet4Address) {
      argument = AddressArguments.formatPort(proxySide);
    } else {
      verb = FtpVerb.EPRT;
      argument = AddressArguments.formatEprt(proxySide);
    }
    return verb.equals(command.verb()) ? command.withArgument(argument) : FtpCommand.of(verb, argument);
  }

  /**
   * Checks a 227, 228 or 229 from the backend: it must parse, name a port at or above the router's
   * minimum, and the proxy must have an address of the family a 227 needs. Data goes to the backend's
   * control address with the announced port unless the router trusts announced addresses.
   */
  static Object passiveTarget(FtpReply reply, InetAddress backendAddress, InetAddress client, InetSocketAddress local,
      InetAddress dialled, SessionRules rules) {
    if (!(PassiveReply.parse(reply) instanceof ParseResult.Ok<PassiveReply> ok)) {
      return cannotOpen("the server announced no usable address");
    }
    PassiveReply passive = ok.value();
    if (passive.port() < rules.minimumPassivePort()) {
      return cannotOpen("the server announced a privileged port");
    }
    InetAddress targetAddress = rules.trustAnnouncedAddress() ? passive.address().orElse(backendAddress) : backendAddress;
    InetAddress advertised = rules.advertisedAddress(client, local, dialled, reply.code().value() == 227);
    if (advertised == null) {
      return cannotOpen("no IPv4 address to offer, use EPSV");
    }
    return new PassiveTarget(passive, new InetSocketAddress(targetAddress, passive.port()), advertised);
  }
}
