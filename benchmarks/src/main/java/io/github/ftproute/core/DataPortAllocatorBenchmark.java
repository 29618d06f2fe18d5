package io.github.ftproute.core;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ftpserver.impl.PassivePorts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One passive data port handed out and given back, on the range 10000-20000 with 0%, 90% or 99% of
 * its ports already taken.
 *
 * <ul>
 *   <li>{@code ftproute}: {@link DataPortAllocator#lease}, {@link DataPortAllocator#claim} by the
 *       expected peer, {@link PortLease#close()}; random choice from the default AES-CTR keystream
 *       keyed from {@code SecureRandom}, the system ticker, quarantine off (FtpServer has none, and
 *       one client cycling on a steady loop would only rest on every port in turn); the per-client
 *       rate raised out of the way (burst 2^30, 10^9 leases/s: the token bucket is still updated on
 *       every lease, one client is simply allowed millions a second); no port probe;
 *   <li>{@code ftproute-coarse}: the same with a {@link CoarseTicker} over the system ticker,
 *       refreshed every millisecond by a daemon thread of this benchmark (as an embedder's scheduler
 *       would): the three clock reads of a cycle become field reads;
 *   <li>{@code ftpserver}: Apache FtpServer 1.2's {@code PassivePorts("10000-20000", false)}, {@code
 *       reserveNextPort()} and {@code releasePort(port)}: a random free port, no bind check;
 *   <li>{@code ftpserver-bind}: the same with {@code checkIfBound = true}, which binds a server socket
 *       to each candidate port to see whether it is free.
 * </ul>
 *
 * <p>The taken ports are leased (and claimed) in set-up, by clients of 16 ports each.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar DataPortAllocatorBenchmark -prof gc \
 *     -jvmArgs "-Xms1g -Xmx1g -XX:+AlwaysPreTouch"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DataPortAllocatorBenchmark {
  static final String RANGE = "10000-20000";
  static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
  static final InetSocketAddress TARGET = new InetSocketAddress(InetAddress.getLoopbackAddress(), 21);

  @Param({"0", "90", "99"})
  public int occupancyPercent;

  @Param({"ftproute", "ftproute-coarse", "ftpserver", "ftpserver-bind"})
  public String impl;

  private DataPortAllocator allocator;
  private PassivePorts passivePorts;
  private ClientKey owner;
  /** Refreshes the coarse ticker, for {@code ftproute-coarse} only; else null. */
  private ScheduledExecutorService refresher;

  @Setup(Level.Trial)
  public void setUp() {
    PortRange range = PortRange.parse(RANGE);
    int taken = (int) ((long) range.size() * occupancyPercent / 100);
    owner = ClientKey.of(CLIENT);
    if (impl.startsWith("ftproute")) {
      DataPortAllocator.Builder builder = DataPortAllocator.builder();
      if (impl.equals("ftproute-coarse")) {
        CoarseTicker ticker = CoarseTicker.create();
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread thread = new Thread(r, "coarse-ticker");
          thread.setDaemon(true);
          return thread;
        });
        refresher.scheduleAtFixedRate(ticker::tick, 1, 1, TimeUnit.MILLISECONDS);
        builder.ticker(ticker);
      }
      allocator = builder.range(range).quarantine(Duration.ZERO)
          .clientLeaseRate(1 << 30, 1_000_000_000).build();
      for (int i = 0; i < taken; i++) {
        ClientKey background = ClientKey.ofIpv4(0x0A00_0000 + i / 16, 32);
        PortLease lease = ((LeaseResult.Leased) allocator.lease(background, CLIENT, TARGET, LeasePurpose.PASSIVE))
            .lease();
        if (!(allocator.claim(lease.port(), CLIENT) instanceof ClaimResult.Claimed)) {
          throw new IllegalStateException("set-up claim refused");
        }
      }
    } else {
      passivePorts = new PassivePorts(RANGE, impl.equals("ftpserver-bind"));
      for (int i = 0; i < taken; i++) {
        if (passivePorts.reserveNextPort() < 0) {
          throw new IllegalStateException("set-up reserve failed");
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
    int size = PortRange.parse(RANGE).size();
    if (allocator != null && allocator.stats().free() + allocator.stats().quarantined() != size - (int) ((long) size * occupancyPercent / 100)) {
      throw new IllegalStateException("ports leaked: " + allocator.stats());
    }
  }

  @Benchmark
  public int cycle() {
    if (allocator != null) {
      PortLease lease = ((LeaseResult.Leased) allocator.lease(owner, CLIENT, TARGET, LeasePurpose.PASSIVE)).lease();
      int port = lease.port();
      if (!(allocator.claim(port, CLIENT) instanceof ClaimResult.Claimed)) {
        throw new IllegalStateException("claim refused");
      }
      lease.close();
      return port;
    }
    int port = passivePorts.reserveNextPort();
    passivePorts.releasePort(port);
    return port;
  }
}
