package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.ms;
import static io.github.zerocred.bench.BenchUpstream.HOST;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ZerocredProxy;
import java.util.List;

/**
 * Workload 7: how long a proxy takes from start to ready — as a process, JVM start included (the
 * first start of the run counts too), and in-process, as {@code zerocred review} starts it.
 */
final class StartToReady extends Workload {

  StartToReady() {
    super(7);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    BenchOptions options = bench.options();
    int starts = options.quick() ? 2 : 4;
    bench.say("workload 7: start to ready, " + starts + " more starts each");
    for (int i = 0; i < starts; i++) {
      try (ZerocredProcess z =
          ZerocredProcess.start(
              options.zerocredJar(),
              options.work().resolve("zerocred-start-" + i),
              bench.upstream().address(),
              bench.upstreamCa(),
              bench.credentials(),
              List.of())) {
        bench.zerocredStarts().add(z.startToReadyNanos);
      }
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
          bench.mitmStarts().add(m.startToListeningNanos);
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
    Stats z = Stats.of(bench.zerocredStarts().stream().mapToLong(Long::longValue).toArray());
    Double m =
        bench.mitmStarts().isEmpty()
            ? null
            : ms(
                Stats.of(bench.mitmStarts().stream().mapToLong(Long::longValue).toArray())
                    .median());
    bench.add(
        new Row(
            number(),
            "process start to ready, JVM start included, p50 of " + z.count() + " (ms)",
            null,
            ms(z.median()),
            m,
            Row.Target.atMost(300, "ms")));
    bench.add(
        new Row(
            number(),
            "in-process ZerocredProxy.start(): CA generated, port bound, p50 of 5 (ms)",
            null,
            ms(inProcess.stats().median()),
            null,
            Row.Target.atMost(300, "ms")));
  }
}
