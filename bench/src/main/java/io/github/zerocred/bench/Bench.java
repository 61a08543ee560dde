package io.github.zerocred.bench;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ZerocredProxy;
import io.github.zerocred.proxy.tls.CertificateAuthority;
import io.github.zerocred.proxy.tls.InterceptionTls;
import io.github.zerocred.testkit.ServerIdentity;
import io.github.zerocred.testkit.StandInAnthropicApi;
import io.github.zerocred.testkit.TestPki;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the eight workloads of the benchmark three ways — direct, through {@code zerocred proxy},
 * through mitmproxy — and prints the Markdown table (also written to RESULTS.md). Started by {@code
 * bench/run.sh}; see {@link Options} for the arguments.
 */
public final class Bench {
  static final String HOST = "api.anthropic.com";
  private static final String[] FIRST_HOSTS = {"api.github.com", "github.com"};

  private final Options options;
  private final PrintStream log = System.err;
  private final Table table = new Table();
  private final List<String> notes = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();

  private TestPki pki;
  private Path upstreamCa;
  private String realToken;
  private BenchUpstream upstream;
  private ZerocredProcess zerocred;
  private MitmProcess mitm;
  private Way direct;
  private Way viaZerocred;
  private Way viaMitm;
  private ZerocredProxy inProcessProxy;
  private final List<Long> zerocredStarts = new ArrayList<>();
  private final List<Long> mitmStarts = new ArrayList<>();

  private Bench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    new Bench(options).run();
    // Stand-in and client threads are daemons, but a stuck child stream must not keep us alive.
    System.exit(0);
  }

  private void run() throws Exception {
    String loadBefore = Machine.loadAverage();
    ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    long t0 = System.nanoTime();
    Files.createDirectories(options.work());
    pki = TestPki.create();
    ServerIdentity identity =
        pki.issue("api.anthropic.com", "api.github.com", "github.com", "localhost", "127.0.0.1");
    upstreamCa = pki.writeCaPem(options.work().resolve("upstream-ca.pem"));
    realToken = "sk-ant-oat01-" + randomToken(95);
    String githubToken = "ghp_" + randomToken(36);
    Map<String, String> credentials =
        Map.of(
            Credentials.OAUTH_VARIABLE, realToken,
            Credentials.GITHUB_VARIABLE, githubToken);
    upstream = new BenchUpstream(identity, realToken);
    direct =
        new Way(
            "direct", upstream.address(), null, pki.trustingSslContext(), "Bearer " + realToken);
    try {
      say("starting zerocred proxy");
      zerocred =
          ZerocredProcess.start(
              options.zerocredJar(),
              options.work().resolve("zerocred"),
              upstream.address(),
              upstreamCa,
              credentials,
              options.zerocredJvmOptions());
      zerocredStarts.add(zerocred.startToReadyNanos);
      viaZerocred =
          new Way(
              "zerocred",
              zerocred.address,
              Way.basic(zerocred.user, zerocred.password),
              TestPki.trustingSslContext(zerocred.caCertFile),
              "Bearer " + zerocred.placeholder);
      if (options.inProcess()) {
        // Diagnostic: the same proxy inside this JVM, to tell its own cost from a second
        // process's scheduling on a busy machine.
        inProcessProxy =
            ZerocredProxy.start(
                ProxyConfig.builder()
                    .listen("127.0.0.1:0")
                    .credentials(Credentials.fromEnvironment(credentials))
                    .route(HOST, upstream.address())
                    .route("api.github.com", upstream.address())
                    .route("github.com", upstream.address())
                    .upstreamTrust(pki.caCertificate())
                    .allowEndpoint("GET /small")
                    .allowEndpoint("GET /large")
                    .allowEndpoint("POST /upload")
                    .allowEndpoint("GET /sse")
                    .build());
        Path ca = options.work().resolve("in-process-ca.pem");
        Files.writeString(ca, inProcessProxy.caCertificatePem());
        viaZerocred =
            new Way(
                "zerocred",
                inProcessProxy.address(),
                Way.basic(inProcessProxy.proxyUser(), inProcessProxy.proxyPassword()),
                TestPki.trustingSslContext(ca),
                "Bearer " + inProcessProxy.placeholders().get(Credentials.OAUTH_VARIABLE));
        notes.add("Diagnostic run: the zerocred column is the proxy in the load generator's JVM.");
      }
      if (options.mitmdump() != null) {
        say("starting mitmproxy");
        mitm =
            MitmProcess.start(
                options.mitmdump(),
                options.addon(),
                options.work().resolve("mitmproxy"),
                upstream.address(),
                upstreamCa,
                realToken,
                randomToken(24));
        mitmStarts.add(mitm.startToListeningNanos);
        viaMitm =
            new Way(
                "mitmproxy",
                mitm.address,
                Way.basic(MitmProcess.USER, mitm.password),
                TestPki.trustingSslContext(mitm.caCertFile),
                "Bearer " + zerocred.placeholder);
      } else {
        notes.add("mitmproxy was not available: its column is empty.");
      }

      guarded(0, this::warmUp);
      guarded(1, this::workload1);
      guarded(2, this::workload2);
      guarded(3, this::workload3);
      guarded(4, this::workload4);
      guarded(5, this::workload5);
      guarded(6, this::workload6);
      guarded(7, () -> workload7(credentials));
      guarded(8, this::workload8);
      guarded(9, this::workload9);

      notes.add(
          "The upstream received "
              + upstream.authorized.get()
              + " requests for api.anthropic.com with the real token and "
              + upstream.unauthorized.get()
              + " without it (each proxy must have injected it into every request).");
    } finally {
      if (zerocred != null) {
        zerocred.close();
      }
      if (inProcessProxy != null) {
        inProcessProxy.close();
      }
      if (mitm != null) {
        mitm.close();
      }
      upstream.close();
    }
    String report =
        report(
            started, Duration.ofNanos(System.nanoTime() - t0), loadBefore, Machine.loadAverage());
    System.out.println(report);
    if (options.results() != null) {
      writeResults(options.results(), report);
      say("wrote " + options.results());
    }
  }

  // ---------------------------------------------------------------- workloads

  /**
   * Each proxy is a fresh process: before anything is measured, every way serves a mix of the
   * workloads' traffic for a while, so that the JIT compiler has done most of its work (a review
   * runs for minutes; its steady state is what the proxy spends its life in).
   */
  private void warmUp() throws Exception {
    say("warming up every way");
    byte[] block = new byte[64 * 1024];
    for (int pass = 0; pass < (options.quick() ? 1 : 3); pass++) {
      for (Way way : ways()) {
        sequential(way, options.warmup());
        try (HttpConnection c = HttpConnection.open(way, HOST)) {
          transfer(c, way, 5_000_000, true, block);
          transfer(c, way, 2_000_000, false, block);
        }
        sse(way, 500, 200, 0);
      }
    }
  }

  /** One way's measurement, for {@link #interleaved}. */
  @FunctionalInterface
  private interface Measure {
    Sample of(Way way) throws Exception;
  }

  /** What interleaved rounds kept: latencies over all rounds, each round's rate, proxy CPU. */
  private record Rounds(Map<Way, Stats> stats, Map<Way, List<Double>> rates, ProxyCpu cpu) {}

  /**
   * Warms every way up, then measures the ways in turn, round after round, so that the machine's
   * noise falls on all of them alike.
   */
  private Rounds interleaved(Measure warmUp, Measure measure) throws Exception {
    Map<Way, LongList> latencies = new LinkedHashMap<>();
    Map<Way, List<Double>> rates = new LinkedHashMap<>();
    for (Way way : ways()) {
      warmUp.of(way);
      latencies.put(way, new LongList());
      rates.put(way, new ArrayList<>());
    }
    ProxyCpu cpu = new ProxyCpu(); // after the warm-up: JIT compilation is not per request
    for (int round = 0; round < options.rounds(); round++) {
      for (Way way : ways()) {
        Sample s = measure.of(way);
        cpu.count(way, s);
        latencies.get(way).addAll(s.latencies);
        rates.get(way).add(s.perSecond());
      }
    }
    return new Rounds(stats(latencies), rates, cpu);
  }

  /** 1. One keep-alive tunnel, sequential 1 KB responses. */
  private void workload1() throws Exception {
    say("workload 1: one keep-alive tunnel, sequential 1 KB responses");
    Rounds r =
        interleaved(
            way -> sequential(way, options.warmup()), // JIT, handshakes, pools
            way -> sequential(way, options.measure()));
    Map<Way, Stats> stats = r.stats();
    Map<Way, List<Double>> rates = r.rates();
    ProxyCpu cpu = r.cpu();
    table.add(
        row(
            1,
            "1 KB, one tunnel: requests/s",
            w -> median(rates.get(w)),
            Row.Target.atLeastTimesMitmproxy(10)));
    table.add(
        row(
            1,
            "1 KB, one tunnel: p50 latency (ms)",
            w -> ms(stats.get(w).median()),
            Row.Target.withinOfDirect(0.3, "ms")));
    table.add(
        row(1, "1 KB, one tunnel: p99 latency (ms)", w -> ms(stats.get(w).percentile(99)), null));
    table.add(row(1, "1 KB, one tunnel: proxy CPU per request (µs)", cpu::microsPerRequest, null));
    table.add(
        row(
            1,
            "1 KB, one tunnel: upstream connections opened per 1,000 requests",
            cpu::upstreamConnectionsPerThousand,
            null));
  }

  /** 2. 64 concurrent tunnels, 1 KB responses. */
  private void workload2() throws Exception {
    int tunnels = 64;
    say("workload 2: " + tunnels + " concurrent tunnels, 1 KB responses");
    Rounds r =
        interleaved(
            way -> concurrent(way, tunnels, options.warmup()),
            way -> concurrent(way, tunnels, options.measure()));
    Map<Way, Stats> stats = r.stats();
    Map<Way, List<Double>> rates = r.rates();
    ProxyCpu cpu = r.cpu();
    table.add(
        row(
            2,
            "1 KB, 64 tunnels: requests/s",
            w -> median(rates.get(w)),
            Row.Target.atLeastFractionOfDirect(0.5)));
    table.add(
        row(2, "1 KB, 64 tunnels: p99 latency (ms)", w -> ms(stats.get(w).percentile(99)), null));
    table.add(
        row(
            2,
            "1 KB, 64 tunnels: proxy CPU per request, handshakes included (µs)",
            cpu::microsPerRequest,
            null));
    table.add(
        row(
            2,
            "1 KB, 64 tunnels: upstream connections opened per 1,000 requests",
            cpu::upstreamConnectionsPerThousand,
            null));
  }

  /** 3. 50 MB download and 20 MB upload through one tunnel. */
  private void workload3() throws Exception {
    long down = options.quick() ? 10_000_000L : 50_000_000L;
    long up = options.quick() ? 4_000_000L : 20_000_000L;
    say("workload 3: " + down / 1_000_000 + " MB download, " + up / 1_000_000 + " MB upload");
    byte[] block = new byte[64 * 1024];
    random.nextBytes(block);
    Map<Way, Double> downloads = new LinkedHashMap<>();
    Map<Way, Double> uploads = new LinkedHashMap<>();
    for (Way way : ways()) {
      try (HttpConnection c = HttpConnection.open(way, HOST)) {
        // A smaller warm-up transfer each way first, on the same tunnel.
        transfer(c, way, down / 10, true, block);
        transfer(c, way, up / 10, false, block);
        downloads.put(way, transfer(c, way, down, true, block));
        uploads.put(way, transfer(c, way, up, false, block));
      }
    }
    table.add(
        row(
            3,
            down / 1_000_000 + " MB download (MB/s)",
            downloads::get,
            new Row.Target(
                "≥ 50% of direct and ≥ 50× mitmproxy",
                (d, z, m) ->
                    z == null || d == null || m == null ? null : z >= 0.5 * d && z >= 50 * m)));
    table.add(
        row(
            3,
            up / 1_000_000 + " MB upload (MB/s)",
            uploads::get,
            new Row.Target(
                "≥ 50% of direct and ≥ 50× mitmproxy",
                (d, z, m) ->
                    z == null || d == null || m == null ? null : z >= 0.5 * d && z >= 50 * m)));
  }

  /**
   * 9. A 1 MB Messages request body (Claude Code sends its whole context every turn): the proxy
   * holds it and parses it before anything goes upstream. The same bytes posted to a path whose
   * body streams through unchecked give the cost of the check itself, as the difference.
   */
  private void workload9() throws Exception {
    int size = 1_000_000;
    byte[] body = messagesBody(size);
    Duration measure = options.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
    say("workload 9: " + size / 1_000_000 + " MB /v1/messages request bodies");
    Rounds messages =
        interleaved(
            way -> posts(way, "/v1/messages", body, measure.dividedBy(2)),
            way -> posts(way, "/v1/messages", body, measure));
    Rounds uploads =
        interleaved(
            way -> posts(way, "/upload", body, measure.dividedBy(2)),
            way -> posts(way, "/upload", body, measure));
    table.add(
        row(
            9,
            "1 MB Messages request: p50 latency (ms)",
            w -> ms(messages.stats().get(w).median()),
            null));
    table.add(
        row(
            9,
            "1 MB streamed upload, same bytes: p50 latency (ms)",
            w -> ms(uploads.stats().get(w).median()),
            null));
    table.add(
        row(
            9,
            "1 MB Messages request: cost of holding and checking the body, p50 (ms)",
            w -> ms(messages.stats().get(w).median()) - ms(uploads.stats().get(w).median()),
            null));
    table.add(
        row(
            9,
            "1 MB Messages request: proxy CPU per request (µs)",
            messages.cpu()::microsPerRequest,
            null));
  }

  /** Sequential POSTs of {@code body} to {@code path} on one connection for {@code duration}. */
  private Sample posts(Way way, String path, byte[] body, Duration duration) throws IOException {
    try (HttpConnection c = HttpConnection.open(way, HOST)) {
      HttpConnection.Discard sink = new HttpConnection.Discard();
      LongList latencies = new LongList();
      long start = System.nanoTime();
      long deadline = start + duration.toNanos();
      long now = start;
      long count = 0;
      while (now < deadline || count < 3) {
        long t = System.nanoTime();
        int status = c.post(HOST, path, way.authorization(), body.length, body, sink);
        now = System.nanoTime();
        if (status != 200) {
          throw new IOException(way.name() + ": " + path + " answered " + status);
        }
        latencies.add(now - t);
        count++;
      }
      return new Sample(count, now - start, latencies, 0);
    }
  }

  /**
   * A Messages request of about {@code size} bytes shaped like Claude Code's: its top-level keys, a
   * dozen client tools, and a conversation whose text makes up the bulk.
   */
  static byte[] messagesBody(int size) {
    StringBuilder tools = new StringBuilder();
    for (int i = 0; i < 13; i++) {
      tools
          .append(i == 0 ? "" : ",")
          .append("{\"name\":\"Tool")
          .append(i)
          .append("\",\"description\":\"")
          .append("Does one thing well. ".repeat(40))
          .append("\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"path\":")
          .append("{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}},")
          .append("\"required\":[\"path\"]}}");
    }
    String head =
        "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":32000,\"stream\":false,"
            + "\"system\":[{\"type\":\"text\",\"text\":\"You are Claude Code.\"}],"
            + "\"metadata\":{\"user_id\":\"bench\"},\"thinking\":{\"type\":\"disabled\"},"
            + "\"context_management\":{\"edits\":[]},\"output_config\":{},"
            + "\"tools\":["
            + tools
            + "],\"messages\":[";
    StringBuilder b = new StringBuilder(size + 1024).append(head);
    String line = "    return a / b; // src/main/java/Example.java: a line of the context\\n";
    int turn = 0;
    while (b.length() < size - 200) {
      b.append(turn == 0 ? "" : ",")
          .append("{\"role\":\"")
          .append(turn % 2 == 0 ? "user" : "assistant")
          .append("\",\"content\":[{\"type\":\"text\",\"text\":\"");
      for (int i = 0; i < 200 && b.length() < size - 200; i++) {
        b.append(line);
      }
      b.append("\"}]}");
      turn++;
    }
    if (turn % 2 == 0) {
      b.append(",{\"role\":\"user\",\"content\":\"Review it.\"}");
    }
    b.append("]}");
    return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** MB/s (10^6 bytes) of one download or upload on an open tunnel. */
  private static double transfer(
      HttpConnection c, Way way, long bytes, boolean download, byte[] block) throws IOException {
    HttpConnection.Discard sink = new HttpConnection.Discard();
    long start = System.nanoTime();
    int status =
        download
            ? c.get(HOST, "/large?bytes=" + bytes, way.authorization(), sink)
            : c.post(HOST, "/upload", way.authorization(), bytes, block, sink);
    long elapsed = System.nanoTime() - start;
    if (status != 200 || (download && sink.bytes != bytes)) {
      throw new IOException(way.name() + ": status " + status + ", " + sink.bytes + " bytes");
    }
    return bytes / 1e6 / (elapsed / 1e9);
  }

  /** 4. Server-sent events: 2,000 events of ~200 bytes. */
  private void workload4() throws Exception {
    int events = 2000;
    int size = 200;
    long gapMicros = 500;
    say(
        "workload 4: SSE, "
            + events
            + " events of ~"
            + size
            + " bytes, one every "
            + gapMicros
            + " µs");
    Map<Way, List<Double>> firsts = new LinkedHashMap<>();
    Map<Way, List<Double>> totals = new LinkedHashMap<>();
    Map<Way, LongList> perEvent = new LinkedHashMap<>();
    for (Way way : ways()) {
      sse(way, 200, size, 0); // warm-up
      firsts.put(way, new ArrayList<>());
      totals.put(way, new ArrayList<>());
      perEvent.put(way, new LongList());
    }
    for (int round = 0; round < options.rounds(); round++) {
      for (Way way : ways()) {
        SseResult r = sse(way, events, size, gapMicros);
        firsts.get(way).add(ms(r.firstEventNanos));
        totals.get(way).add(ms(r.totalNanos));
        perEvent.get(way).addAll(r.sink.latencies);
      }
    }
    Map<Way, Stats> stats = stats(perEvent);
    table.add(
        row(
            4,
            "SSE: time to first event (ms)",
            w -> median(firsts.get(w)),
            Row.Target.withinOfDirect(2, "ms")));
    table.add(row(4, "SSE: per-event latency p50 (ms)", w -> ms(stats.get(w).median()), null));
    table.add(
        row(4, "SSE: per-event latency p99 (ms)", w -> ms(stats.get(w).percentile(99)), null));
    table.add(row(4, "SSE: all " + events + " events (ms)", w -> median(totals.get(w)), null));
  }

  /** One event stream: time to the first event, to the last, and each event's latency. */
  private record SseResult(long firstEventNanos, long totalNanos, SseSink sink) {}

  private SseResult sse(Way way, int events, int size, long gapMicros) throws IOException {
    try (HttpConnection c = HttpConnection.open(way, HOST)) {
      // One request first, as Claude Code's kept-alive connection has made before a turn: the
      // event stream then starts on a warm tunnel (for the proxies: a live upstream connection).
      c.get(HOST, "/small", way.authorization(), new HttpConnection.Discard());
      SseSink sink = new SseSink();
      long start = System.nanoTime();
      int status =
          c.get(
              HOST,
              "/sse?events=" + events + "&size=" + size + "&gapMicros=" + gapMicros,
              way.authorization(),
              sink);
      long end = System.nanoTime();
      if (status != 200 || sink.events != events) {
        throw new IOException(way.name() + ": status " + status + ", " + sink.events + " events");
      }
      return new SseResult(sink.firstEventAt - start, end - start, sink);
    }
  }

  /** 5. New tunnel: CONNECT + TLS handshake to first response; cached and first host. */
  private void workload5() throws Exception {
    int samples = options.quick() ? 10 : 30;
    say("workload 5: new tunnel cost, " + samples + " tunnels each way, then first hosts");
    Map<Way, LongList> cached = new LinkedHashMap<>();
    for (Way way : ways()) {
      for (int i = 0; i < 5; i++) {
        newTunnel(way, HOST);
      }
      cached.put(way, new LongList());
    }
    for (int i = 0; i < samples; i++) {
      for (Way way : ways()) {
        cached.get(way).add(newTunnel(way, HOST));
      }
    }
    // Each proxy has served only api.anthropic.com so far: these are its first tunnels to
    // these hosts, so the proxy mints (and caches) a leaf certificate for each.
    Map<Way, LongList> first = new LinkedHashMap<>();
    for (Way way : ways()) {
      first.put(way, new LongList());
      for (String host : FIRST_HOSTS) {
        first.get(way).add(newTunnel(way, host));
      }
    }
    Map<Way, Stats> cachedStats = stats(cached);
    Map<Way, Stats> firstStats = stats(first);
    table.add(
        row(
            5,
            "new tunnel, cached host: p50 to first response (ms)",
            w -> ms(cachedStats.get(w).median()),
            Row.Target.withinOfDirect(2, "ms")));
    table.add(
        row(
            5,
            "new tunnel, first host (certificate minted): mean of 2 hosts (ms)",
            w -> ms(firstStats.get(w).mean()),
            null));
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
    double mintMs = ms(mint.stats().median());
    table.add(
        new Row(
            5,
            "certificate minting alone, in-process, p50 of 20 (ms)",
            null,
            mintMs,
            null,
            Row.Target.atMost(10, "ms")));
  }

  /** Nanoseconds from dialing to the first response being read, on a fresh connection. */
  private static long newTunnel(Way way, String host) throws IOException {
    long start = System.nanoTime();
    try (HttpConnection c = HttpConnection.open(way, host)) {
      int status = c.get(host, "/small", way.authorization(), new HttpConnection.Discard());
      long elapsed = System.nanoTime() - start;
      if (status != 200) {
        throw new IOException(way.name() + " " + host + ": status " + status);
      }
      return elapsed;
    }
  }

  /** 6. 1,000 idle tunnels: proxy resident memory. */
  private void workload6() throws Exception {
    int tunnels = options.quick() ? 200 : 1000;
    say("workload 6: " + tunnels + " idle tunnels");
    Map<String, double[]> memory = new LinkedHashMap<>(); // way -> {rss MB with tunnels, KB each}
    for (Way way : ways()) {
      if (!way.proxied()) {
        continue;
      }
      boolean jvm = way == viaZerocred;
      long pid = jvm ? zerocred.pid() : mitm.pid();
      Processes.sleep(1000);
      if (jvm) {
        Processes.collectGarbage(pid);
      }
      long before = Processes.rssBytes(pid);
      List<HttpConnection> open = openMany(way, tunnels, 8);
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
    table.add(
        row(
            6,
            "proxy RSS before the idle tunnels (MB)",
            w -> memory.containsKey(w.name()) ? memory.get(w.name())[2] : null,
            null));
    table.add(
        row(
            6,
            "proxy RSS with " + tunnels + " idle tunnels (MB)",
            w -> memory.containsKey(w.name()) ? memory.get(w.name())[0] : null,
            null));
    table.add(
        row(
            6,
            "proxy RSS per idle tunnel (KB)",
            w -> memory.containsKey(w.name()) ? memory.get(w.name())[1] : null,
            Row.Target.atMost(64, "KB")));
  }

  /** Opens {@code count} tunnels, each with one request answered, using {@code threads} threads. */
  private static List<HttpConnection> openMany(Way way, int count, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<HttpConnection>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(
            pool.submit(
                () -> {
                  HttpConnection c = HttpConnection.open(way, HOST);
                  c.get(HOST, "/small", way.authorization(), new HttpConnection.Discard());
                  return c;
                }));
      }
      List<HttpConnection> open = new ArrayList<>();
      Exception failure = null;
      for (Future<HttpConnection> f : futures) {
        try {
          open.add(f.get());
        } catch (Exception e) {
          failure = failure == null ? e : failure;
        }
      }
      if (failure != null) {
        open.forEach(HttpConnection::close);
        throw failure;
      }
      return open;
    } finally {
      pool.shutdownNow();
    }
  }

  /** 7. Proxy start to ready. */
  private void workload7(Map<String, String> credentials) throws Exception {
    int starts = options.quick() ? 2 : 4;
    say("workload 7: start to ready, " + starts + " more starts each");
    for (int i = 0; i < starts; i++) {
      try (ZerocredProcess z =
          ZerocredProcess.start(
              options.zerocredJar(),
              options.work().resolve("zerocred-start-" + i),
              upstream.address(),
              upstreamCa,
              credentials,
              List.of())) {
        zerocredStarts.add(z.startToReadyNanos);
      }
      if (options.mitmdump() != null) {
        try (MitmProcess m =
            MitmProcess.start(
                options.mitmdump(),
                options.addon(),
                options.work().resolve("mitmproxy-start-" + i),
                upstream.address(),
                upstreamCa,
                realToken,
                randomToken(24))) {
          mitmStarts.add(m.startToListeningNanos);
        }
      }
    }
    // In this JVM: what `zerocred review` pays, which starts the proxy in-process.
    LongList inProcess = new LongList();
    for (int i = 0; i < 6; i++) {
      ProxyConfig config =
          ProxyConfig.builder()
              .listen("127.0.0.1:0")
              .credentials(Credentials.fromEnvironment(credentials))
              .route(HOST, upstream.address())
              .upstreamTrust(pki.caCertificate())
              .build();
      long start = System.nanoTime();
      ZerocredProxy proxy = ZerocredProxy.start(config);
      long elapsed = System.nanoTime() - start;
      proxy.close();
      if (i == 0) {
        notes.add(
            "Workload 7: the first in-process ZerocredProxy.start() in this JVM took "
                + Table.number(ms(elapsed))
                + " ms (class loading and JIT included); the table shows the median of the five"
                + " after it.");
      } else {
        inProcess.add(elapsed);
      }
    }
    Stats z = Stats.of(zerocredStarts.stream().mapToLong(Long::longValue).toArray());
    Double m =
        mitmStarts.isEmpty()
            ? null
            : ms(Stats.of(mitmStarts.stream().mapToLong(Long::longValue).toArray()).median());
    table.add(
        new Row(
            7,
            "process start to ready, JVM start included, p50 of " + z.count() + " (ms)",
            null,
            ms(z.median()),
            m,
            Row.Target.atMost(300, "ms")));
    table.add(
        new Row(
            7,
            "in-process ZerocredProxy.start(): CA generated, port bound, p50 of 5 (ms)",
            null,
            ms(inProcess.stats().median()),
            null,
            Row.Target.atMost(300, "ms")));
  }

  /** 8. The real Claude Code CLI in print mode against the stand-in Messages API. */
  private void workload8() throws Exception {
    if (options.claude() == null) {
      notes.add("Workload 8 was skipped: no Claude Code CLI (run.sh installs it with npm).");
      table.add(
          new Row(
              8,
              "claude --print, wall time p50 (ms)",
              null,
              null,
              null,
              Row.Target.withinOfDirect(300, "ms")));
      return;
    }
    int runs = options.quick() ? 2 : 5;
    say("workload 8: claude --print through each way, 1 + " + runs + " runs each");
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder().pki(pki).expectToken(realToken).start()) {
      Map<String, String> credentials = Map.of(Credentials.OAUTH_VARIABLE, realToken);
      try (ZerocredProcess z =
              ZerocredProcess.start(
                  options.zerocredJar(),
                  options.work().resolve("zerocred-cli"),
                  api.address(),
                  upstreamCa,
                  credentials,
                  List.of());
          MitmProcess m =
              options.mitmdump() == null
                  ? null
                  : MitmProcess.start(
                      options.mitmdump(),
                      options.addon(),
                      options.work().resolve("mitmproxy-cli"),
                      api.address(),
                      upstreamCa,
                      realToken,
                      randomToken(24))) {
        ClaudeRun cli = new ClaudeRun(options.claude(), options.work().resolve("claude"));
        List<ClaudeRun.Setup> setups = new ArrayList<>();
        setups.add(
            ClaudeRun.Setup.direct("https://localhost:" + api.port(), upstreamCa, realToken));
        setups.add(ClaudeRun.Setup.proxied("zerocred", z.proxyUrl(), z.caCertFile, z.placeholder));
        if (m != null) {
          setups.add(
              ClaudeRun.Setup.proxied("mitmproxy", m.proxyUrl(), m.caCertFile, z.placeholder));
        }
        Map<String, LongList> walls = new LinkedHashMap<>();
        Map<String, Double> firsts = new LinkedHashMap<>();
        for (ClaudeRun.Setup s : setups) {
          // The first run meets a proxy that has served nothing yet, as every review does.
          firsts.put(s.name(), ms(cli.run(s)));
          walls.put(s.name(), new LongList());
        }
        for (int i = 0; i < runs; i++) {
          for (ClaudeRun.Setup s : setups) {
            walls.get(s.name()).add(cli.run(s));
          }
        }
        StringBuilder each = new StringBuilder("Workload 8, each run in order (ms):");
        walls.forEach(
            (name, list) -> {
              each.append(' ').append(name).append(' ');
              List<String> values = new ArrayList<>();
              for (long v : list.values()) {
                values.add(Table.number(ms(v)));
              }
              each.append(String.join(", ", values)).append(';');
            });
        notes.add(each.toString());
        java.util.function.Function<String, Double> p50 =
            name -> walls.containsKey(name) ? ms(walls.get(name).stats().median()) : null;
        table.add(
            new Row(
                8,
                "claude --print against the stand-in: wall time p50 of " + runs + " (ms)",
                p50.apply("direct"),
                p50.apply("zerocred"),
                p50.apply("mitmproxy"),
                Row.Target.withinOfDirect(300, "ms")));
        table.add(
            new Row(
                8,
                "claude --print, first run through a proxy that has served nothing yet (ms)",
                firsts.get("direct"),
                firsts.get("zerocred"),
                firsts.get("mitmproxy"),
                null));
      }
    }
  }

  /**
   * CPU the proxy processes used per request over a workload: less sensitive to a busy machine than
   * wall-clock figures, since waiting for a core costs no CPU time. The proxies are idle while the
   * other ways run, so their CPU time over the whole workload belongs to their requests.
   */
  private final class ProxyCpu {
    private final Map<String, Long> startCpu = new LinkedHashMap<>();
    private final Map<String, Long> requests = new LinkedHashMap<>();
    private final Map<String, Long> upstreamConnections = new LinkedHashMap<>();

    ProxyCpu() throws IOException {
      startCpu.put("zerocred", Processes.cpuNanos(zerocred.pid()));
      if (mitm != null) {
        startCpu.put("mitmproxy", Processes.cpuNanos(mitm.pid()));
      }
    }

    void count(Way way, Sample sample) {
      requests.merge(way.name(), sample.count(), Long::sum);
      upstreamConnections.merge(way.name(), sample.upstreamConnections(), Long::sum);
    }

    /** Upstream TLS connections the way opened per 1,000 requests: 0 when all were reused. */
    Double upstreamConnectionsPerThousand(Way way) {
      Long n = requests.get(way.name());
      return n == null || n == 0 ? null : upstreamConnections.get(way.name()) * 1000.0 / n;
    }

    Double microsPerRequest(Way way) {
      if (options.inProcess() || !startCpu.containsKey(way.name())) {
        return null;
      }
      long pid = way.name().equals("zerocred") ? zerocred.pid() : mitm.pid();
      try {
        long used = Processes.cpuNanos(pid) - startCpu.get(way.name());
        return used / 1000.0 / requests.get(way.name());
      } catch (IOException e) {
        return null;
      }
    }
  }

  // ---------------------------------------------------------------- load loops

  /** What a timed loop measured. */
  private record Sample(
      long count, long elapsedNanos, LongList latencies, long upstreamConnections) {
    double perSecond() {
      return count / (elapsedNanos / 1e9);
    }
  }

  private Sample sequential(Way way, Duration duration) throws IOException {
    long connections = upstream.connections.get();
    try (HttpConnection c = HttpConnection.open(way, HOST)) {
      Sample s = loop(c, way, System.nanoTime() + duration.toNanos());
      return new Sample(
          s.count, s.elapsedNanos, s.latencies, upstream.connections.get() - connections);
    }
  }

  /** Sequential 1 KB requests on one connection until {@code deadline}. */
  private static Sample loop(HttpConnection c, Way way, long deadline) throws IOException {
    HttpConnection.Discard sink = new HttpConnection.Discard();
    LongList latencies = new LongList();
    long start = System.nanoTime();
    long now = start;
    long count = 0;
    while (now < deadline) {
      long t = System.nanoTime();
      int status = c.get(HOST, "/small", way.authorization(), sink);
      now = System.nanoTime();
      if (status != 200) {
        throw new IOException(way.name() + ": status " + status);
      }
      latencies.add(now - t);
      count++;
    }
    if (sink.bytes != count * BenchUpstream.SMALL_BYTES) {
      throw new IOException(way.name() + ": " + sink.bytes + " bytes for " + count + " responses");
    }
    return new Sample(count, now - start, latencies, 0);
  }

  private Sample concurrent(Way way, int tunnels, Duration duration) throws Exception {
    long upstreamBefore = upstream.connections.get();
    List<HttpConnection> connections = openMany(way, tunnels, 16);
    ExecutorService pool = Executors.newFixedThreadPool(tunnels);
    try {
      CountDownLatch go = new CountDownLatch(1);
      long[] deadline = new long[1];
      List<Future<Sample>> futures = new ArrayList<>();
      for (HttpConnection c : connections) {
        Callable<Sample> task =
            () -> {
              go.await();
              return loop(c, way, deadline[0]);
            };
        futures.add(pool.submit(task));
      }
      long start = System.nanoTime();
      deadline[0] = start + duration.toNanos();
      go.countDown(); // publishes deadline[0] to the waiting threads
      LongList latencies = new LongList();
      long count = 0;
      for (Future<Sample> f : futures) {
        Sample s = f.get();
        count += s.count;
        latencies.addAll(s.latencies);
      }
      return new Sample(
          count, System.nanoTime() - start, latencies, upstream.connections.get() - upstreamBefore);
    } finally {
      pool.shutdownNow();
      connections.forEach(HttpConnection::close);
    }
  }

  // ---------------------------------------------------------------- plumbing

  private List<Way> ways() {
    List<Way> ways = new ArrayList<>(List.of(direct, viaZerocred));
    if (viaMitm != null) {
      ways.add(viaMitm);
    }
    return ways;
  }

  /** One numbered workload; may throw, {@link #guarded} reports it. */
  private interface Workload {
    void run() throws Exception;
  }

  /** Runs one workload; a failure is reported in the notes and does not stop the others. */
  private void guarded(int number, Workload workload) {
    if (number > 0 && !options.only().isEmpty() && !options.only().contains(number)) {
      return;
    }
    long start = System.nanoTime();
    try {
      workload.run();
    } catch (Exception e) {
      say("workload " + number + " failed: " + e);
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        say("  caused by " + cause);
      }
      notes.add("Workload " + number + " failed: " + e.getMessage());
    }
    say("workload " + number + " took " + Table.number((System.nanoTime() - start) / 1e9) + " s");
  }

  private Row row(
      int workload,
      String figure,
      java.util.function.Function<Way, Double> value,
      Row.Target target) {
    return new Row(
        workload,
        figure,
        value.apply(direct),
        value.apply(viaZerocred),
        viaMitm == null ? null : value.apply(viaMitm),
        target);
  }

  private static Map<Way, Stats> stats(Map<Way, LongList> samples) {
    Map<Way, Stats> result = new LinkedHashMap<>();
    samples.forEach((way, list) -> result.put(way, list.stats()));
    return result;
  }

  private static Double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get((sorted.size() - 1) / 2);
  }

  private static double ms(double nanos) {
    return Stats.millis(nanos);
  }

  private String randomToken(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  private void say(String message) {
    log.println("[bench] " + message);
    log.flush();
  }

  // ---------------------------------------------------------------- report

  private String report(ZonedDateTime started, Duration took, String loadBefore, String loadAfter) {
    StringBuilder out = new StringBuilder();
    out.append("Measured ")
        .append(started.format(DateTimeFormatter.ISO_LOCAL_DATE))
        .append(" at commit `")
        .append(options.commit())
        .append("` with `bench/run.sh`")
        .append(options.quick() ? " (quick mode: shorter runs, smaller transfers)" : "")
        .append("; the workloads took ")
        .append(Math.round(took.toSeconds()))
        .append(" s.\n\n");
    out.append("| Machine | |\n|---|---|\n");
    out.append("| CPU | ")
        .append(Machine.cpuModel())
        .append(", ")
        .append(Machine.cores())
        .append(" cores |\n");
    out.append("| Memory | ").append(Machine.memory()).append(" |\n");
    out.append("| JDK | ").append(Machine.jdk()).append(" |\n");
    out.append("| OS | ").append(Machine.os()).append(" |\n");
    out.append("| mitmproxy | ")
        .append(
            options.mitmdump() == null ? "not available" : MitmProcess.version(options.mitmdump()))
        .append(" |\n");
    out.append("| Claude Code CLI | ")
        .append(options.claude() == null ? "not available" : ClaudeRun.version(options.claude()))
        .append(" |\n");
    out.append("| Load average (1/5/15 min) before, after | ")
        .append(loadBefore)
        .append("; ")
        .append(loadAfter)
        .append(" |\n\n");
    out.append(table.markdown());
    if (!notes.isEmpty()) {
      out.append('\n');
      for (String note : notes) {
        out.append("- ").append(note).append('\n');
      }
    }
    return out.toString();
  }

  static final String KEPT_MARKER =
      "<!-- Everything below this line is kept when run.sh rewrites the file. -->";

  /** Replaces the generated part of RESULTS.md and keeps the hand-written analysis below it. */
  private static void writeResults(Path file, String report) throws IOException {
    String kept = "";
    if (Files.exists(file)) {
      String old = Files.readString(file, StandardCharsets.UTF_8);
      int at = old.indexOf(KEPT_MARKER);
      if (at >= 0) {
        kept = old.substring(at);
      }
    }
    if (kept.isEmpty()) {
      kept = KEPT_MARKER + "\n";
    }
    String content =
        "# Benchmarks: direct, zerocred and mitmproxy side by side\n\n"
            + "Generated by `bench/run.sh`; how each figure is measured and what limits it is"
            + " below the table.\n\n"
            + report
            + "\n"
            + kept;
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** Command-line options, from run.sh. */
  record Options(
      Path zerocredJar,
      Path mitmdump,
      Path addon,
      Path claude,
      Path work,
      Path results,
      String commit,
      boolean quick,
      boolean inProcess,
      Set<Integer> only,
      List<String> zerocredJvmOptions) {
    static final String USAGE =
        "usage: Bench --zerocred-jar JAR --work DIR [--mitmdump PATH --mitm-addon PY]"
            + " [--claude PATH] [--results FILE] [--commit SHA] [--quick] [--only 1,2,...]"
            + " [--in-process]"
            + " [--zerocred-jvm-option OPTION]...";

    static Options parse(String[] args) {
      Map<String, String> values = new LinkedHashMap<>();
      boolean quick = false;
      boolean inProcess = false;
      List<String> jvmOptions = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        if (args[i].equals("--quick")) {
          quick = true;
          continue;
        }
        if (args[i].equals("--in-process")) {
          inProcess = true;
          continue;
        }
        if (args[i].equals("--zerocred-jvm-option") && i + 1 < args.length) {
          jvmOptions.add(args[++i]); // for profiling, e.g. -XX:StartFlightRecording=...
          continue;
        }
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("bad argument " + args[i]);
        }
        values.put(args[i], args[++i]);
      }
      Path jar = path(values.remove("--zerocred-jar"));
      Path work = path(values.remove("--work"));
      if (jar == null || work == null) {
        throw new IllegalArgumentException("--zerocred-jar and --work are required");
      }
      Path mitmdump = path(values.remove("--mitmdump"));
      Path addon = path(values.remove("--mitm-addon"));
      if (mitmdump != null && addon == null) {
        throw new IllegalArgumentException("--mitmdump needs --mitm-addon");
      }
      Options o =
          new Options(
              jar,
              mitmdump,
              addon,
              path(values.remove("--claude")),
              work,
              path(values.remove("--results")),
              values.getOrDefault("--commit", "unknown"),
              quick,
              inProcess,
              only(values.remove("--only")),
              List.copyOf(jvmOptions));
      values.remove("--commit");
      if (!values.isEmpty()) {
        throw new IllegalArgumentException("unknown options " + values.keySet());
      }
      return o;
    }

    private static Set<Integer> only(String value) {
      if (value == null || value.isBlank()) {
        return Set.of();
      }
      Set<Integer> numbers = new java.util.TreeSet<>();
      for (String part : value.split(",")) {
        numbers.add(Integer.parseInt(part.trim()));
      }
      return numbers;
    }

    private static Path path(String value) {
      return value == null || value.isBlank() ? null : Path.of(value);
    }

    Duration warmup() {
      return Duration.ofMillis(quick ? 500 : 2000);
    }

    Duration measure() {
      return Duration.ofMillis(quick ? 700 : 2500);
    }

    int rounds() {
      return quick ? 2 : 3;
    }
  }
}
