package io.github.ftproute.routing.mina;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;

/**
 * The real Apache Commons Net client, bound to a chosen loopback address so that several "clients"
 * (127.0.0.10, 127.0.0.11, ...) live on one machine. Every wait has a deadline.
 */
final class FtpClients {
  /** How a client opens its data connections. */
  enum Mode {
    PASV,
    EPSV,
    PORT,
    /** EPRT over IPv4 (Commons Net sends it only over IPv6), driven by hand. */
    EPRT
  }

  private FtpClients() {}

  /** Connects from {@code localAddress}, logs in anonymously, binary type, data mode {@code mode}. */
  static FTPClient login(InetSocketAddress server, String localAddress, Mode mode) throws IOException {
    FTPClient ftp = new FTPClient();
    ftp.setConnectTimeout(5_000);
    ftp.setDefaultTimeout(15_000);
    ftp.setDataTimeout(Duration.ofSeconds(15));
    ftp.setBufferSize(64 * 1024);
    InetAddress local = InetAddress.getByName(localAddress); // a literal: no lookup
    ftp.connect(server.getAddress(), server.getPort(), local, 0);
    ftp.setSoTimeout(15_000);
    ftp.setPassiveLocalIPAddress(local); // data connections leave from the control connection's address
    ftp.setActivePortRange(0, 0);
    if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
      String reply = ftp.getReplyString();
      ftp.disconnect();
      throw new IOException("connection refused: " + reply.trim());
    }
    if (!ftp.login("anonymous", "it@ftproute")) {
      String reply = ftp.getReplyString();
      ftp.disconnect();
      throw new IOException("login failed: " + reply.trim());
    }
    ftp.setFileType(FTP.BINARY_FILE_TYPE);
    switch (mode) {
      case PASV -> ftp.enterLocalPassiveMode();
      case EPSV -> {
        ftp.enterLocalPassiveMode();
        ftp.setUseEPSVwithIPv4(true);
      }
      case PORT, EPRT -> ftp.enterLocalActiveMode();
    }
    return ftp;
  }

  /** Downloads {@code path} into {@code sink} (RETR) in {@code mode}. */
  static void download(FTPClient ftp, String path, OutputStream sink, Mode mode) throws IOException {
    if (mode == Mode.EPRT) {
      eprt(ftp, "RETR", path, data -> data.getInputStream().transferTo(sink));
      return;
    }
    if (!ftp.retrieveFile(path, sink)) {
      throw new IOException("RETR " + path + " failed: " + ftp.getReplyString().trim());
    }
  }

  /** Uploads {@code content} to {@code path} (STOR) in {@code mode}. */
  static void upload(FTPClient ftp, String path, InputStream content, Mode mode) throws IOException {
    if (mode == Mode.EPRT) {
      eprt(ftp, "STOR", path, data -> content.transferTo(data.getOutputStream()));
      return;
    }
    if (!ftp.storeFile(path, content)) {
      throw new IOException("STOR " + path + " failed: " + ftp.getReplyString().trim());
    }
  }

  private interface DataUse {
    void use(Socket data) throws IOException;
  }

  private static void eprt(FTPClient ftp, String verb, String path, DataUse use) throws IOException {
    InetAddress local = ftp.getLocalAddress();
    try (ServerSocket listener = new ServerSocket(0, 1, local)) {
      listener.setSoTimeout(15_000);
      String argument = "|1|" + local.getHostAddress() + "|" + listener.getLocalPort() + "|";
      if (!FTPReply.isPositiveCompletion(ftp.sendCommand("EPRT", argument))) {
        throw new IOException("EPRT refused: " + ftp.getReplyString().trim());
      }
      if (!FTPReply.isPositivePreliminary(ftp.sendCommand(verb, path))) {
        throw new IOException(verb + " " + path + " failed: " + ftp.getReplyString().trim());
      }
      try (Socket data = listener.accept()) {
        data.setSoTimeout(15_000);
        use.use(data);
      }
      if (!ftp.completePendingCommand()) {
        throw new IOException(verb + " " + path + " did not complete: " + ftp.getReplyString().trim());
      }
    }
  }

  /** Logs out and disconnects; returns the reply to QUIT (or the error). */
  static String quit(FTPClient ftp) {
    String reply;
    try {
      ftp.logout();
      reply = ftp.getReplyString().trim();
    } catch (IOException e) {
      reply = e.toString();
    }
    try {
      ftp.disconnect();
    } catch (IOException e) {
      // closed
    }
    return reply;
  }
}
