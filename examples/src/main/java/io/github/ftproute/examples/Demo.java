package io.github.ftproute.examples;

import io.github.ftproute.examples.FtpClients.DataMode;
import io.github.ftproute.routing.RouterStats;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;

/**
 * The demo the README runs: two embedded Apache FtpServer backends, the ftproute proxy in front of
 * them, and Commons Net clients on several loopback addresses doing passive and active listings,
 * downloads and uploads through the proxy. Prints who was served by which backend and whether every
 * checksum matched; returns 0 when all did.
 */
final class Demo {
  private static final String HOST = "127.0.0.1";

  private record Step(String client, DataMode mode, String action) {}

  private record Row(String client, String backend, DataMode mode, String action, long bytes, boolean ok, String note) {}

  private Demo() {}

  static int run(PrintStream out) {
    long started = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    RouterStats stats;
    long leasesLeft;
    try (BackendServer a = BackendServer.start("backend-a", HOST, FreePorts.block(HOST, 50).toString(), null);
        BackendServer b = BackendServer.start("backend-b", HOST, FreePorts.block(HOST, 50).toString(), null);
        FtpProxy proxy = FtpProxy.start(ProxyOptions.parse(List.of(
            "--listen", HOST + ":0",
            "--backend", a.address().getHostString() + ":" + a.address().getPort(),
            "--backend", b.address().getHostString() + ":" + b.address().getPort(),
            "--passive-ports", FreePorts.block(HOST, 100).toString())))) {
      out.println("backends: backend-a " + a.address() + ", backend-b " + b.address());
      out.println("proxy:    " + proxy.address() + " (rewrite mode, maglev)");
      out.println();
      List<Step> steps = List.of(
          new Step("127.0.0.10", DataMode.PASV, "LIST"),
          new Step("127.0.0.10", DataMode.PASV, "RETR"),
          new Step("127.0.0.11", DataMode.EPSV, "RETR"),
          new Step("127.0.0.12", DataMode.PORT, "RETR"),
          new Step("127.0.0.13", DataMode.EPRT, "RETR"),
          new Step("127.0.0.14", DataMode.PASV, "STOR"),
          new Step("127.0.0.15", DataMode.PORT, "STOR"),
          new Step("127.0.0.16", DataMode.EPSV, "STOR"),
          new Step("127.0.0.17", DataMode.EPRT, "STOR"),
          new Step("127.0.0.10", DataMode.EPSV, "RETR"));
      for (Step step : steps) {
        rows.add(run(proxy, step));
      }
      awaitIdle(proxy);
      stats = proxy.router().stats();
      leasesLeft = proxy.router().dataPorts().stats().leased() + proxy.router().dataPorts().stats().claimed();
    }
    print(out, rows);
    boolean allOk = rows.stream().allMatch(Row::ok);
    out.println();
    out.printf("sessions %d, data-port leases issued %d, data connections admitted %d, refused %d; "
            + "leases still held: %d%n", stats.sessionsOpened(), stats.leasesIssued(), stats.dataAdmitted(),
        stats.dataRefused(), leasesLeft);
    out.printf("%s in %.1f s%n", allOk ? "all transfers correct" : "SOME TRANSFERS FAILED",
        (System.nanoTime() - started) / 1e9);
    return allOk && leasesLeft == 0 ? 0 : 1;
  }

  private static Row run(FtpProxy proxy, Step step) {
    FTPClient ftp = null;
    String backend = "?";
    try {
      ftp = FtpClients.login(proxy.address(), step.client(), step.mode());
      backend = FtpClients.whoami(ftp, step.mode());
      switch (step.action()) {
        case "LIST" -> {
          String[] names = FtpClients.list(ftp);
          boolean ok = Arrays.asList(names).containsAll(List.of(BackendServer.WHOAMI, BackendServer.DATA));
          return new Row(step.client(), backend, step.mode(), "LIST /", names.length, ok, names.length + " names");
        }
        case "RETR" -> {
          byte[] content = FtpClients.download(ftp, BackendServer.DATA, step.mode());
          boolean ok = Arrays.equals(content, BackendServer.data());
          return new Row(step.client(), backend, step.mode(), "RETR data.bin", content.length, ok,
              "sha256 " + FtpClients.sha256(content));
        }
        default -> {
          byte[] upload = FtpClients.content(step.client().hashCode(), 512 * 1024);
          String name = "upload-" + step.client() + ".bin";
          FtpClients.upload(ftp, name, upload, step.mode());
          byte[] back = FtpClients.download(ftp, name, step.mode());
          boolean ok = Arrays.equals(upload, back);
          return new Row(step.client(), backend, step.mode(), "STOR+RETR " + name, upload.length, ok,
              "sha256 " + FtpClients.sha256(back));
        }
      }
    } catch (IOException e) {
      return new Row(step.client(), backend, step.mode(), step.action(), 0, false, e.getMessage());
    } finally {
      if (ftp != null) {
        FtpClients.quit(ftp);
      }
    }
  }

  private static void awaitIdle(FtpProxy proxy) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (proxy.openSessions() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void print(PrintStream out, List<Row> rows) {
    String format = "%-11s  %-9s  %-4s  %-30s  %9s  %-8s  %s%n";
    out.printf(format, "client", "backend", "mode", "transfer", "bytes", "checksum", "detail");
    out.printf(format, "-".repeat(11), "-".repeat(9), "-".repeat(4), "-".repeat(30), "-".repeat(9), "-".repeat(8), "-".repeat(19));
    for (Row row : rows) {
      out.printf(format, row.client(), row.backend(), row.mode(), row.action(), row.bytes(),
          row.ok() ? "OK" : "FAILED", row.note());
    }
  }
}
