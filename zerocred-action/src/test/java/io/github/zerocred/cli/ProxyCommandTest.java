package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.testkit.TestPki;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Option parsing, validation, exit codes and the ready-file lifecycle, in process. */
class ProxyCommandTest {
  private static final String TOKEN = "sk-ant-oat01-unitTest-" + "u".repeat(40);
  private static final Map<String, String> ENV = Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
  // No signal ever arrives: these commands fail (or finish) by themselves.
  private final StopSignal noSignal = StopSignal.manual();

  @TempDir Path work;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void options_becomeTheProxyConfiguration() {
    Path ca = TestPki.create().writeCaPem(work.resolve("ca.pem"));
    ProxyCommand command =
        parse(
            ENV,
            "--listen",
            "127.0.0.2:8080",
            "--allow-host",
            "Registry.Example.COM.",
            "--allow-host",
            "b.example",
            "--route",
            "api.anthropic.com=127.0.0.1:9443",
            "--upstream-ca",
            ca.toString(),
            "--upstream-ca",
            ca.toString(),
            "--audit-log",
            work.resolve("audit.jsonl").toString(),
            "--ready-file",
            work.resolve("ready.json").toString(),
            "--verbose");

    ProxyConfig config = command.configuration();

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.2", 8080));
    assertThat(config.allowHosts()).containsExactlyInAnyOrder("registry.example.com", "b.example");
    assertThat(config.routes())
        .containsExactly(Map.entry("api.anthropic.com", new InetSocketAddress("127.0.0.1", 9443)));
    assertThat(config.upstreamTrust()).hasSize(2);
    assertThat(config.auditLog()).contains(work.resolve("audit.jsonl"));
    assertThat(config.credentials())
        .singleElement()
        .satisfies(c -> assertThat(c.variable()).isEqualTo("CLAUDE_CODE_OAUTH_TOKEN"));
    assertThat(command.readyFile).isEqualTo(work.resolve("ready.json"));
    assertThat(command.verbose).isTrue();
  }

  @Test
  void defaults_listenOnAFreeLoopbackPort_withNothingElseAllowed() {
    ProxyConfig config = parse(ENV).configuration();

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
    assertThat(config.allowHosts()).isEmpty();
    assertThat(config.routes()).isEmpty();
    assertThat(config.auditLog()).isEmpty();
  }

  @Test
  void githubToken_isASecondCredential() {
    ProxyConfig config =
        parse(
                Map.of(
                    "ANTHROPIC_API_KEY",
                    "sk-ant-api03-" + "k".repeat(40),
                    "GITHUB_TOKEN",
                    "ghp_" + "g".repeat(36)))
            .configuration();

    assertThat(config.credentials())
        .extracting(c -> c.variable())
        .containsExactlyInAnyOrder("ANTHROPIC_API_KEY", "GITHUB_TOKEN");
  }

  @Test
  void policyOptions_becomeTheApiPolicy() {
    ProxyConfig config =
        parse(
                ENV,
                "--max-budget-usd",
                "2.50",
                "--max-requests",
                "40",
                "--allow-endpoint",
                "get /v1/models",
                "--allow-web-search",
                "--model-family",
                "claude-sonnet",
                "--max-output-tokens",
                "64000")
            .configuration();

    ApiPolicy policy = config.apiPolicy();
    assertThat(policy.maxBudgetUsd()).contains(new java.math.BigDecimal("2.50"));
    assertThat(policy.maxRequests()).hasValue(40);
    assertThat(policy.extraEndpoints())
        .containsExactly(new ApiPolicy.Endpoint("GET", "/v1/models"));
    assertThat(policy.allowWebSearch()).isTrue();
    assertThat(policy.modelFamily()).contains("claude-sonnet");
    assertThat(policy.maxTokens()).hasValue(64000);
  }

  @Test
  void withoutPolicyOptions_onlyWhatClaudeCodeNeedsIsAllowed_withNoBudget() {
    ApiPolicy policy = parse(ENV).configuration().apiPolicy();

    assertThat(policy).isEqualTo(ApiPolicy.DEFAULTS);
    assertThat(policy.endpoints())
        .extracting(ApiPolicy.Endpoint::toString)
        .containsExactlyInAnyOrder(
            "POST /v1/messages",
            "POST /v1/messages/count_tokens",
            "GET /api/claude_code/settings",
            "GET /api/claude_code/policy_limits");
  }

  @Test
  void badPolicyOptions_areUsageErrors_namingTheOption() {
    assertThat(run(ENV, noSignal, "proxy", "--max-budget-usd", "0")).isEqualTo(ExitCodes.USAGE);
    assertThat(run(ENV, noSignal, "proxy", "--max-budget-usd", "-1")).isEqualTo(ExitCodes.USAGE);
    assertThat(run(ENV, noSignal, "proxy", "--max-requests", "0")).isEqualTo(ExitCodes.USAGE);
    assertThat(run(ENV, noSignal, "proxy", "--allow-endpoint", "/v1/files"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run(ENV, noSignal, "proxy", "--allow-endpoint", "GET /v1/*"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(errLines())
        .hasSize(5)
        .satisfies(l -> assertThat(l.get(0)).startsWith("zerocred: --max-budget-usd"))
        .satisfies(l -> assertThat(l.get(1)).startsWith("zerocred: --max-budget-usd"))
        .satisfies(l -> assertThat(l.get(2)).startsWith("zerocred: --max-requests"))
        .satisfies(l -> assertThat(l.get(3)).startsWith("zerocred: --allow-endpoint"))
        .satisfies(l -> assertThat(l.get(4)).startsWith("zerocred: --allow-endpoint"));
  }

  @Test
  void wildcardListen_isAUsageError() {
    assertThat(run(ENV, noSignal, "proxy", "--listen", "0.0.0.0:0")).isEqualTo(ExitCodes.USAGE);
    assertThat(run(ENV, noSignal, "proxy", "--listen", "[::]:0")).isEqualTo(ExitCodes.USAGE);
    assertThat(errLines()).hasSize(2).allMatch(l -> l.startsWith("zerocred: --listen "));
  }

  @Test
  void hostNameListen_isAUsageError() {
    assertThat(run(ENV, noSignal, "proxy", "--listen", "localhost:0")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).startsWith("zerocred: --listen").contains("IP address");
  }

  @Test
  void malformedRoute_isAUsageError_namingTheOption() {
    assertThat(run(ENV, noSignal, "proxy", "--route", "api.anthropic.com"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(errLines()).singleElement().asString().startsWith("zerocred: --route");
  }

  @Test
  void missingUpstreamCa_isAUsageError() {
    String missing = work.resolve("nope.pem").toString();
    assertThat(run(ENV, noSignal, "proxy", "--upstream-ca", missing)).isEqualTo(ExitCodes.USAGE);
    assertThat(errLines()).singleElement().asString().contains("--upstream-ca").contains(missing);
  }

  @Test
  void readyFileInAMissingFolder_isAUsageError() {
    String file = work.resolve("no/such/folder/ready.json").toString();
    assertThat(run(ENV, noSignal, "proxy", "--ready-file", file)).isEqualTo(ExitCodes.USAGE);
    assertThat(errLines()).singleElement().asString().startsWith("zerocred: --ready-file");
  }

  @Test
  void missingCredential_isACredentialError_namingBothVariables() {
    assertThat(run(Map.of(), noSignal, "proxy")).isEqualTo(ExitCodes.CREDENTIALS);
    assertThat(errLines())
        .singleElement()
        .asString()
        .startsWith("zerocred: ")
        .contains("CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_API_KEY");
  }

  @Test
  void bothCredentials_isACredentialError() {
    Map<String, String> env =
        Map.of(
            "CLAUDE_CODE_OAUTH_TOKEN",
            TOKEN,
            "ANTHROPIC_API_KEY",
            "sk-ant-api03-" + "k".repeat(40));
    assertThat(run(env, noSignal, "proxy")).isEqualTo(ExitCodes.CREDENTIALS);
    assertThat(err.toString()).contains("only one").doesNotContain(TOKEN);
  }

  @Test
  void malformedToken_isACredentialError_thatNeverEchoesIt() {
    String value = "sk-ant-xyz99-looksSecretButIsMalformed0123456789";
    assertThat(run(Map.of("ANTHROPIC_API_KEY", value), noSignal, "proxy"))
        .isEqualTo(ExitCodes.CREDENTIALS);
    assertThat(err.toString()).contains("ANTHROPIC_API_KEY").doesNotContain(value);
  }

  @Test
  void run_writesTheReadyFile_andStoppingRemovesWhatItMade_butKeepsTheAuditLog() throws Exception {
    Path readyFile = work.resolve("ready.json");
    Files.writeString(readyFile, "{\"stale\": true}");
    Path auditLog = work.resolve("logs/audit.jsonl");
    StopSignal stop = StopSignal.manual();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                run(
                    ENV,
                    stop,
                    "proxy",
                    "--ready-file",
                    readyFile.toString(),
                    "--audit-log",
                    auditLog.toString()));
    try {
      JsonNode ready = awaitReady(readyFile, exit);

      List<String> fields = new ArrayList<>();
      ready.fieldNames().forEachRemaining(fields::add);
      assertThat(fields)
          .containsExactly("proxyUrl", "caCertFile", "placeholders", "auditLog", "runId");
      assertThat(ready.get("proxyUrl").asText())
          .matches("http://zerocred:[A-Za-z0-9_-]{20,}@127\\.0\\.0\\.1:[1-9]\\d*");
      Path caFile = Path.of(ready.get("caCertFile").asText());
      assertThat(caFile).isAbsolute().hasFileName(StandaloneProxy.CA_FILE_NAME);
      assertThat(Files.readString(caFile)).startsWith("-----BEGIN CERTIFICATE-----");
      assertThat(mode(caFile)).isEqualTo("rw-r--r--");
      assertThat(mode(caFile.getParent())).isEqualTo("rwx------");
      assertThat(mode(readyFile)).isEqualTo("rw-------");
      assertThat(ready.get("placeholders").get("CLAUDE_CODE_OAUTH_TOKEN").asText())
          .startsWith("sk-ant-oat01-")
          .hasSameSizeAs(TOKEN)
          .isNotEqualTo(TOKEN);
      assertThat(ready.get("auditLog").asText()).isEqualTo(auditLog.toString());
      assertThat(Files.readString(readyFile)).doesNotContain(TOKEN);
      try (var siblings = Files.list(work)) {
        assertThat(siblings.map(p -> p.getFileName().toString()))
            .as("no temporary file is left next to the ready file")
            .containsExactlyInAnyOrder("ready.json", "logs");
      }

      stop.receive(StopSignal.SIGTERM);
      assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
      assertThat(readyFile).doesNotExist();
      assertThat(caFile).doesNotExist();
      assertThat(caFile.getParent()).doesNotExist();
      assertThat(auditLog).exists();
      assertThat(err.toString())
          .contains("zerocred: proxy listening on 127.0.0.1:")
          .contains("zerocred: stopping")
          .doesNotContain(TOKEN)
          .doesNotContain(ready.get("proxyUrl").asText());
    } finally {
      stop.receive(StopSignal.SIGTERM);
    }
  }

  @Test
  void run_withoutReadyFileOption_putsItInThePrivateFolder() throws Exception {
    StopSignal stop = StopSignal.manual();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run(ENV, stop, "proxy"));
    try {
      Path readyFile = awaitReadyLine(exit);
      JsonNode ready = awaitReady(readyFile, exit);

      assertThat(readyFile.getParent())
          .isEqualTo(Path.of(ready.get("caCertFile").asText()).getParent());
      assertThat(ready.get("auditLog").isNull()).isTrue();

      stop.receive(StopSignal.SIGTERM);
      assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
      assertThat(readyFile.getParent()).doesNotExist();
    } finally {
      stop.receive(StopSignal.SIGTERM);
    }
  }

  // --- container mode: what a proxy container on a remote engine is started with ---------------

  @Test
  void credentialsFile_isReadThenDeleted_andTheEnvironmentIsNotConsulted() throws Exception {
    Path file = work.resolve("credentials.env");
    Files.writeString(file, "CLAUDE_CODE_OAUTH_TOKEN=" + TOKEN + "\n");

    ProxyConfig config =
        parse(Map.of("ANTHROPIC_API_KEY", "ignored"), "--credentials-file", file.toString())
            .configuration();

    assertThat(config.credentials())
        .singleElement()
        .satisfies(c -> assertThat(c.secret().reveal()).isEqualTo(TOKEN));
    assertThat(file).as("deleted once read").doesNotExist();
  }

  @Test
  void credentialsFileWithAnotherVariable_isACredentialError_thatNeverEchoesTheValue()
      throws Exception {
    Path file = work.resolve("credentials.env");
    String value = "sk-ant-oat01-" + "v".repeat(50);
    Files.writeString(file, "CLAUDE_CODE_OAUTH_TOKEN=" + TOKEN + "\nHOME_TOKEN=" + value + "\n");

    assertThat(run(Map.of(), noSignal, "proxy", "--credentials-file", file.toString()))
        .isEqualTo(ExitCodes.CREDENTIALS);
    assertThat(err.toString())
        .contains("--credentials-file", "line 2")
        .doesNotContain(value)
        .doesNotContain(TOKEN);
    assertThat(file).as("deleted even when refused").doesNotExist();
  }

  @Test
  void listenIn_listensOnThisMachinesOwnAddressInTheSubnet_onAFreePort() {
    ProxyConfig config = parse(ENV, "--listen-in", "127.0.0.0/8").configuration();

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
  }

  @Test
  void listenIn_needsExactlyOneOwnAddressInTheSubnet() throws Exception {
    InetAddress a = InetAddress.getByName("10.9.0.2");
    InetAddress b = InetAddress.getByName("10.9.0.3");
    assertThat(SubnetAddress.in("10.9.0.0/24", List.of(InetAddress.getLoopbackAddress(), a)))
        .isEqualTo(a);
    assertThatThrownBy(() -> SubnetAddress.in("10.8.0.0/24", List.of(a)))
        .hasMessage(
            "--listen-in 10.8.0.0/24: this machine has no address in that subnet; it needs"
                + " exactly one");
    assertThatThrownBy(() -> SubnetAddress.in("10.9.0.0/16", List.of(a, b)))
        .hasMessageContaining("2 addresses");
  }

  @Test
  void listenIn_withoutAPrefix_isAUsageError() {
    assertThat(run(ENV, noSignal, "proxy", "--listen-in", "172.20.0.0")).isEqualTo(ExitCodes.USAGE);
    assertThat(errLines())
        .singleElement()
        .asString()
        .contains("--listen-in 172.20.0.0 is not an IPv4 subnet");
  }

  @Test
  void runId_namesTheAuditRecords_andMustBeAnId() {
    assertThat(parse(ENV, "--run-id", "run-42").configuration().runId()).isEqualTo("run-42");
    assertThat(run(ENV, noSignal, "proxy", "--run-id", "a b")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void usageFile_isWrittenOnStop() throws Exception {
    Path readyFile = work.resolve("ready.json");
    Path usage = work.resolve("usage.json");
    StopSignal stop = StopSignal.manual();
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () ->
                run(
                    ENV,
                    stop,
                    "proxy",
                    "--ready-file",
                    readyFile.toString(),
                    "--usage-file",
                    usage.toString()));
    try {
      awaitReady(readyFile, exit);
      assertThat(usage).as("only once stopped").doesNotExist();

      stop.receive(StopSignal.SIGTERM);
      assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
      JsonNode json = new ObjectMapper().readTree(usage.toFile());
      assertThat(json.get("requests").asLong()).isZero();
      assertThat(json.get("costUsd").decimalValue()).isZero();
    } finally {
      stop.receive(StopSignal.SIGTERM);
    }
  }

  private ProxyCommand parse(Map<String, String> env, String... options) {
    List<String> args = new ArrayList<>(List.of("proxy"));
    args.addAll(List.of(options));
    CommandLine.ParseResult result =
        Main.commandLine(env, new PrintWriter(err), noSignal)
            .parseArgs(args.toArray(String[]::new));
    return (ProxyCommand) result.subcommand().commandSpec().userObject();
  }

  private int run(Map<String, String> env, StopSignal stop, String... args) {
    return Main.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), stop);
  }

  private List<String> errLines() {
    return err.toString().lines().toList();
  }

  private JsonNode awaitReady(Path readyFile, CompletableFuture<Integer> exit) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (exit.isDone()) {
        throw new AssertionError("the command ended with " + exit.get() + ": " + err);
      }
      if (Files.exists(readyFile)) {
        JsonNode json;
        try {
          json = new ObjectMapper().readTree(readyFile.toFile());
        } catch (java.io.FileNotFoundException e) {
          continue; // the stale file was removed between the check and the read
        }
        // A stale file from an earlier run is removed first, then replaced.
        if (!json.has("stale")) {
          return json;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no ready file; stderr: " + err);
  }

  private Path awaitReadyLine(CompletableFuture<Integer> exit) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (exit.isDone()) {
        throw new AssertionError("the command ended with " + exit.get() + ": " + err);
      }
      String line =
          err.toString().lines().filter(l -> l.contains("ready file ")).findFirst().orElse(null);
      if (line != null) {
        return Path.of(line.substring(line.indexOf("ready file ") + "ready file ".length()));
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no ready line; stderr: " + err);
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
