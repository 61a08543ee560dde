package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.testkit.ClaudeCli;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code CLI completes a {@code --print} run through the standalone proxy, holding
 * only the placeholder, while the stand-in Messages API receives only the real token.
 */
class ClaudeCodeThroughProxyIT {
  private static final String REAL_TOKEN = "sk-ant-oat01-realCliTest-" + "r".repeat(60) + "-AA";
  private static final String REAL_API_KEY = "sk-ant-api03-realCliTest-" + "k".repeat(70) + "-BB";
  private static final String ANSWER = "Stand-in says: the proxy works.";
  private static final Duration READY = Duration.ofSeconds(30);
  private static final Duration CLAUDE_TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  @TempDir Path childTmp;

  @Test
  void printRun_throughStandaloneProxy_completes_andTheApiSeesOnlyTheRealToken() throws Exception {
    Path claude = ClaudeCli.locate();
    assertThat(version(claude))
        .as("the Claude Code CLI at %s is the pinned version", claude)
        .contains(System.getProperty("zerocred.claude.version", ""));

    Outcome run = run(Mode.oauth(List.of(Reply.text(ANSWER))), List.of());

    JsonNode result = run.result();
    assertThat(result.get("result").asText()).isEqualTo(ANSWER);
    assertThat(run.requests())
        .as("the stand-in received the CLI's requests")
        .anyMatch(r -> r.method().equals("POST") && r.path().equals("/v1/messages"));
    for (RecordedRequest request : run.requests()) {
      assertThat(request.header("authorization"))
          .as("Authorization of %s %s", request.method(), request.path())
          .isEqualTo("Bearer " + REAL_TOKEN);
      assertThat(request.headers().contains("x-api-key")).isFalse();
    }
    System.out.printf(
        "timings: proxy ready %d ms, claude --print %d ms (%d requests: %s)%n",
        run.proxyReadyMs(), run.claudeMs(), run.requests().size(), describe(run.requests()));
  }

  @Test
  void toolUseRun_withTheDefaultEndpointPolicy_completes_andUsesOnlyAllowedEndpoints()
      throws Exception {
    Outcome run =
        run(
            Mode.oauth(
                List.of(
                    Reply.toolUse("Reading.", "Read", "{\"file_path\": \"notes.txt\"}"),
                    Reply.dynamic(
                        r -> Reply.text("It says: " + r.lastToolResultContent().orElse("none"))))),
            List.of());

    assertThat(run.result().get("result").asText()).contains("PAPAYA-42");
    assertThat(run.result().get("num_turns").asInt()).isEqualTo(2);
  }

  @Test
  void structuredOutputRun_withTheDefaultEndpointPolicy_returnsTheStructuredOutput()
      throws Exception {
    String answer = "{\"findings\": [{\"title\": \"Divides by zero\"}]}";
    Outcome run =
        run(Mode.oauth(List.of(Reply.structuredOutput(answer))), List.of("--json-schema", SCHEMA));

    assertThat(run.result().get("structured_output")).isEqualTo(JSON.readTree(answer));
  }

  @Test
  void modelChoice_withTheDefaultEndpointPolicy_reachesTheApi() throws Exception {
    Outcome run =
        run(Mode.oauth(List.of(Reply.text(ANSWER))), List.of("--model", "claude-sonnet-4-5"));

    assertThat(run.requests())
        .anyMatch(r -> r.path().equals("/v1/messages") && r.bodyAsString().contains("sonnet-4-5"));
  }

  @Test
  void apiKeyRun_withTheDefaultEndpointPolicy_completes_withXApiKey() throws Exception {
    Outcome run = run(Mode.apiKey(List.of(Reply.text(ANSWER))), List.of());

    assertThat(run.result().get("result").asText()).isEqualTo(ANSWER);
    assertThat(run.requests())
        .allSatisfy(r -> assertThat(r.header("x-api-key")).isEqualTo(REAL_API_KEY));
  }

  @Test
  void budgetAtTheProxy_endsTheRunAfterTheFirstCall_andTheApiNeverSeesTheSecond() throws Exception {
    // The stand-in reports ~1M input tokens per call: far above a one-cent budget.
    Outcome run =
        run(
            Mode.oauth(
                List.of(
                    Reply.toolUse("Reading.", "Read", "{\"file_path\": \"notes.txt\"}"),
                    Reply.text("never reached"))),
            List.of("--max-budget-usd", "0.000001"),
            List.of("--max-turns", "5"),
            false);

    assertThat(run.result().get("is_error").asBoolean()).as(run.result().toString()).isTrue();
    assertThat(run.result().toString()).contains("budget");
    long forwarded =
        run.requests().stream()
            .filter(r -> r.method().equals("POST") && r.path().equals("/v1/messages"))
            .filter(r -> r.bodyAsString().contains("\"tools\""))
            .count();
    assertThat(forwarded).as("main-conversation calls the API saw").isEqualTo(1);
    assertThat(run.audit())
        .anyMatch(
            r ->
                r.get("decision").asText().equals("denied")
                    && r.get("reason").asText().equals("budget_exceeded")
                    && r.get("status").asInt() == 403
                    && !r.get("credentialInjected").asBoolean());
  }

  /** Who the CLI authenticates as, and what the stand-in answers. */
  private record Mode(String variable, String realSecret, List<Reply> script) {
    static Mode oauth(List<Reply> script) {
      return new Mode("CLAUDE_CODE_OAUTH_TOKEN", REAL_TOKEN, script);
    }

    static Mode apiKey(List<Reply> script) {
      return new Mode("ANTHROPIC_API_KEY", REAL_API_KEY, script);
    }
  }

  /** What one CLI run through the proxy produced. */
  private record Outcome(
      JsonNode result,
      List<RecordedRequest> requests,
      List<JsonNode> audit,
      long proxyReadyMs,
      long claudeMs) {}

  private Outcome run(Mode mode, List<String> cliArgs) throws Exception {
    return run(mode, List.of(), cliArgs, true);
  }

  /**
   * Runs the real CLI in print mode through {@code zerocred proxy PROXY_ARGS} with the default
   * endpoint and body policy, checks what must hold for every run (no secret anywhere it should not
   * be, an audit record for every request, the clean-up), and prints the endpoints it used.
   */
  private Outcome run(
      Mode mode, List<String> proxyArgs, List<String> cliArgs, boolean expectSuccess)
      throws Exception {
    Path readyFile = work.resolve("ready.json");
    Path auditLog = work.resolve("audit.jsonl");
    Files.writeString(
        Files.createDirectories(work.resolve("workspace")).resolve("notes.txt"),
        "The secret word is PAPAYA-42.\n");
    List<Reply> script = new ArrayList<>(mode.script());
    List<String> args =
        new ArrayList<>(
            List.of(
                "proxy",
                "--listen",
                "127.0.0.1:0",
                "--audit-log",
                auditLog.toString(),
                "--ready-file",
                readyFile.toString()));
    args.addAll(proxyArgs);
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .expectToken(mode.realSecret())
            .script(script.toArray(Reply[]::new))
            .defaultReply(Reply.text(ANSWER))
            .start()) {
      args.addAll(
          List.of(
              "--route",
              "api.anthropic.com=127.0.0.1:" + api.port(),
              "--upstream-ca",
              api.writeCaPem(work.resolve("stand-in-ca.pem")).toString()));
      try (ZerocredProcess zerocred =
          ZerocredProcess.start(
              Map.of(mode.variable(), mode.realSecret()), childTmp, args.toArray(String[]::new))) {
        long proxyStart = System.nanoTime();
        JsonNode ready = zerocred.awaitReadyFile(readyFile, READY);
        long proxyReadyMs = millisSince(proxyStart);
        String proxyUrl = ready.get("proxyUrl").asText();
        String placeholder = ready.get("placeholders").get(mode.variable()).asText();
        String proxyPassword =
            proxyUrl.substring(proxyUrl.indexOf(':', 7) + 1, proxyUrl.indexOf('@'));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home().toString());
        env.put("HTTPS_PROXY", proxyUrl);
        env.put("NODE_EXTRA_CA_CERTS", ready.get("caCertFile").asText());
        env.put(mode.variable(), placeholder);
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("CLAUDE_CODE_MAX_RETRIES", "0");
        List<String> command =
            new ArrayList<>(
                List.of(ClaudeCli.locate().toString(), "--print", "--output-format", "json"));
        command.addAll(cliArgs);
        command.add("Say whether the proxy works.");
        // By construction, and checked: the CLI is never given the real secret.
        assertThat(env.values()).noneMatch(value -> value.contains(mode.realSecret()));
        assertThat(command).noneMatch(arg -> arg.contains(mode.realSecret()));

        long claudeStart = System.nanoTime();
        ClaudeRun run = runClaude(command, env);
        long claudeMs = millisSince(claudeStart);

        String out = run.stdout().trim();
        assertThat(out).as("claude printed nothing; stderr: %s", run.stderr()).isNotEmpty();
        JsonNode result = JSON.readTree(out.substring(out.lastIndexOf("\n{") + 1));
        if (expectSuccess) {
          assertThat(run.exitCode()).as("claude exit code; stderr: %s", run.stderr()).isZero();
          assertThat(result.get("is_error").asBoolean()).as("is_error in %s", result).isFalse();
        }
        assertThat(run.stdout() + run.stderr()).doesNotContain(mode.realSecret());

        List<RecordedRequest> requests = api.requests();
        for (RecordedRequest request : requests) {
          assertThat(request.headers().toString())
              .doesNotContain(placeholder)
              .doesNotContain(proxyPassword);
          assertThat(request.headers().names())
              .noneMatch(n -> n.toLowerCase().startsWith("proxy-"));
        }
        List<JsonNode> records = auditRecordsAfterStop(zerocred, auditLog);
        for (RecordedRequest request : requests) {
          assertThat(records)
              .as("an audit record for %s %s", request.method(), request.path())
              .anyMatch(
                  r ->
                      r.get("method").asText().equals(request.method())
                          && r.get("path").asText().equals(request.path())
                          && r.get("host").asText().equals("api.anthropic.com")
                          && r.get("decision").asText().equals("allowed")
                          && r.get("credentialInjected").asBoolean());
        }
        if (expectSuccess) {
          assertThat(records)
              .as("with the default policy, nothing the CLI needs is refused")
              .allMatch(r -> r.get("decision").asText().equals("allowed"));
        }
        String auditText = Files.readString(auditLog);
        assertThat(auditText)
            .doesNotContain(mode.realSecret())
            .doesNotContain(placeholder)
            .doesNotContain(proxyPassword);
        assertThat(readyFile).doesNotExist();
        assertThat(childTmp).isEmptyDirectory();
        System.out.printf(
            "endpoints (%s, %s): %s%n",
            mode.variable(), String.join(" ", cliArgs), endpoints(records));
        return new Outcome(result, requests, records, proxyReadyMs, claudeMs);
      }
    }
  }

  private static java.util.SortedSet<String> endpoints(List<JsonNode> records) {
    java.util.SortedSet<String> set = new java.util.TreeSet<>();
    for (JsonNode r : records) {
      if (r.hasNonNull("path")) {
        set.add(r.get("method").asText() + " " + r.get("path").asText());
      }
    }
    return set;
  }

  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"findings\":{\"type\":\"array\",\"items\":"
          + "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}},"
          + "\"required\":[\"title\"]}}},\"required\":[\"findings\"]}";

  private static List<JsonNode> auditRecordsAfterStop(ZerocredProcess zerocred, Path auditLog)
      throws IOException {
    // Stopping flushes the audit log; the exit code and the clean-up are part of the contract.
    zerocred.terminate();
    assertThat(zerocred.awaitExit(READY)).as("zerocred exit code after SIGTERM").isZero();
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(auditLog, StandardCharsets.UTF_8)) {
      records.add(JSON.readTree(line));
    }
    return records;
  }

  private Path home() throws IOException {
    Path home = Files.createDirectories(work.resolve("home"));
    Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\": true}\n");
    return home;
  }

  private record ClaudeRun(int exitCode, String stdout, String stderr) {}

  private ClaudeRun runClaude(List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    Path workspace = Files.createDirectories(work.resolve("workspace"));
    Path out = work.resolve("claude-stdout.txt");
    Path err = work.resolve("claude-stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workspace.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(CLAUDE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "claude did not finish within "
                + CLAUDE_TIMEOUT
                + "; stdout: "
                + Files.readString(out)
                + " stderr: "
                + Files.readString(err));
      }
    } finally {
      process.destroyForcibly();
    }
    return new ClaudeRun(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static String version(Path claude) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(claude.toString(), "--version").redirectErrorStream(true).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("claude --version finishes").isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private static String describe(List<RecordedRequest> requests) {
    List<String> lines = new ArrayList<>();
    for (RecordedRequest r : requests) {
      lines.add(r.method() + " " + r.path());
    }
    return String.join(", ", lines);
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
