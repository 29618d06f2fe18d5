/** Protocol-free primitives of ftproute: client keys, port ranges and the data-port allocator. */
module io.github.ftproute.core {
  requires transitive com.google.common;
  requires static org.jspecify;

  exports io.github.ftproute.core;
}
