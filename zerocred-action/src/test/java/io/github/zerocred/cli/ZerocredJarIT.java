package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.StandInServer;
import io.github.zerocred.testkit.TestPki;
import io.github.zerocred.testkit.TunnelClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built {@code zerocred.jar} as users run it: a child process, signals, files, exit codes. */
class ZerocredJarIT {
  private static final String TOKEN = "sk-ant-oat01-processTest-" + "x".repeat(40);
  private static final Duration READY = Duration.ofSeconds(30);
  private static final Duration EXIT = Duration.ofSeconds(30);

  @TempDir Path work;
  @TempDir Path childTmp;

  @Test
  void proxy_injectsRealToken_thenSigtermExitsZeroAndRemovesItsFiles() throws Exception {
    TestPki pki = TestPki.create();
    Path upstreamCa = pki.writeCaPem(work.resolve("upstream-ca.pem"));
    Path readyFile = work.resolve("ready.json");
    Path auditLog = work.resolve("audit.jsonl");
    try (StandInServer api =
            StandInServer.builder()
                .identity(pki.issue("api.anthropic.com"))
                .handler(request -> StandInResponse.text(200, "hello from the stand-in"))
                .start();
        ZerocredProcess zerocred =
            startProxy(Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN), api, upstreamCa, readyFile)) {

      JsonNode ready = zerocred.awaitReadyFile(readyFile, READY);
      String proxyUrl = ready.get("proxyUrl").asText();
      Path caFile = Path.of(ready.get("caCertFile").asText());
      String placeholder = ready.get("placeholders").get("CLAUDE_CODE_OAUTH_TOKEN").asText();
      assertThat(proxyUrl).matches("http://zerocred:[^@:]+@127\\.0\\.0\\.1:\\d+");
      assertThat(ready.get("placeholders").size()).isEqualTo(1);
      assertThat(placeholder).startsWith("sk-ant-oat01-").isNotEqualTo(TOKEN);
      assertThat(ready.get("auditLog").asText()).isEqualTo(auditLog.toString());
      assertThat(Files.readString(caFile)).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(caFile.getParent()).startsWith(childTmp);
      assertThat(mode(caFile.getParent())).isEqualTo("rwx------");
      assertThat(mode(readyFile)).isEqualTo("rw-------");
      assertThat(Files.readString(readyFile)).doesNotContain(TOKEN);
      assertThat(zerocred.awaitStderrLine("ready file", READY))
          .startsWith("zerocred: proxy listening on 127.0.0.1:")
          .endsWith("ready file " + readyFile);

      URI proxy = URI.create(proxyUrl);
      TunnelClient.Response response;
      try (TunnelClient client = tunnel(proxy, caFile)) {
        response =
            client.get(
                "api.anthropic.com",
                "/api/claude_code/settings?beta=true",
                "Authorization: Bearer " + placeholder,
                "Connection: close");
      }

      assertThat(response.status).isEqualTo(200);
      assertThat(response.bodyText()).endsWith("hello from the stand-in");
      RecordedRequest seen =
          api.awaitRequest(
              r -> r.path().equals("/api/claude_code/settings"), Duration.ofSeconds(5));
      assertThat(seen.header("authorization")).isEqualTo("Bearer " + TOKEN);

      zerocred.terminate();
      assertThat(zerocred.awaitExit(EXIT)).isZero();
      assertThat(readyFile).doesNotExist();
      assertThat(caFile).doesNotExist();
      assertThat(caFile.getParent()).doesNotExist();
      assertThat(listing(childTmp)).isEmpty();
      assertThat(auditLog).exists();
      String audit = Files.readString(auditLog);
      assertThat(audit)
          .contains("\"path\":\"/api/claude_code/settings\"")
          .contains("\"credentialInjected\":true")
          .doesNotContain(TOKEN)
          .doesNotContain(placeholder);
      assertThat(zerocred.stderr() + zerocred.stdout())
          .doesNotContain(TOKEN)
          .doesNotContain(placeholder)
          .doesNotContain(proxyUrl);
    }
  }

  /**
   * The standalone proxy's request path (body policy, usage meter, audit log, its own API errors,
   * the price table) uses Jackson's streaming API only: jackson-databind is about 540 classes, a
   * tenth of what a proxy start loads, and a sixth of its start CPU (bench/RESULTS.md, "Issue 14").
   * Checked on what the JVM actually loaded while serving a metered Messages request and refusing
   * another.
   */
  @Test
  void proxy_servingAndRefusingMessages_neverLoadsJacksonDatabind() throws Exception {
    TestPki pki = TestPki.create();
    Path upstreamCa = pki.writeCaPem(work.resolve("upstream-ca.pem"));
    Path readyFile = work.resolve("ready.json");
    Path classes = work.resolve("classes.txt");
    String usage = "\"usage\":{\"input_tokens\":12,\"output_tokens\":1}";
    try (StandInServer api =
            StandInServer.builder()
                .identity(pki.issue("api.anthropic.com"))
                .handler(
                    request ->
                        StandInResponse.sse(
                            List.of(
                                "event: message_start\ndata: {\"type\":\"message_start\","
                                    + "\"message\":{\"model\":\"claude-haiku-4-5\","
                                    + usage
                                    + "}}\n\n",
                                "event: message_delta\ndata: {\"type\":\"message_delta\","
                                    + usage
                                    + "}\n\n"),
                            Duration.ZERO))
                .start();
        ZerocredProcess zerocred =
            startProxy(
                Map.of(
                    "CLAUDE_CODE_OAUTH_TOKEN",
                    TOKEN,
                    "JAVA_TOOL_OPTIONS",
                    "-Xlog:class+load=info:file=" + classes),
                api,
                upstreamCa,
                readyFile)) {
      JsonNode ready = zerocred.awaitReadyFile(readyFile, READY);
      URI proxy = URI.create(ready.get("proxyUrl").asText());
      String placeholder = ready.get("placeholders").get("CLAUDE_CODE_OAUTH_TOKEN").asText();
      Path ca = Path.of(ready.get("caCertFile").asText());
      String tool = "{\"name\":\"Read\",\"input_schema\":{\"type\":\"object\"}}";
      String serverTool = "{\"type\":\"web_fetch_20250910\",\"name\":\"f\"}";
      TunnelClient.Response served = messages(proxy, ca, placeholder, tool);
      TunnelClient.Response refused = messages(proxy, ca, placeholder, serverTool);

      assertThat(served.status).isEqualTo(200);
      assertThat(served.bodyText()).contains("message_delta");
      assertThat(refused.status).isEqualTo(403);
      assertThat(refused.bodyText())
          .contains("\"type\":\"permission_error\"", "web_fetch_20250910");
      zerocred.terminate();
      assertThat(zerocred.awaitExit(EXIT)).isZero();
      assertThat(Files.readString(work.resolve("audit.jsonl")))
          .contains("\"path\":\"/v1/messages\"", "server_tool_not_allowed");
    }
    List<String> loaded = Files.readAllLines(classes);
    assertThat(loaded).as("the JVM's class-load log").anyMatch(l -> l.contains("UsageMeter "));
    assertThat(loaded)
        .as("classes of jackson-databind or its modules loaded by the proxy")
        .noneMatch(l -> l.contains(" com.fasterxml.jackson.databind."))
        .noneMatch(l -> l.contains(" com.fasterxml.jackson.datatype."));
  }

  /** {@code zerocred proxy} routed to the stand-in API, its audit log in {@code work}. */
  private ZerocredProcess startProxy(
      Map<String, String> env, StandInServer api, Path upstreamCa, Path readyFile) {
    return ZerocredProcess.start(
        env,
        childTmp,
        "proxy",
        "--listen",
        "127.0.0.1:0",
        "--route",
        "api.anthropic.com=127.0.0.1:" + api.port(),
        "--upstream-ca",
        upstreamCa.toString(),
        "--audit-log",
        work.resolve("audit.jsonl").toString(),
        "--ready-file",
        readyFile.toString());
  }

  /** A TLS tunnel to the API through the proxy, trusting the proxy's CA in {@code caFile}. */
  private static TunnelClient tunnel(URI proxy, Path caFile) throws Exception {
    TunnelClient client =
        TunnelClient.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort()));
    String[] user = proxy.getUserInfo().split(":", 2);
    assertThat(
            client.connectTunnel("api.anthropic.com:443", TunnelClient.basic(user[0], user[1]))
                .status)
        .isEqualTo(200);
    try (InputStream in = Files.newInputStream(caFile)) {
      client.startTls(
          "api.anthropic.com",
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    return client;
  }

  private static TunnelClient.Response messages(URI proxy, Path ca, String placeholder, String tool)
      throws Exception {
    try (TunnelClient client = tunnel(proxy, ca)) {
      String body =
          "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":64,\"stream\":true,\"tools\":["
              + tool
              + "],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      return client.post(
          "api.anthropic.com",
          "/v1/messages?beta=true",
          body.getBytes(StandardCharsets.UTF_8),
          "Authorization: Bearer " + placeholder,
          "Content-Type: application/json",
          "anthropic-version: 2023-06-01",
          "Connection: close");
    }
  }

  @Test
  void sigint_stopsCleanlyToo_andTheDefaultReadyFileIsPrivate() {
    try (ZerocredProcess zerocred =
        ZerocredProcess.start(Map.of("ANTHROPIC_API_KEY", apiKey()), childTmp, "proxy")) {
      Path readyFile = awaitDefaultReadyFile(zerocred);
      JsonNode ready = zerocred.awaitReadyFile(readyFile, READY);
      assertThat(ready.get("placeholders").get("ANTHROPIC_API_KEY").asText())
          .startsWith("sk-ant-api03-");
      assertThat(ready.get("auditLog").isNull()).isTrue();
      assertThat(readyFile.getParent())
          .isEqualTo(Path.of(ready.get("caCertFile").asText()).getParent());

      zerocred.signal("INT");

      assertThat(zerocred.awaitExit(EXIT)).isZero();
      assertThat(listing(childTmp)).isEmpty();
    }
  }

  @Test
  void missingToken_exitsWithCredentialCode_namesTheVariables_andLeavesNothingBehind() {
    Path readyFile = work.resolve("ready.json");
    ZerocredProcess zerocred =
        ZerocredProcess.run(Map.of(), childTmp, "proxy", "--ready-file", readyFile.toString());

    assertThat(zerocred.exitCode()).isEqualTo(ExitCodes.CREDENTIALS);
    assertThat(zerocred.stderr())
        .startsWith("zerocred: ")
        .contains("CLAUDE_CODE_OAUTH_TOKEN")
        .contains("ANTHROPIC_API_KEY")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(zerocred.stderr().lines()).hasSize(1);
    assertThat(readyFile).doesNotExist();
    assertThat(listing(childTmp)).isEmpty();
  }

  @Test
  void malformedToken_isNamed_butNeverEchoed() {
    String malformed = "not-a-real-token-but-secret-anyway-0123456789";
    ZerocredProcess zerocred =
        ZerocredProcess.run(Map.of("CLAUDE_CODE_OAUTH_TOKEN", malformed), childTmp, "proxy");

    assertThat(zerocred.exitCode()).isEqualTo(ExitCodes.CREDENTIALS);
    assertThat(zerocred.stderr()).contains("CLAUDE_CODE_OAUTH_TOKEN").doesNotContain(malformed);
    assertThat(zerocred.stderr().lines()).hasSize(1);
  }

  @Test
  void tokenPastedAsArgument_isAUsageError_andNotEchoed() {
    ZerocredProcess zerocred =
        ZerocredProcess.run(Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN), childTmp, "proxy", TOKEN);

    assertThat(zerocred.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(zerocred.stderr()).startsWith("zerocred: ").doesNotContain(TOKEN);
    assertThat(zerocred.stderr().lines()).hasSize(1);
  }

  @Test
  void unknownOption_isAUsageErrorOnOneLine() {
    ZerocredProcess zerocred =
        ZerocredProcess.run(
            Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN), childTmp, "proxy", "--lsiten");

    assertThat(zerocred.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(zerocred.stderr().lines())
        .singleElement()
        .asString()
        .startsWith("zerocred: ")
        .contains("--lsiten")
        .contains("zerocred proxy --help");
    assertThat(listing(childTmp)).isEmpty();
  }

  @Test
  void portInUse_isARuntimeFailure_andLeavesNothingBehind() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path readyFile = work.resolve("ready.json");
      ZerocredProcess zerocred =
          ZerocredProcess.run(
              Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN),
              childTmp,
              "proxy",
              "--listen",
              "127.0.0.1:" + taken.getLocalPort(),
              "--ready-file",
              readyFile.toString());

      assertThat(zerocred.exitCode()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(zerocred.stderr().lines())
          .singleElement()
          .asString()
          .startsWith("zerocred: ")
          .contains(Integer.toString(taken.getLocalPort()));
      assertThat(readyFile).doesNotExist();
      assertThat(listing(childTmp)).isEmpty();
    }
  }

  @Test
  void help_ofBothCommands_explainsEveryOption_theEnvironmentAndTheExitCodes() {
    ZerocredProcess top = ZerocredProcess.run(Map.of(), childTmp, "--help");
    ZerocredProcess proxy = ZerocredProcess.run(Map.of(), childTmp, "proxy", "--help");

    assertThat(top.exitCode()).isZero();
    assertThat(top.stdout()).contains("proxy", "--help", "--version", "Exit codes");
    assertThat(proxy.exitCode()).isZero();
    assertThat(proxy.stdout())
        .contains(
            "--listen",
            "--allow-host",
            "--route",
            "--upstream-ca",
            "--audit-log",
            "--ready-file",
            "--verbose",
            "--help",
            "--version",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "ANTHROPIC_API_KEY",
            "GITHUB_TOKEN",
            "proxyUrl",
            "caCertFile",
            "placeholders",
            "auditLog",
            "SIGTERM",
            "Exit codes");
  }

  @Test
  void version_printsTheVersions() {
    ZerocredProcess zerocred = ZerocredProcess.run(Map.of(), childTmp, "--version");

    assertThat(zerocred.exitCode()).isZero();
    assertThat(zerocred.stdout())
        .startsWith("zerocred ")
        .contains("Claude Code CLI " + System.getProperty("zerocred.claude.version", ""));
  }

  private static Path awaitDefaultReadyFile(ZerocredProcess zerocred) {
    String line = zerocred.awaitStderrLine("ready file ", READY);
    return Path.of(line.substring(line.indexOf("ready file ") + "ready file ".length()));
  }

  private static String apiKey() {
    return "sk-ant-api03-processTest-" + "y".repeat(40);
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static List<Path> listing(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
