package io.github.ftproute.codec;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The verb of an FTP command, such as {@code RETR} or {@code EPSV}: an open vocabulary.
 *
 * <p>The verbs of RFC 959, 1639, 2228, 2389, 2428, 2640, 3659 and 7151 and the common extensions are
 * constants here. {@link #of(String)} looks a verb up case-insensitively ({@link Locale#ROOT}) and
 * returns the constant, or a new value for a verb it does not know, so vendor verbs round-trip
 * untouched. A verb is 1 to {@value #MAX_LENGTH} ASCII letters or digits, starting with a letter; its
 * {@link #name()} is upper case. The spelling a client used is kept by {@link FtpCommand}, not here.
 *
 * <p>Instances are immutable; equality is on the upper-case name.
 */
public final class FtpVerb {
  /** The longest verb accepted, in characters. */
  public static final int MAX_LENGTH = 16;

  private static final Map<String, FtpVerb> KNOWN = new ConcurrentHashMap<>();
  private static final FtpVerb[] BY_PACKED = new FtpVerb[512];

  // RFC 959
  public static final FtpVerb USER = known("USER");
  public static final FtpVerb PASS = known("PASS");
  public static final FtpVerb ACCT = known("ACCT");
  public static final FtpVerb CWD = known("CWD");
  public static final FtpVerb CDUP = known("CDUP");
  public static final FtpVerb SMNT = known("SMNT");
  public static final FtpVerb REIN = known("REIN");
  public static final FtpVerb QUIT = known("QUIT");
  public static final FtpVerb PORT = known("PORT");
  public static final FtpVerb PASV = known("PASV");
  public static final FtpVerb TYPE = known("TYPE");
  public static final FtpVerb STRU = known("STRU");
  public static final FtpVerb MODE = known("MODE");
  public static final FtpVerb RETR = known("RETR");
  public static final FtpVerb STOR = known("STOR");
  public static final FtpVerb STOU = known("STOU");
  public static final FtpVerb APPE = known("APPE");
  public static final FtpVerb ALLO = known("ALLO");
  public static final FtpVerb REST = known("REST");
  public static final FtpVerb RNFR = known("RNFR");
  public static final FtpVerb RNTO = known("RNTO");
  public static final FtpVerb ABOR = known("ABOR");
  public static final FtpVerb DELE = known("DELE");
  public static final FtpVerb RMD = known("RMD");
  public static final FtpVerb MKD = known("MKD");
  public static final FtpVerb PWD = known("PWD");
  public static final FtpVerb LIST = known("LIST");
  public static final FtpVerb NLST = known("NLST");
  public static final FtpVerb SITE = known("SITE");
  public static final FtpVerb SYST = known("SYST");
  public static final FtpVerb STAT = known("STAT");
  public static final FtpVerb HELP = known("HELP");
  public static final FtpVerb NOOP = known("NOOP");
  // RFC 1639
  public static final FtpVerb LPRT = known("LPRT");
  public static final FtpVerb LPSV = known("LPSV");
  // RFC 2228
  public static final FtpVerb AUTH = known("AUTH");
  public static final FtpVerb ADAT = known("ADAT");
  public static final FtpVerb PROT = known("PROT");
  public static final FtpVerb PBSZ = known("PBSZ");
  public static final FtpVerb CCC = known("CCC");
  public static final FtpVerb MIC = known("MIC");
  public static final FtpVerb CONF = known("CONF");
  public static final FtpVerb ENC = known("ENC");
  // RFC 2389
  public static final FtpVerb FEAT = known("FEAT");
  public static final FtpVerb OPTS = known("OPTS");
  // RFC 2428
  public static final FtpVerb EPRT = known("EPRT");
  public static final FtpVerb EPSV = known("EPSV");
  // RFC 2640
  public static final FtpVerb LANG = known("LANG");
  // RFC 3659
  public static final FtpVerb SIZE = known("SIZE");
  public static final FtpVerb MDTM = known("MDTM");
  public static final FtpVerb MLST = known("MLST");
  public static final FtpVerb MLSD = known("MLSD");
  // RFC 7151
  public static final FtpVerb HOST = known("HOST");
  // Common extensions (RFC 775 X-verbs, draft-somers-ftp-mfxx, PRET, CLNT, AVBL)
  public static final FtpVerb XCWD = known("XCWD");
  public static final FtpVerb XCUP = known("XCUP");
  public static final FtpVerb XMKD = known("XMKD");
  public static final FtpVerb XPWD = known("XPWD");
  public static final FtpVerb XRMD = known("XRMD");
  public static final FtpVerb MFMT = known("MFMT");
  public static final FtpVerb MFCT = known("MFCT");
  public static final FtpVerb MFF = known("MFF");
  public static final FtpVerb CLNT = known("CLNT");
  public static final FtpVerb PRET = known("PRET");
  public static final FtpVerb AVBL = known("AVBL");
  public static final FtpVerb CSID = known("CSID");

  private final String name;
  private final boolean known;
  private final int packed;

  private FtpVerb(String name, boolean known) {
    this.name = name;
    this.known = known;
    this.packed = name.length() <= 4 ? pack(name) : -1;
  }

  private static FtpVerb known(String name) {
    FtpVerb verb = new FtpVerb(name, true);
    KNOWN.put(name, verb);
    int slot = slot(pack(name));
    while (BY_PACKED[slot] != null) {
      slot = (slot + 1) & (BY_PACKED.length - 1);
    }
    BY_PACKED[slot] = verb;
    return verb;
  }

  /**
   * Returns the verb named {@code name}, compared case-insensitively: the constant for a known verb,
   * otherwise a new unknown verb.
   *
   * @throws IllegalArgumentException if {@code name} is not 1 to {@value #MAX_LENGTH} ASCII letters
   *     or digits starting with a letter
   */
  public static FtpVerb of(String name) {
    requireNonNull(name, "name");
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "verb: '" + Ascii.escape(name) + "' (expected: 1.." + MAX_LENGTH
              + " ASCII letters or digits, starting with a letter)");
    }
    String upper = name.toUpperCase(Locale.ROOT);
    FtpVerb verb = KNOWN.get(upper);
    return verb != null ? verb : new FtpVerb(upper, false);
  }

  /**
   * Looks up the verb spelled by {@code length} bytes of {@code bytes} from {@code offset}, which the
   * caller has checked with {@link #isVerbByte}. Known verbs are found without allocating.
   */
  static FtpVerb of(byte[] bytes, int offset, int length) {
    if (length <= 4) {
      int packed = 0;
      for (int i = 0; i < length; i++) {
        packed = packed << 8 | (bytes[offset + i] & 0xDF); // letters to upper case
      }
      // A digit masked with 0xDF falls below 'A', so it can never match a known verb's letter.
      for (int slot = slot(packed); BY_PACKED[slot] != null; slot = (slot + 1) & (BY_PACKED.length - 1)) {
        FtpVerb candidate = BY_PACKED[slot];
        if (candidate.packed == packed) {
          return candidate;
        }
      }
    }
    return of(new String(bytes, offset, length, StandardCharsets.US_ASCII));
  }

  static boolean isVerbByte(byte b, boolean first) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (!first && b >= '0' && b <= '9');
  }

  private static boolean isValid(String name) {
    int n = name.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c > 0x7F || !isVerbByte((byte) c, i == 0)) {
        return false;
      }
    }
    return true;
  }

  private static int pack(String name) {
    int packed = 0;
    for (int i = 0; i < name.length(); i++) {
      packed = packed << 8 | name.charAt(i);
    }
    return packed;
  }

  private static int slot(int packed) {
    int h = packed * 0x9E3779B9;
    return (h >>> 23) & (BY_PACKED.length - 1);
  }

  /** Returns the verb in upper case, such as {@code "EPSV"}. */
  public String name() {
    return name;
  }

  /** Returns whether this verb is one of the constants of this class. */
  public boolean isKnown() {
    return known;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FtpVerb other && name.equals(other.name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  /** Returns {@link #name()}. */
  @Override
  public String toString() {
    return name;
  }
}
