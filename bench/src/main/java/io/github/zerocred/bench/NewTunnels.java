package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.ms;
import static io.github.zerocred.bench.BenchUpstream.HOST;

import io.github.zerocred.proxy.tls.CertificateAuthority;
import io.github.zerocred.proxy.tls.InterceptionTls;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Workload 5: what a new tunnel costs, CONNECT and TLS handshake to the first response — to a host
 * the proxy has a certificate for, to a host it must mint one for first, and the minting alone.
 */
final class NewTunnels extends Workload {
  private static final String[] FIRST_HOSTS = {"api.github.com", "github.com"};

  NewTunnels() {
    super(5);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    int samples = bench.options().quick() ? 10 : 30;
    bench.say("workload 5: new tunnel cost, " + samples + " tunnels each way, then first hosts");
    Map<Way, LongList> cached = new LinkedHashMap<>();
    for (Way way : bench.ways()) {
      for (int i = 0; i < 5; i++) {
        Traffic.newTunnel(way, HOST);
      }
      cached.put(way, new LongList());
    }
    for (int i = 0; i < samples; i++) {
      for (Way way : bench.ways()) {
        cached.get(way).add(Traffic.newTunnel(way, HOST));
      }
    }
    // Each proxy has served only api.anthropic.com so far: these are its first tunnels to
    // these hosts, so the proxy mints (and caches) a leaf certificate for each.
    Map<Way, LongList> first = new LinkedHashMap<>();
    for (Way way : bench.ways()) {
      first.put(way, new LongList());
      for (String host : FIRST_HOSTS) {
        first.get(way).add(Traffic.newTunnel(way, host));
      }
    }
    Map<Way, Stats> cachedStats = BenchContext.stats(cached);
    Map<Way, Stats> firstStats = BenchContext.stats(first);
    bench.row(
        number(),
        "new tunnel, cached host: p50 to first response (ms)",
        w -> ms(cachedStats.get(w).median()),
        Row.Target.withinOfDirect(1, "ms"));
    bench.row(
        number(),
        "new tunnel, first host (certificate minted): mean of 2 hosts (ms)",
        w -> ms(firstStats.get(w).mean()),
        null);
    // The minting itself, in this JVM, warm: what a first host costs beyond a cached one.
    CertificateAuthority ca =
        CertificateAuthority.create(Set.of(HOST), Duration.ofHours(1), "bench");
    LongList mint = new LongList();
    for (int i = 0; i < 25; i++) {
      long start = System.nanoTime();
      new InterceptionTls(ca).contextFor(HOST);
      long elapsed = System.nanoTime() - start;
      if (i >= 5) {
        mint.add(elapsed);
      }
    }
    bench.add(
        new Row(
            number(),
            "certificate minting alone, in-process, p50 of 20 (ms)",
            null,
            ms(mint.stats().median()),
            null,
            Row.Target.atMost(10, "ms")));
  }
}
