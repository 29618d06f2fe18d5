package io.github.ftproute.routing.mina;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client that speaks FTP over a plain socket, line by line, so a test controls every byte and every
 * moment; bound to a chosen loopback address. Every read has a deadline (the socket timeout).
 */
final class RawFtpClient implements AutoCloseable {
  private static final Pattern PASV = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)");

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final InetAddress local;

  private RawFtpClient(Socket socket, InetAddress local) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.local = local;
  }

  /** Connects from {@code localAddress} (a literal); reads time out after 10 s. */
  static RawFtpClient connect(InetSocketAddress server, String localAddress) throws IOException {
    InetAddress local = InetAddress.getByName(localAddress);
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(local, 0));
      socket.connect(server, 5_000);
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      return new RawFtpClient(socket, local);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Connects from {@code localAddress} and writes {@code first} (a PROXY header, say) before anything else. */
  static RawFtpClient connect(InetSocketAddress server, String localAddress, byte[] first) throws IOException {
    RawFtpClient client = connect(server, localAddress);
    client.out.write(first);
    client.out.flush();
    return client;
  }

  /** Sends PASV and returns the address and port its 227 announces. */
  InetSocketAddress pasv() throws IOException {
    String reply = expect("PASV", "227");
    Matcher m = PASV.matcher(reply.substring(4));
    if (!m.find()) {
      throw new AssertionError("227 without an address: " + reply);
    }
    String host = m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
    return new InetSocketAddress(InetAddress.getByName(host),
        Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6)));
  }

  void send(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads one line without its CRLF; null at end of input. */
  String readLine() throws IOException {
    return ScriptedBackend.readLine(in);
  }

  /** Reads one whole reply (multi-line aware) and returns its last line; fails at end of input. */
  String readReply() throws IOException {
    String line = readLine();
    if (line == null) {
      throw new IOException("end of input instead of a reply");
    }
    if (line.length() >= 4 && line.charAt(3) == '-') {
      String end = line.substring(0, 3) + " ";
      while (!line.startsWith(end)) {
        line = readLine();
        if (line == null) {
          throw new IOException("end of input inside a multi-line reply");
        }
      }
    }
    return line;
  }

  /** Sends {@code command} and returns the reply, which must start with {@code code}. */
  String expect(String command, String code) throws IOException {
    send(command);
    String reply = readReply();
    if (!reply.startsWith(code)) {
      throw new AssertionError(command + " got '" + reply + "' (expected: " + code + ")");
    }
    return reply;
  }

  /** Reads the greeting and logs in anonymously, in binary type. */
  void login() throws IOException {
    String greeting = readReply();
    if (!greeting.startsWith("220")) {
      throw new AssertionError("greeting: '" + greeting + "'");
    }
    expect("USER anonymous", "331");
    expect("PASS it@ftproute", "230");
    expect("TYPE I", "200");
  }

  /** Sends PASV and opens the data connection it names, from the client's address. */
  Socket passiveData() throws IOException {
    return passiveData(0);
  }

  /** Opens the data connection of a PASV; a positive {@code receiveBuffer} fixes SO_RCVBUF (no autotuning). */
  Socket passiveData(int receiveBuffer) throws IOException {
    String reply = expect("PASV", "227");
    Matcher m = PASV.matcher(reply.substring(4));
    if (!m.find()) {
      throw new AssertionError("227 without an address: " + reply);
    }
    String host = m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
    int port = Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    Socket data = new Socket();
    if (receiveBuffer > 0) {
      data.setReceiveBufferSize(receiveBuffer);
    }
    data.bind(new InetSocketAddress(local, 0));
    data.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5_000);
    data.setSoTimeout(10_000);
    return data;
  }

  /** Reads every line until the server closes; fails if it does not close within the read deadline. */
  List<String> readUntilEof() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); line != null; line = readLine()) {
      lines.add(line);
    }
    return lines;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
