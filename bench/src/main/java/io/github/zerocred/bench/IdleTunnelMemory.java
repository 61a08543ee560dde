package io.github.zerocred.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload 6: 1,000 idle tunnels (200 in quick mode) — the proxy's resident memory per open tunnel,
 * after a garbage collection in the JVM proxy so that it shows memory kept.
 */
final class IdleTunnelMemory extends Workload {

  IdleTunnelMemory() {
    super(6);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    int tunnels = bench.options().quick() ? 200 : 1000;
    bench.say("workload 6: " + tunnels + " idle tunnels");
    Map<String, double[]> memory = new LinkedHashMap<>(); // way -> {rss MB with tunnels, KB each}
    for (Way way : bench.ways()) {
      if (!way.proxied()) {
        continue;
      }
      boolean jvm = bench.isJvm(way);
      long pid = bench.pidOf(way);
      Processes.sleep(1000);
      if (jvm) {
        Processes.collectGarbage(pid);
      }
      long before = Processes.rssBytes(pid);
      List<HttpConnection> open = Traffic.openMany(way, tunnels, 8);
      try {
        Processes.sleep(2000); // let buffers settle
        if (jvm) {
          Processes.collectGarbage(pid);
        }
        long after = Processes.rssBytes(pid);
        memory.put(
            way.name(),
            new double[] {
              after / 1048576.0, (after - before) / 1024.0 / tunnels, before / 1048576.0
            });
      } finally {
        for (HttpConnection c : open) {
          c.close();
        }
      }
    }
    bench.row(
        number(),
        "proxy RSS before the idle tunnels (MB)",
        w -> memory.containsKey(w.name()) ? memory.get(w.name())[2] : null,
        null);
    bench.row(
        number(),
        "proxy RSS with " + tunnels + " idle tunnels (MB)",
        w -> memory.containsKey(w.name()) ? memory.get(w.name())[0] : null,
        null);
    bench.row(
        number(),
        "proxy RSS per idle tunnel (KB)",
        w -> memory.containsKey(w.name()) ? memory.get(w.name())[1] : null,
        Row.Target.atMost(64, "KB"));
  }
}
