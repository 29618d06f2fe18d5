package io.github.ftproute.codec;

/**
 * What {@link FtpReplyDecoder} produces for one reply from a server: a {@link FtpReply}, a
 * {@link Malformed} reply, or a {@link LineTooLong} reply (a line or the whole multi-line reply over
 * its limit).
 */
public sealed interface DecodedReply permits FtpReply, Malformed, LineTooLong {}
