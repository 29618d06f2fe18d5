package io.github.ftproute.codec;

/** The category of a reply, given by the first digit of its code (RFC 959 §4.2.1, RFC 2228 §4). */
public enum ReplyCategory {
  /** 1yz: the action is starting; expect another reply before the next command. */
  POSITIVE_PRELIMINARY,
  /** 2yz: the action completed. */
  POSITIVE_COMPLETION,
  /** 3yz: the command was accepted; the server waits for more information (such as {@code PASS}). */
  POSITIVE_INTERMEDIATE,
  /** 4yz: the action did not take place; the same command may succeed later. */
  TRANSIENT_NEGATIVE,
  /** 5yz: the action did not take place and will not succeed if repeated. */
  PERMANENT_NEGATIVE,
  /** 6yz: a protected reply of RFC 2228 carrying an encoded reply. */
  PROTECTED
}
