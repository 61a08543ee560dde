package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.ms;
import static io.github.zerocred.bench.BenchUpstream.HOST;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ZerocredProxy;
import java.io.IOException;
import java.util.List;

/**
 * Workload 7: how long a proxy takes from start to ready and how much memory it holds then — as a
 * process, JVM start included, with the JVM's defaults and with the documented launch options (a
 * small heap, the serial collector and a class-data-sharing archive made on first use) side by
 * side, interleaved; and in-process, as {@code zerocred review} starts it. The CPU time a start
 * takes is also shown: on a busy machine it is the steadier figure.
 */
final class StartToReady extends Workload {

  StartToReady() {
    super(7);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    BenchOptions options = bench.options();
    int starts = options.quick() ? 2 : 5;
    bench.say("workload 7: start to ready, " + starts + " starts each way");
    LongList defaultWall = new LongList();
    LongList defaultCpu = new LongList();
    LongList defaultRss = new LongList();
    LongList tunedWall = new LongList();
    LongList tunedCpu = new LongList();
    LongList tunedRss = new LongList();
    LongList mitmWall = new LongList();
    LongList mitmRss = new LongList();
    for (int i = 0; i < starts; i++) {
      start(bench, "zerocred-default-" + i, List.of(), defaultWall, defaultCpu, defaultRss);
      start(
          bench,
          "zerocred-start-" + i,
          options.zerocredJvmOptions(),
          tunedWall,
          tunedCpu,
          tunedRss);
      if (options.mitmdump() != null) {
        try (MitmProcess m =
            MitmProcess.start(
                options.mitmdump(),
                options.addon(),
                options.work().resolve("mitmproxy-start-" + i),
                bench.upstream().address(),
                bench.upstreamCa(),
                bench.realToken(),
                bench.randomToken(24))) {
          mitmWall.add(m.startToListeningNanos);
          mitmRss.add(Processes.rssBytes(m.pid()));
        }
      }
    }
    // In this JVM: what `zerocred review` pays, which starts the proxy in-process.
    LongList inProcess = new LongList();
    for (int i = 0; i < 6; i++) {
      ProxyConfig config =
          ProxyConfig.builder()
              .listen("127.0.0.1:0")
              .credentials(Credentials.fromEnvironment(bench.credentials()))
              .route(HOST, bench.upstream().address())
              .upstreamTrust(bench.pki().caCertificate())
              .build();
      long start = System.nanoTime();
      ZerocredProxy proxy = ZerocredProxy.start(config);
      long elapsed = System.nanoTime() - start;
      proxy.close();
      if (i == 0) {
        bench.note(
            "Workload 7: the first in-process ZerocredProxy.start() in this JVM took "
                + Table.number(ms(elapsed))
                + " ms (class loading and JIT included); the table shows the median of the five"
                + " after it.");
      } else {
        inProcess.add(elapsed);
      }
    }
    bench.note(
        "Workload 7: the launch options are `"
            + String.join(" ", options.zerocredJvmOptions())
            + "`; the default-options starts use none. Starts alternate default, launch options,"
            + " mitmproxy.");
    Double mitmWallMs = mitmWall.size() == 0 ? null : ms(mitmWall.stats().median());
    Double mitmRssMb = mitmRss.size() == 0 ? null : mitmRss.stats().median() / 1048576.0;
    bench.add(
        new Row(
            number(),
            "process start to ready, JVM defaults (before), p50 of " + starts + " (ms)",
            null,
            ms(defaultWall.stats().median()),
            mitmWallMs,
            null));
    bench.add(
        new Row(
            number(),
            "process start to ready, launch options + CDS archive, p50 of " + starts + " (ms)",
            null,
            ms(tunedWall.stats().median()),
            mitmWallMs,
            Row.Target.atMost(300, "ms")));
    bench.add(
        new Row(
            number(),
            "process CPU time to ready, JVM defaults (before), p50 (ms)",
            null,
            ms(defaultCpu.stats().median()),
            null,
            null));
    bench.add(
        new Row(
            number(),
            "process CPU time to ready, launch options + CDS archive, p50 (ms)",
            null,
            ms(tunedCpu.stats().median()),
            null,
            null));
    bench.add(
        new Row(
            number(),
            "proxy RSS at ready, JVM defaults (before), p50 (MB)",
            null,
            defaultRss.stats().median() / 1048576.0,
            mitmRssMb,
            null));
    bench.add(
        new Row(
            number(),
            "proxy RSS at ready, launch options + CDS archive, p50 (MB)",
            null,
            tunedRss.stats().median() / 1048576.0,
            mitmRssMb,
            new Row.Target(
                "≤ 80 MB and ≤ mitmproxy",
                (d, z, m) -> z == null || m == null ? null : z <= 80 && z <= m)));
    bench.add(
        new Row(
            number(),
            "in-process ZerocredProxy.start(): CA generated, port bound, p50 of 5 (ms)",
            null,
            ms(inProcess.stats().median()),
            null,
            Row.Target.atMost(300, "ms")));
  }

  private static void start(
      BenchContext bench,
      String dir,
      List<String> jvmOptions,
      LongList wall,
      LongList cpu,
      LongList rss)
      throws IOException {
    try (ZerocredProcess z =
        ZerocredProcess.start(
            bench.options().zerocredJar(),
            bench.options().work().resolve(dir),
            bench.upstream().address(),
            bench.upstreamCa(),
            bench.credentials(),
            jvmOptions)) {
      wall.add(z.startToReadyNanos);
      cpu.add(z.cpuAtReadyNanos);
      rss.add(z.rssAtReadyBytes);
    }
  }
}
