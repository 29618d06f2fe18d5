package io.github.ftproute.codec;

/** Why a line of the control connection could not be decoded. */
public enum Malformation {
  /** A line with nothing before its end (Telnet commands aside). */
  EMPTY_LINE,
  /** A line ended by LF alone, while the codec requires CRLF (the default). */
  BARE_LF,
  /** A CR inside a line that is not followed by LF. */
  BARE_CR,
  /** A NUL byte inside a line (RFC 959 pathnames exclude it; servers differ in how they cut at it). */
  NUL,
  /** A command line that does not start with a verb followed by a space or the line end. */
  BAD_VERB,
  /** A reply line that does not start with a three-digit code followed by a space or a hyphen. */
  BAD_REPLY_CODE,
  /** The input ended inside a line or inside a multi-line reply ({@code finish} was called). */
  TRUNCATED
}
