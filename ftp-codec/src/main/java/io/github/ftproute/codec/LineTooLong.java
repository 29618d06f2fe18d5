package io.github.ftproute.codec;

/**
 * A line longer than the decoder's limit, or a multi-line reply larger than its limit. It is reported
 * as soon as the limit is passed; the rest of the line (or reply) is then discarded through its end
 * without being buffered, and decoding goes on after it.
 *
 * @param limit the limit that was passed, in bytes
 */
public record LineTooLong(int limit) implements DecodedCommand, DecodedReply {}
