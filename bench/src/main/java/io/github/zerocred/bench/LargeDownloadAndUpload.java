package io.github.zerocred.bench;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Workload 3: a 50 MB download and a 20 MB upload through one tunnel (10 and 4 MB in quick mode) —
 * streaming throughput, where a proxy that buffers bodies falls behind.
 */
final class LargeDownloadAndUpload extends Workload {

  LargeDownloadAndUpload() {
    super(3);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    boolean quick = bench.options().quick();
    long down = quick ? 10_000_000L : 50_000_000L;
    long up = quick ? 4_000_000L : 20_000_000L;
    bench.say("workload 3: " + down / 1_000_000 + " MB download, " + up / 1_000_000 + " MB upload");
    byte[] block = new byte[64 * 1024];
    new SecureRandom().nextBytes(block);
    Map<Way, Double> downloads = new LinkedHashMap<>();
    Map<Way, Double> uploads = new LinkedHashMap<>();
    for (Way way : bench.ways()) {
      try (HttpConnection c = HttpConnection.open(way, BenchUpstream.HOST)) {
        // A smaller warm-up transfer each way first, on the same tunnel.
        Traffic.transfer(c, way, down / 10, true, block);
        Traffic.transfer(c, way, up / 10, false, block);
        downloads.put(way, Traffic.transfer(c, way, down, true, block));
        uploads.put(way, Traffic.transfer(c, way, up, false, block));
      }
    }
    bench.row(number(), down / 1_000_000 + " MB download (MB/s)", downloads::get, target());
    bench.row(number(), up / 1_000_000 + " MB upload (MB/s)", uploads::get, target());
  }

  private static Row.Target target() {
    return new Row.Target(
        "≥ 50% of direct and ≥ 50× mitmproxy",
        (d, z, m) -> z == null || d == null || m == null ? null : z >= 0.5 * d && z >= 50 * m);
  }
}
