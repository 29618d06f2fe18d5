package io.github.ftproute.examples;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;

/**
 * Real FTP clients for the demo and the tests: Apache Commons Net, bound to a chosen local address
 * so that several "clients" live on one machine (127.0.0.10, 127.0.0.11, ... on loopback).
 */
public final class FtpClients {
  /** How a client opens its data connections. */
  public enum DataMode {
    /** PASV / 227. */
    PASV,
    /** EPSV / 229. */
    EPSV,
    /** PORT: the server connects to the client. */
    PORT,
    /** EPRT over IPv4 (Commons Net sends it only over IPv6, so it is sent by hand here). */
    EPRT
  }

  private FtpClients() {}

  /** Connects from {@code localAddress}, logs in anonymously, selects binary type and the data mode. */
  public static FTPClient login(InetSocketAddress server, String localAddress, DataMode mode) throws IOException {
    FTPClient ftp = new FTPClient();
    ftp.setConnectTimeout(10_000);
    ftp.setDefaultTimeout(20_000);
    ftp.setDataTimeout(java.time.Duration.ofSeconds(20));
    InetAddress local = InetAddress.getByName(localAddress); // a literal: no lookup
    ftp.connect(server.getAddress(), server.getPort(), local, 0);
    ftp.setPassiveLocalIPAddress(local); // data connections leave from the same address as control
    if (!FTPReply.isPositiveCompletion(ftp.getReplyCode())) {
      String reply = ftp.getReplyString();
      ftp.disconnect();
      throw new IOException("connection refused: " + reply.trim());
    }
    if (!ftp.login("anonymous", "demo@ftproute")) {
      throw new IOException("login failed: " + ftp.getReplyString().trim());
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

  /** Downloads {@code path} in the client's data mode; EPRT is driven by hand. */
  public static byte[] download(FTPClient ftp, String path, DataMode mode) throws IOException {
    if (mode == DataMode.EPRT) {
      return eprtDownload(ftp, path);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ftp.retrieveFile(path, out)) {
      throw new IOException("RETR " + path + " failed: " + ftp.getReplyString().trim());
    }
    return out.toByteArray();
  }

  /** Uploads {@code content} to {@code path} (STOR) in the client's data mode. */
  public static void upload(FTPClient ftp, String path, byte[] content, DataMode mode) throws IOException {
    if (mode == DataMode.EPRT) {
      eprtUpload(ftp, path, content);
      return;
    }
    if (!ftp.storeFile(path, new ByteArrayInputStream(content))) {
      throw new IOException("STOR " + path + " failed: " + ftp.getReplyString().trim());
    }
  }

  /** Lists the names in the working directory (NLST). */
  public static String[] list(FTPClient ftp) throws IOException {
    String[] names = ftp.listNames();
    if (names == null) {
      throw new IOException("NLST failed: " + ftp.getReplyString().trim());
    }
    return names;
  }

  private static byte[] eprtDownload(FTPClient ftp, String path) throws IOException {
    try (ServerSocket listener = eprt(ftp)) {
      int reply = ftp.sendCommand("RETR", path);
      if (!FTPReply.isPositivePreliminary(reply)) {
        throw new IOException("RETR " + path + " failed: " + ftp.getReplyString().trim());
      }
      byte[] content;
      try (Socket data = listener.accept(); InputStream in = data.getInputStream()) {
        content = in.readAllBytes();
      }
      if (!ftp.completePendingCommand()) {
        throw new IOException("RETR " + path + " did not complete: " + ftp.getReplyString().trim());
      }
      return content;
    }
  }

  private static void eprtUpload(FTPClient ftp, String path, byte[] content) throws IOException {
    try (ServerSocket listener = eprt(ftp)) {
      int reply = ftp.sendCommand("STOR", path);
      if (!FTPReply.isPositivePreliminary(reply)) {
        throw new IOException("STOR " + path + " failed: " + ftp.getReplyString().trim());
      }
      try (Socket data = listener.accept()) {
        data.getOutputStream().write(content);
      }
      if (!ftp.completePendingCommand()) {
        throw new IOException("STOR " + path + " did not complete: " + ftp.getReplyString().trim());
      }
    }
  }

  private static ServerSocket eprt(FTPClient ftp) throws IOException {
    InetAddress local = ftp.getLocalAddress();
    ServerSocket listener = new ServerSocket(0, 1, local);
    listener.setSoTimeout(20_000);
    String argument = "|1|" + local.getHostAddress() + "|" + listener.getLocalPort() + "|";
    if (!FTPReply.isPositiveCompletion(ftp.sendCommand("EPRT", argument))) {
      listener.close();
      throw new IOException("EPRT refused: " + ftp.getReplyString().trim());
    }
    return listener;
  }

  /** Logs out and disconnects, ignoring errors. */
  public static void quit(FTPClient ftp) {
    try {
      ftp.logout();
    } catch (IOException e) {
      // closing anyway
    }
    try {
      ftp.disconnect();
    } catch (IOException e) {
      // closed
    }
  }

  /** Returns {@code size} bytes that depend only on {@code seed}. */
  public static byte[] content(long seed, int size) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Returns the SHA-256 of {@code bytes} in hex, shortened to 12 digits. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads the backend's name from its whoami.txt. */
  public static String whoami(FTPClient ftp, DataMode mode) throws IOException {
    return new String(download(ftp, BackendServer.WHOAMI, mode), StandardCharsets.US_ASCII).trim();
  }
}
