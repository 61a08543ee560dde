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
    Path readyFile = work.resolve("ready.json");
    Path auditLog = work.resolve("audit.jsonl");

    try (StandInAnthropicApi api =
            StandInAnthropicApi.builder()
                .expectToken(REAL_TOKEN)
                .script(Reply.text(ANSWER))
                .defaultReply(Reply.text(ANSWER))
                .start();
        ZerocredProcess zerocred =
            ZerocredProcess.start(
                Map.of("CLAUDE_CODE_OAUTH_TOKEN", REAL_TOKEN),
                childTmp,
                "proxy",
                "--listen",
                "127.0.0.1:0",
                "--route",
                "api.anthropic.com=127.0.0.1:" + api.port(),
                "--upstream-ca",
                api.writeCaPem(work.resolve("stand-in-ca.pem")).toString(),
                "--audit-log",
                auditLog.toString(),
                "--ready-file",
                readyFile.toString())) {
      long proxyStart = System.nanoTime();
      JsonNode ready = zerocred.awaitReadyFile(readyFile, READY);
      long proxyReadyMs = millisSince(proxyStart);
      String proxyUrl = ready.get("proxyUrl").asText();
      String placeholder = ready.get("placeholders").get("CLAUDE_CODE_OAUTH_TOKEN").asText();
      String proxyPassword =
          proxyUrl.substring(proxyUrl.indexOf(':', 7) + 1, proxyUrl.indexOf('@'));

      Map<String, String> env = new LinkedHashMap<>();
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      env.put("HOME", home().toString());
      env.put("HTTPS_PROXY", proxyUrl);
      env.put("NODE_EXTRA_CA_CERTS", ready.get("caCertFile").asText());
      env.put("CLAUDE_CODE_OAUTH_TOKEN", placeholder);
      env.put("DISABLE_AUTOUPDATER", "1");
      env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
      List<String> command =
          List.of(
              claude.toString(),
              "--print",
              "--output-format",
              "json",
              "Say whether the proxy works.");
      // By construction, and checked: the CLI is never given the real token.
      assertThat(env.values()).noneMatch(value -> value.contains(REAL_TOKEN));
      assertThat(command).noneMatch(arg -> arg.contains(REAL_TOKEN));

      long claudeStart = System.nanoTime();
      ClaudeRun run = runClaude(command, env);
      long claudeMs = millisSince(claudeStart);

      assertThat(run.exitCode()).as("claude exit code; stderr: %s", run.stderr()).isZero();
      JsonNode result = JSON.readTree(run.stdout());
      assertThat(result.get("is_error").asBoolean()).as("is_error in %s", result).isFalse();
      assertThat(result.get("result").asText()).isEqualTo(ANSWER);
      assertThat(run.stdout() + run.stderr()).doesNotContain(REAL_TOKEN);

      List<RecordedRequest> requests = api.requests();
      assertThat(requests)
          .as("the stand-in received the CLI's requests")
          .anyMatch(r -> r.method().equals("POST") && r.path().equals("/v1/messages"));
      for (RecordedRequest request : requests) {
        assertThat(request.header("authorization"))
            .as("Authorization of %s %s", request.method(), request.path())
            .isEqualTo("Bearer " + REAL_TOKEN);
        assertThat(request.headers().contains("x-api-key")).isFalse();
        assertThat(request.headers().toString())
            .doesNotContain(placeholder)
            .doesNotContain(proxyPassword);
        assertThat(request.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("proxy-"));
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
      String auditText = Files.readString(auditLog);
      assertThat(auditText)
          .doesNotContain(REAL_TOKEN)
          .doesNotContain(placeholder)
          .doesNotContain(proxyPassword);
      assertThat(readyFile).doesNotExist();
      assertThat(childTmp).isEmptyDirectory();

      System.out.printf(
          "timings: proxy ready %d ms, claude --print %d ms (%d requests: %s)%n",
          proxyReadyMs, claudeMs, requests.size(), describe(requests));
    }
  }

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
