/** FTP-aware routing: the client-IP affinity table, backends, selection policies and the session router. */
module io.github.ftproute.routing {
  requires transitive io.github.ftproute.core;
  requires transitive io.github.ftproute.codec;
  requires transitive com.google.common;
  requires org.slf4j;
  requires static mina.core;
  requires static org.jspecify;

  exports io.github.ftproute.routing;
  exports io.github.ftproute.routing.affinity;
  exports io.github.ftproute.routing.health;
  exports io.github.ftproute.routing.mina;
}
