package io.github.zerocred.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU the proxy processes used per request over a workload: less sensitive to a busy machine than
 * wall-clock figures, since waiting for a core costs no CPU time. The proxies are idle while the
 * other ways run, so their CPU time over the whole workload belongs to their requests.
 */
final class ProxyCpu {
  private final BenchContext bench;
  private final Map<String, Long> startCpu = new LinkedHashMap<>();
  private final Map<String, Long> requests = new LinkedHashMap<>();
  private final Map<String, Long> upstreamConnections = new LinkedHashMap<>();

  ProxyCpu(BenchContext bench) throws IOException {
    this.bench = bench;
    for (Way way : bench.ways()) {
      if (way.proxied()) {
        startCpu.put(way.name(), Processes.cpuNanos(bench.pidOf(way)));
      }
    }
  }

  void count(Way way, Traffic.Sample sample) {
    requests.merge(way.name(), sample.count(), Long::sum);
    upstreamConnections.merge(way.name(), sample.upstreamConnections(), Long::sum);
  }

  /** Upstream TLS connections the way opened per 1,000 requests: 0 when all were reused. */
  Double upstreamConnectionsPerThousand(Way way) {
    Long n = requests.get(way.name());
    return n == null || n == 0 ? null : upstreamConnections.get(way.name()) * 1000.0 / n;
  }

  Double microsPerRequest(Way way) {
    if (bench.options().inProcess() || !startCpu.containsKey(way.name())) {
      return null;
    }
    long pid = bench.pidOf(way);
    try {
      long used = Processes.cpuNanos(pid) - startCpu.get(way.name());
      return used / 1000.0 / requests.get(way.name());
    } catch (IOException e) {
      return null;
    }
  }
}
