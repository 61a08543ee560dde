package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.median;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload 3: a 50 MB download and a 20 MB upload through one tunnel (10 and 4 MB in quick mode) —
 * streaming throughput, where a proxy that buffers bodies falls behind. The ways take turns over
 * several rounds and the median counts (one transfer each swung by 2–3× between runs on the shared
 * machine); mitmproxy, which buffers and takes seconds per transfer, runs the first round only. The
 * proxies' CPU per MB moved is shown too: it does not depend on whether a core was free.
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
    Map<Way, List<Double>> downloads = new LinkedHashMap<>();
    Map<Way, List<Double>> uploads = new LinkedHashMap<>();
    Map<Way, long[]> cpu = new LinkedHashMap<>(); // proxy CPU ns: download, upload
    for (Way way : bench.ways()) {
      try (HttpConnection c = HttpConnection.open(way, BenchUpstream.HOST)) {
        // A smaller warm-up transfer each way first.
        Traffic.transfer(c, way, down / 10, true, block);
        Traffic.transfer(c, way, up / 10, false, block);
      }
      downloads.put(way, new ArrayList<>());
      uploads.put(way, new ArrayList<>());
      cpu.put(way, new long[2]);
    }
    for (int round = 0; round < bench.options().rounds(); round++) {
      for (Way way : bench.ways()) {
        if (round > 0 && way.name().equals("mitmproxy")) {
          continue;
        }
        try (HttpConnection c = HttpConnection.open(way, BenchUpstream.HOST)) {
          long t0 = cpuNanos(bench, way);
          downloads.get(way).add(Traffic.transfer(c, way, down, true, block));
          long t1 = cpuNanos(bench, way);
          uploads.get(way).add(Traffic.transfer(c, way, up, false, block));
          long t2 = cpuNanos(bench, way);
          cpu.get(way)[0] += t1 - t0;
          cpu.get(way)[1] += t2 - t1;
        }
      }
    }
    bench.row(
        number(),
        down / 1_000_000 + " MB download (MB/s)",
        w -> median(downloads.get(w)),
        atLeastTimesDirect(0.7));
    bench.row(
        number(),
        up / 1_000_000 + " MB upload (MB/s)",
        w -> median(uploads.get(w)),
        atLeastTimesDirect(0.7));
    long rounds = bench.options().rounds();
    bench.row(
        number(),
        "download: proxy CPU per MB (ms)",
        w ->
            perMegabyte(
                bench, w, cpu.get(w)[0], w.name().equals("mitmproxy") ? down : down * rounds),
        null);
    bench.row(
        number(),
        "upload: proxy CPU per MB (ms)",
        w -> perMegabyte(bench, w, cpu.get(w)[1], w.name().equals("mitmproxy") ? up : up * rounds),
        null);
  }

  /** The wording of the target. */
  private static Row.Target atLeastTimesDirect(double factor) {
    return new Row.Target(
        "≥ " + Table.number(factor) + "× direct",
        (d, z, m) -> z == null || d == null ? null : z >= factor * d);
  }

  private static long cpuNanos(BenchContext bench, Way way) throws IOException {
    return way.proxied() && !bench.options().inProcess() ? Processes.cpuNanos(bench.pidOf(way)) : 0;
  }

  private static Double perMegabyte(BenchContext bench, Way way, long nanos, long bytes) {
    if (!way.proxied() || bench.options().inProcess()) {
      return null;
    }
    return nanos / 1e6 / (bytes / 1e6);
  }
}
