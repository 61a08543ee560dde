package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchUpstream.HOST;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ZerocredProxy;
import io.github.zerocred.testkit.ServerIdentity;
import io.github.zerocred.testkit.TestPki;
import io.github.zerocred.testkit.TunnelClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What every workload measures with: the options, the upstream, the three ways to it and the proxy
 * processes behind them, and the table and notes the workloads fill. Started once per run; closing
 * it stops the proxies and the upstream.
 */
final class BenchContext implements AutoCloseable {
  static final String JDK_TLS_WAY = "zerocred-jdk-tls";

  private final BenchOptions options;
  private final PrintStream log = System.err;
  private final Table table = new Table();
  private final List<String> notes = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();

  private final TestPki pki;
  private final Path upstreamCa;
  private final String realToken;
  private final Map<String, String> credentials;
  private final BenchUpstream upstream;
  private final Way direct;
  private ZerocredProcess zerocred;
  private ZerocredProcess zerocredJdkTls;
  private Way viaZerocredJdkTls;
  private MitmProcess mitm;
  private ZerocredProxy inProcessProxy;
  private Way viaZerocred;
  private Way viaMitm;

  private final List<Long> zerocredStarts = new ArrayList<>();
  private final List<Long> mitmStarts = new ArrayList<>();

  private BenchContext(BenchOptions options) throws Exception {
    this.options = options;
    Files.createDirectories(options.work());
    pki = TestPki.create();
    ServerIdentity identity =
        pki.issue(HOST, "api.github.com", "github.com", "localhost", "127.0.0.1");
    upstreamCa = pki.writeCaPem(options.work().resolve("upstream-ca.pem"));
    realToken = "sk-ant-oat01-" + randomToken(95);
    String githubToken = "ghp_" + randomToken(36);
    credentials =
        Map.of(
            Credentials.OAUTH_VARIABLE, realToken,
            Credentials.GITHUB_VARIABLE, githubToken);
    upstream = new BenchUpstream(identity, realToken);
    direct =
        new Way(
            "direct", upstream.address(), null, pki.trustingSslContext(), "Bearer " + realToken);
  }

  /** Starts the upstream and the proxies; the ways are ready to measure. */
  static BenchContext start(BenchOptions options) throws Exception {
    BenchContext bench = new BenchContext(options);
    try {
      bench.startProxies();
    } catch (Exception | Error e) {
      bench.close();
      throw e;
    }
    return bench;
  }

  private void startProxies() throws Exception {
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
    if (options.compareJdkTls()) {
      say("starting a second zerocred proxy with --tls JDK");
      zerocredJdkTls =
          ZerocredProcess.start(
              options.zerocredJar(),
              options.work().resolve("zerocred-jdk-tls"),
              upstream.address(),
              upstreamCa,
              credentials,
              options.zerocredJvmOptions(),
              "--tls",
              "JDK");
      viaZerocredJdkTls =
          new Way(
              JDK_TLS_WAY,
              zerocredJdkTls.address,
              TunnelClient.basic(zerocredJdkTls.user, zerocredJdkTls.password),
              TestPki.trustingSslContext(zerocredJdkTls.caCertFile),
              "Bearer " + zerocredJdkTls.placeholder);
      notes.add(
          "TLS: zerocred used "
              + zerocred.tlsProvider
              + "; the rows marked *[JDK TLS]* are the same figure through a second `zerocred"
              + " proxy --tls JDK` ("
              + zerocredJdkTls.tlsProvider
              + "), measured in the same rounds.");
    } else {
      notes.add("TLS: zerocred used " + zerocred.tlsProvider + ".");
    }
    viaZerocred =
        new Way(
            "zerocred",
            zerocred.address,
            TunnelClient.basic(zerocred.user, zerocred.password),
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
              TunnelClient.basic(inProcessProxy.proxyUser(), inProcessProxy.proxyPassword()),
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
              TunnelClient.basic(MitmProcess.USER, mitm.password),
              TestPki.trustingSslContext(mitm.caCertFile),
              "Bearer " + zerocred.placeholder);
    } else {
      notes.add("mitmproxy was not available: its column is empty.");
    }
  }

  /** Every start-to-ready time of {@code zerocred proxy} so far, the first one included. */
  List<Long> zerocredStarts() {
    return zerocredStarts;
  }

  /** Every start-to-listening time of mitmproxy so far, the first one included. */
  List<Long> mitmStarts() {
    return mitmStarts;
  }

  BenchOptions options() {
    return options;
  }

  /** The test CA that issued the upstream's certificate (also the stand-in Messages API's). */
  TestPki pki() {
    return pki;
  }

  /** {@link #pki()}'s CA certificate as a PEM file, for the processes that must trust it. */
  Path upstreamCa() {
    return upstreamCa;
  }

  /** The real Messages API token: the direct way holds it, the proxies inject it. */
  String realToken() {
    return realToken;
  }

  /** The environment a {@code zerocred proxy} process gets its credentials from. */
  Map<String, String> credentials() {
    return credentials;
  }

  BenchUpstream upstream() {
    return upstream;
  }

  /** The {@code zerocred proxy} process (also with {@code --in-process}, for its figures). */
  ZerocredProcess zerocred() {
    return zerocred;
  }

  /** The mitmproxy process, or {@code null} when mitmproxy is not available. */
  MitmProcess mitm() {
    return mitm;
  }

  /** The way through the zerocred proxy. */
  Way viaZerocred() {
    return viaZerocred;
  }

  /**
   * Direct, zerocred and (when available) mitmproxy, in the table's column order; with {@code
   * --compare-jdk-tls} the zerocred proxy on JDK TLS last.
   */
  List<Way> ways() {
    List<Way> ways = new ArrayList<>(List.of(direct, viaZerocred));
    if (viaMitm != null) {
      ways.add(viaMitm);
    }
    if (viaZerocredJdkTls != null) {
      ways.add(viaZerocredJdkTls);
    }
    return ways;
  }

  /** The process behind a proxied way. */
  long pidOf(Way way) {
    if (way == viaZerocredJdkTls) {
      return zerocredJdkTls.pid();
    }
    return way.name().equals("zerocred") ? zerocred.pid() : mitm.pid();
  }

  /** Whether the way's proxy is a JVM (a garbage collection before reading its memory helps). */
  boolean isJvm(Way way) {
    return way == viaZerocred || way == viaZerocredJdkTls;
  }

  /** Adds a row of one figure taken each way: {@code value} of each way, {@code null} if none. */
  void row(int workload, String figure, Function<Way, Double> value, Row.Target target) {
    table.add(
        new Row(
            workload,
            figure,
            value.apply(direct),
            value.apply(viaZerocred),
            viaMitm == null ? null : value.apply(viaMitm),
            target));
    if (viaZerocredJdkTls != null) {
      table.add(
          new Row(
              workload,
              figure + " [JDK TLS]",
              value.apply(direct),
              value.apply(viaZerocredJdkTls),
              viaMitm == null ? null : value.apply(viaMitm),
              null));
    }
  }

  /** Adds a row whose values were not taken through the ways (e.g. an in-process figure). */
  void add(Row row) {
    table.add(row);
  }

  /** Adds a line to the notes under the table. */
  void note(String note) {
    notes.add(note);
  }

  Table table() {
    return table;
  }

  List<String> notes() {
    return notes;
  }

  /** A random alphanumeric string, for tokens and passwords made for the run. */
  String randomToken(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** Progress on stderr (the table goes to stdout). */
  void say(String message) {
    log.println("[bench] " + message);
    log.flush();
  }

  static Map<Way, Stats> stats(Map<Way, LongList> samples) {
    Map<Way, Stats> result = new LinkedHashMap<>();
    samples.forEach((way, list) -> result.put(way, list.stats()));
    return result;
  }

  static Double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get((sorted.size() - 1) / 2);
  }

  static double ms(double nanos) {
    return Stats.millis(nanos);
  }

  @Override
  public void close() {
    if (zerocred != null) {
      zerocred.close();
    }
    if (zerocredJdkTls != null) {
      zerocredJdkTls.close();
    }
    if (inProcessProxy != null) {
      inProcessProxy.close();
    }
    if (mitm != null) {
      mitm.close();
    }
    upstream.close();
  }
}
