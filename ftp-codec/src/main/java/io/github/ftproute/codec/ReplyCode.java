package io.github.ftproute.codec;

/**
 * A three-digit FTP reply code, 100 to 699, with its {@link ReplyCategory category}.
 *
 * <p>{@link #of(int)} returns one shared instance per code, so codes may be compared with
 * {@code ==} as well as {@link #equals}. The constants name the codes a proxy routes on.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ReplyCode implements Comparable<ReplyCode> {
  private static final ReplyCategory[] CATEGORIES = ReplyCategory.values();
  private static final ReplyCode[] CODES = new ReplyCode[600];

  static {
    for (int i = 0; i < CODES.length; i++) {
      CODES[i] = new ReplyCode(100 + i);
    }
  }

  /** 120: service ready in nnn minutes. */
  public static final ReplyCode SERVICE_READY_LATER = of(120);
  /** 125: data connection already open; transfer starting. */
  public static final ReplyCode DATA_CONNECTION_ALREADY_OPEN = of(125);
  /** 150: file status okay; about to open data connection. */
  public static final ReplyCode FILE_STATUS_OKAY = of(150);
  /** 200: command okay. */
  public static final ReplyCode COMMAND_OKAY = of(200);
  /** 211: system status, or the FEAT list (RFC 2389). */
  public static final ReplyCode SYSTEM_STATUS = of(211);
  /** 213: file status (SIZE, MDTM, STAT of a file). */
  public static final ReplyCode FILE_STATUS = of(213);
  /** 214: help message. */
  public static final ReplyCode HELP_MESSAGE = of(214);
  /** 220: service ready for new user. */
  public static final ReplyCode SERVICE_READY = of(220);
  /** 221: service closing control connection. */
  public static final ReplyCode CLOSING_CONTROL_CONNECTION = of(221);
  /** 225: data connection open; no transfer in progress. */
  public static final ReplyCode DATA_CONNECTION_OPEN = of(225);
  /** 226: closing data connection; requested file action successful. */
  public static final ReplyCode CLOSING_DATA_CONNECTION = of(226);
  /** 227: entering passive mode (h1,h2,h3,h4,p1,p2). */
  public static final ReplyCode ENTERING_PASSIVE_MODE = of(227);
  /** 228: entering long passive mode (RFC 1639). */
  public static final ReplyCode ENTERING_LONG_PASSIVE_MODE = of(228);
  /** 229: entering extended passive mode (|||port|) (RFC 2428). */
  public static final ReplyCode ENTERING_EXTENDED_PASSIVE_MODE = of(229);
  /** 230: user logged in. */
  public static final ReplyCode USER_LOGGED_IN = of(230);
  /** 234: security data exchange complete; AUTH accepted (RFC 2228). */
  public static final ReplyCode SECURITY_EXCHANGE_COMPLETE = of(234);
  /** 250: requested file action okay, completed. */
  public static final ReplyCode FILE_ACTION_OKAY = of(250);
  /** 257: pathname created. */
  public static final ReplyCode PATHNAME_CREATED = of(257);
  /** 331: user name okay, need password. */
  public static final ReplyCode NEED_PASSWORD = of(331);
  /** 350: requested file action pending further information. */
  public static final ReplyCode FILE_ACTION_PENDING = of(350);
  /** 421: service not available, closing control connection. */
  public static final ReplyCode SERVICE_NOT_AVAILABLE = of(421);
  /** 425: can't open data connection. */
  public static final ReplyCode CANNOT_OPEN_DATA_CONNECTION = of(425);
  /** 426: connection closed; transfer aborted. */
  public static final ReplyCode TRANSFER_ABORTED = of(426);
  /** 500: syntax error, command unrecognized (also: command line too long). */
  public static final ReplyCode SYNTAX_ERROR = of(500);
  /** 501: syntax error in parameters or arguments. */
  public static final ReplyCode SYNTAX_ERROR_IN_ARGUMENTS = of(501);
  /** 502: command not implemented. */
  public static final ReplyCode COMMAND_NOT_IMPLEMENTED = of(502);
  /** 503: bad sequence of commands. */
  public static final ReplyCode BAD_SEQUENCE = of(503);
  /** 504: command not implemented for that parameter. */
  public static final ReplyCode NOT_IMPLEMENTED_FOR_PARAMETER = of(504);
  /** 521: data connection cannot be opened with this address family (RFC 1639). */
  public static final ReplyCode UNSUPPORTED_ADDRESS_FAMILY = of(521);
  /** 522: network protocol not supported (RFC 2428). */
  public static final ReplyCode NETWORK_PROTOCOL_NOT_SUPPORTED = of(522);
  /** 530: not logged in. */
  public static final ReplyCode NOT_LOGGED_IN = of(530);
  /** 550: requested action not taken; file unavailable. */
  public static final ReplyCode FILE_UNAVAILABLE = of(550);

  private final int value;

  private ReplyCode(int value) {
    this.value = value;
  }

  /**
   * Returns the reply code {@code value}.
   *
   * @throws IllegalArgumentException if {@code value} is not in 100..699
   */
  public static ReplyCode of(int value) {
    if (value < 100 || value > 699) {
      throw new IllegalArgumentException("reply code: " + value + " (expected: 100..699)");
    }
    return CODES[value - 100];
  }

  /** Returns the code as a number, 100 to 699. */
  public int value() {
    return value;
  }

  /** Returns the category given by the first digit. */
  public ReplyCategory category() {
    return CATEGORIES[value / 100 - 1];
  }

  /**
   * Returns whether a reply with this code ends the exchange started by a command: every code but
   * the 1yz preliminary ones (RFC 959 §4.2). A 1yz reply is followed by another reply.
   */
  public boolean isFinal() {
    return value >= 200;
  }

  @Override
  public int compareTo(ReplyCode other) {
    return Integer.compare(value, other.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplyCode other && value == other.value;
  }

  @Override
  public int hashCode() {
    return value;
  }

  /** Returns the three digits, such as {@code "227"}. */
  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
