package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.median;
import static io.github.zerocred.bench.BenchContext.ms;

import java.util.List;
import java.util.Map;

/**
 * Workload 1: one keep-alive tunnel, sequential 1 KB responses — the per-request cost of the proxy
 * (rate, latency, CPU) and whether it reuses its upstream connection.
 */
final class SmallRequestsOneTunnel extends Workload {

  SmallRequestsOneTunnel() {
    super(1);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    bench.say("workload 1: one keep-alive tunnel, sequential 1 KB responses");
    BenchOptions options = bench.options();
    Rounds r =
        Rounds.interleaved(
            bench,
            way -> Traffic.sequential(way, options.warmup(), bench.upstream()), // JIT, pools
            way -> Traffic.sequential(way, options.measure(), bench.upstream()));
    Map<Way, Stats> stats = r.stats();
    Map<Way, List<Double>> rates = r.rates();
    ProxyCpu cpu = r.cpu();
    bench.row(
        number(),
        "1 KB, one tunnel: requests/s",
        w -> median(rates.get(w)),
        new Row.Target(
            "≥ 0.6× direct and ≥ 10× mitmproxy",
            (d, z, m) -> z == null || d == null || m == null ? null : z >= 0.6 * d && z >= 10 * m));
    bench.row(
        number(),
        "1 KB, one tunnel: p50 latency (ms)",
        w -> ms(stats.get(w).median()),
        Row.Target.withinOfDirect(0.3, "ms"));
    bench.row(
        number(), "1 KB, one tunnel: p99 latency (ms)", w -> ms(stats.get(w).percentile(99)), null);
    bench.row(
        number(), "1 KB, one tunnel: proxy CPU per request (µs)", cpu::microsPerRequest, null);
    bench.row(
        number(),
        "1 KB, one tunnel: upstream connections opened per 1,000 requests",
        cpu::upstreamConnectionsPerThousand,
        null);
  }
}
