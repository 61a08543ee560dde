package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.median;
import static io.github.zerocred.bench.BenchContext.ms;

import java.util.List;
import java.util.Map;

/**
 * Workload 2: 64 concurrent tunnels, 1 KB responses — throughput under concurrency, tail latency,
 * and whether the proxy's upstream pool keeps up (new tunnels each round: handshakes included).
 */
final class SmallRequestsManyTunnels extends Workload {
  private static final int TUNNELS = 64;

  SmallRequestsManyTunnels() {
    super(2);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    bench.say("workload 2: " + TUNNELS + " concurrent tunnels, 1 KB responses");
    BenchOptions options = bench.options();
    Rounds r =
        Rounds.interleaved(
            bench,
            way -> Traffic.concurrent(way, TUNNELS, options.warmup(), bench.upstream()),
            way -> Traffic.concurrent(way, TUNNELS, options.measure(), bench.upstream()));
    Map<Way, Stats> stats = r.stats();
    Map<Way, List<Double>> rates = r.rates();
    ProxyCpu cpu = r.cpu();
    bench.row(
        number(),
        "1 KB, 64 tunnels: requests/s",
        w -> median(rates.get(w)),
        new Row.Target("≥ 0.5× direct", (d, z, m) -> z == null || d == null ? null : z >= 0.5 * d));
    bench.row(
        number(), "1 KB, 64 tunnels: p99 latency (ms)", w -> ms(stats.get(w).percentile(99)), null);
    bench.row(
        number(),
        "1 KB, 64 tunnels: proxy CPU per request, handshakes included (µs)",
        cpu::microsPerRequest,
        null);
    bench.row(
        number(),
        "1 KB, 64 tunnels: upstream connections opened per 1,000 requests",
        cpu::upstreamConnectionsPerThousand,
        null);
  }
}
