package io.github.zerocred.proxy;

import io.github.zerocred.testkit.ServerIdentity;
import io.github.zerocred.testkit.StandInHandler;
import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.StandInServer;
import io.github.zerocred.testkit.TestPki;
import io.github.zerocred.testkit.TunnelClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A proxy wired to a recording stand-in upstream: api.anthropic.com (and any other name the test
 * asks for) is routed to the stand-in on loopback, whose certificate comes from a test CA the proxy
 * trusts as an upstream CA.
 */
final class ProxyFixture implements AutoCloseable {
  static final String OAUTH_TOKEN = "sk-ant-oat01-REALtoken_" + "x".repeat(70) + "-AA";
  static final String API_KEY = "sk-ant-api03-REALkey_" + "y".repeat(80) + "-BB";
  static final String GITHUB_TOKEN = "ghs_REALgithub" + "z".repeat(26);

  final TestPki pki = TestPki.create();
  final StandInServer upstream;
  final ZerocredProxy proxy;
  final Path dir;
  final Path auditLog;
  final List<ProxyEvent> events = new CopyOnWriteArrayList<>();

  private ProxyFixture(StandInHandler handler, Consumer<ProxyConfig.Builder> customise)
      throws IOException {
    dir = Files.createTempDirectory("zerocred-proxy-test");
    auditLog = dir.resolve("audit.jsonl");
    ServerIdentity identity =
        pki.issue("api.anthropic.com", "api.github.com", "github.com", "passthrough.example");
    upstream = StandInServer.builder().identity(identity).handler(handler).start();
    ProxyConfig.Builder b =
        ProxyConfig.builder()
            .credential(Credential.anthropic(OAUTH_TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
            .route("api.anthropic.com", upstream.address())
            .upstreamTrust(pki.caCertificate())
            .auditLog(auditLog)
            .listener(events::add);
    customise.accept(b);
    StandInServer started = upstream;
    try {
      proxy = ZerocredProxy.start(b.build());
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /**
   * The paths the streaming, framing, redaction and injection tests use on the credential host.
   * Those tests are about other things, so the fixture allows exactly these on top of the default
   * endpoint policy; {@link #withDefaultPolicy} leaves them out for the tests of the policy itself.
   */
  static final List<String> TEST_ENDPOINTS =
      List.of(
          "GET /",
          "POST /",
          "GET /big",
          "PUT /up",
          "PUT /up2",
          "GET /slow",
          "GET /fast",
          "GET /echo",
          "GET /stream",
          "GET /h",
          "GET /x",
          "GET /v1/x",
          "GET /v1/messages",
          "GET /v1/models");

  private static Consumer<ProxyConfig.Builder> testEndpoints(Consumer<ProxyConfig.Builder> then) {
    return b -> {
      TEST_ENDPOINTS.forEach(b::allowEndpoint);
      then.accept(b);
    };
  }

  static ProxyFixture start() throws IOException {
    return new ProxyFixture(r -> StandInResponse.echo(), testEndpoints(b -> {}));
  }

  static ProxyFixture start(StandInHandler handler) throws IOException {
    return new ProxyFixture(handler, testEndpoints(b -> {}));
  }

  static ProxyFixture start(StandInHandler handler, Consumer<ProxyConfig.Builder> customise)
      throws IOException {
    return new ProxyFixture(handler, testEndpoints(customise));
  }

  /** A fixture with exactly the default endpoint policy. */
  static ProxyFixture withDefaultPolicy(StandInHandler handler) throws IOException {
    return new ProxyFixture(handler, b -> {});
  }

  /** A fixture with exactly the default endpoint policy, plus what {@code customise} adds. */
  static ProxyFixture withDefaultPolicy(
      StandInHandler handler, Consumer<ProxyConfig.Builder> customise) throws IOException {
    return new ProxyFixture(handler, customise);
  }

  /** Waits for the audit record of a refusal (records arrive asynchronously, in order). */
  AuditRecord awaitDenied() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<AuditRecord> records = audited();
      for (int i = records.size() - 1; i >= 0; i--) {
        if (!records.get(i).allowed()) {
          return records.get(i);
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("expected a refusal in the audit log, got " + audited());
  }

  /** The {@code Proxy-Authorization} value that opens a tunnel through {@code proxy}. */
  static String authorization(ZerocredProxy proxy) {
    return TunnelClient.basic(proxy.proxyUser(), proxy.proxyPassword());
  }

  /** A client with an authenticated tunnel to {@code host:443} and TLS inside it, ready to send. */
  TunnelClient tunnel(String host) throws Exception {
    TunnelClient c = TunnelClient.connect(proxy.address());
    TunnelClient.Response r = c.connectTunnel(host + ":443", ProxyFixture.authorization(proxy));
    if (r.status != 200) {
      c.close();
      throw new AssertionError("CONNECT " + host + " answered " + r.status);
    }
    c.startTls(host, caCertificate());
    return c;
  }

  java.security.cert.X509Certificate caCertificate() {
    return io.github.zerocred.proxy.tls.Pem.parse(
            proxy.caCertificatePem().getBytes(StandardCharsets.US_ASCII))
        .get(0);
  }

  String placeholder() {
    return proxy.placeholders().get("CLAUDE_CODE_OAUTH_TOKEN");
  }

  /** The audit log's lines, once the proxy is closed (the log is flushed by then). */
  List<String> auditLines() throws IOException {
    return Files.exists(auditLog) ? Files.readAllLines(auditLog) : new ArrayList<>();
  }

  /** Waits until the audit log has at least {@code n} records (it is written asynchronously). */
  List<AuditRecord> awaitAudit(int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<AuditRecord> records = audited();
      if (records.size() >= n) {
        return records;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("expected " + n + " audit records, got " + audited());
  }

  List<AuditRecord> audited() {
    List<AuditRecord> list = new ArrayList<>();
    for (ProxyEvent e : events) {
      if (e instanceof ProxyEvent.Audited a) {
        list.add(a.record());
      }
    }
    return list;
  }

  @Override
  public void close() throws IOException {
    proxy.close();
    upstream.close();
  }
}
