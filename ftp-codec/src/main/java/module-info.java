/**
 * The FTP control-channel codec: commands, replies, incremental decoders and encoders, address
 * arguments and reply rewriting; {@code io.github.ftproute.codec.mina} adapts it to Apache MINA.
 */
module io.github.ftproute.codec {
  requires static org.jspecify;
  requires static mina.core;

  exports io.github.ftproute.codec;
  exports io.github.ftproute.codec.mina;
  exports io.github.ftproute.codec.proxy;
}
