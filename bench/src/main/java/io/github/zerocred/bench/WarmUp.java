package io.github.zerocred.bench;

/**
 * Not a measurement: each proxy is a fresh process, so before anything is measured every way serves
 * a mix of the workloads' traffic for a while, so that the JIT compiler has done most of its work
 * (a review runs for minutes; its steady state is what the proxy spends its life in).
 */
final class WarmUp extends Workload {

  WarmUp() {
    super(0);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    bench.say("warming up every way");
    byte[] block = new byte[64 * 1024];
    for (int pass = 0; pass < (bench.options().quick() ? 1 : 3); pass++) {
      for (Way way : bench.ways()) {
        Traffic.sequential(way, bench.options().warmup(), bench.upstream());
        try (HttpConnection c = HttpConnection.open(way, BenchUpstream.HOST)) {
          Traffic.transfer(c, way, 5_000_000, true, block);
          Traffic.transfer(c, way, 2_000_000, false, block);
        }
        Traffic.sse(way, 500, 200, 0);
      }
    }
  }
}
