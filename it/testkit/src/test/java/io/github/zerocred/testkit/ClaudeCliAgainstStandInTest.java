package io.github.zerocred.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real Claude Code CLI in print mode directly against {@link StandInAnthropicApi}. */
class ClaudeCliAgainstStandInTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OAUTH_TOKEN = "sk-ant-oat01-stand-in-test-token";
  private static final String API_KEY = "sk-ant-api03-stand-in-test-key";

  private static Path claude;

  @BeforeAll
  static void locateCli() {
    claude = ClaudeCli.locate();
  }

  @Test
  void printMode_readToolResult_isQuotedInFinalResult(@TempDir Path tmp) throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("workspace"));
    Path notes =
        Files.writeString(workspace.resolve("notes.txt"), "The secret word is PAPAYA-42.\n");
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .expectToken(OAUTH_TOKEN)
            .script(
                Reply.toolUse(
                    "I'll read the notes.",
                    "Read",
                    "{\"file_path\": " + JSON.writeValueAsString(notes.toString()) + "}"),
                Reply.dynamic(
                    request ->
                        Reply.text(
                            "The file says: "
                                + request.lastToolResultContent().orElse("(no tool result)"))))
            .start()) {

      JsonNode result =
          runPrint(
              api,
              tmp,
              workspace,
              Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
              "What is the secret word in notes.txt?");

      assertThat(result.path("is_error").asBoolean()).as(result.toString()).isFalse();
      assertThat(result.path("result").asText())
          .contains("The file says:")
          .contains("The secret word is PAPAYA-42.");
      assertThat(result.path("num_turns").asInt()).isEqualTo(2);

      List<MessagesRequest> main = api.mainConversationRequests();
      assertThat(main).hasSize(2);
      assertThat(main)
          .allSatisfy(
              request -> {
                assertThat(request.stream()).isTrue();
                assertThat(request.toolNames()).contains("Read");
                assertThat(request.recorded().header("authorization"))
                    .isEqualTo("Bearer " + OAUTH_TOKEN);
                assertThat(request.recorded().header("anthropic-beta"))
                    .contains(StandInAnthropicApi.OAUTH_BETA);
              });
      JsonNode toolResult = main.get(1).toolResults().get(0);
      assertThat(toolResult.path("tool_use_id").asText()).startsWith("toolu_");
      assertThat(main.get(1).lastToolResultContent())
          .hasValueSatisfying(content -> assertThat(content).contains("PAPAYA-42"));
      // The CLI keeps one connection alive across turns; the proxy must not break that.
      assertThat(main)
          .extracting(r -> r.recorded().connectionId())
          .containsOnly(main.get(0).recorded().connectionId());
    }
  }

  @Test
  void printMode_withApiKey_sendsXApiKey(@TempDir Path tmp) throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("workspace"));
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .expectToken(API_KEY)
            .script(Reply.text("Hello from the stand-in."))
            .start()) {

      JsonNode result =
          runPrint(api, tmp, workspace, Map.of("ANTHROPIC_API_KEY", API_KEY), "Say hello");

      assertThat(result.path("is_error").asBoolean()).as(result.toString()).isFalse();
      assertThat(result.path("result").asText()).isEqualTo("Hello from the stand-in.");
      RecordedRequest request = api.mainConversationRequests().get(0).recorded();
      assertThat(request.header("x-api-key")).isEqualTo(API_KEY);
      assertThat(request.headers().contains("authorization")).isFalse();
    }
  }

  @Test
  void printMode_expiredOAuthToken_isReportedAsError(@TempDir Path tmp) throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("workspace"));
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .expectToken(OAUTH_TOKEN)
            .failWith(StandInAnthropicApi.Failure.EXPIRED_OAUTH_TOKEN)
            .start()) {

      JsonNode result =
          runPrint(
              api, tmp, workspace, Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN), "Say hello");

      assertThat(result.path("is_error").asBoolean()).isTrue();
      assertThat(result.path("api_error_status").asInt()).isEqualTo(401);
      assertThat(result.path("result").asText()).contains("OAuth token has expired");
    }
  }

  @Test
  void printMode_jsonSchema_structuredOutputCall_endsTheRunWithStructuredOutput(@TempDir Path tmp)
      throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("workspace"));
    String answer = "{\"findings\": [{\"title\": \"Divides by zero\"}]}";
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .script(Reply.structuredOutput(answer))
            .defaultReply(Reply.text("never used"))
            .start()) {

      JsonNode result =
          runPrint(
              api,
              tmp,
              workspace,
              Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
              "Review",
              List.of("--json-schema", FINDINGS_SCHEMA));

      assertThat(result.path("is_error").asBoolean()).as(result.toString()).isFalse();
      assertThat(result.path("structured_output")).isEqualTo(JSON.readTree(answer));
      assertThat(JSON.readTree(result.path("result").asText())).isEqualTo(JSON.readTree(answer));
      // One request: the valid call ends the run without another turn.
      assertThat(api.mainConversationRequests()).hasSize(1);
      assertThat(api.mainConversationRequests().get(0).structuredOutputSchema())
          .contains(JSON.readTree(FINDINGS_SCHEMA));
    }
  }

  @Test
  void printMode_jsonSchema_answerBreakingTheSchema_isRefusedByTheCli_noStructuredOutput(
      @TempDir Path tmp) throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("workspace"));
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .script(Reply.structuredOutput("{\"findings\": [{\"headline\": 3}]}"))
            .defaultReply(Reply.text("A plain-text review."))
            .start()) {

      JsonNode result =
          runPrint(
              api,
              tmp,
              workspace,
              Map.of("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN),
              "Review",
              List.of("--json-schema", FINDINGS_SCHEMA));

      assertThat(result.path("is_error").asBoolean()).as(result.toString()).isFalse();
      assertThat(result.hasNonNull("structured_output")).as(result.toString()).isFalse();
      assertThat(result.path("result").asText()).isEqualTo("A plain-text review.");
      List<MessagesRequest> main = api.mainConversationRequests();
      assertThat(main.get(1).lastToolResultContent())
          .hasValueSatisfying(c -> assertThat(c).contains("does not match required schema"));
      // Ending in text earns one more turn that insists on the tool, then the run ends.
      assertThat(main.get(main.size() - 1).lastUserText()).contains("StructuredOutput");
    }
  }

  private static final String FINDINGS_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"findings\":{\"type\":\"array\",\"items\":"
          + "{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}},"
          + "\"required\":[\"title\"]}}},\"required\":[\"findings\"]}";

  private static JsonNode runPrint(
      StandInAnthropicApi api,
      Path tmp,
      Path workspace,
      Map<String, String> credentials,
      String prompt)
      throws IOException, InterruptedException {
    return runPrint(api, tmp, workspace, credentials, prompt, List.of());
  }

  /** Runs {@code claude --print --output-format json [ARGS] PROMPT}; returns its JSON object. */
  private static JsonNode runPrint(
      StandInAnthropicApi api,
      Path tmp,
      Path workspace,
      Map<String, String> credentials,
      String prompt,
      List<String> args)
      throws IOException, InterruptedException {
    Path ca = api.writeCaPem(tmp.resolve("stand-in-ca.pem"));
    Map<String, String> env = new HashMap<>();
    env.put("ANTHROPIC_BASE_URL", api.baseUrl());
    env.put("NODE_EXTRA_CA_CERTS", ca.toString());
    env.putAll(credentials);

    ClaudePrint.Outcome outcome = ClaudePrint.run(claude, tmp, workspace, env, args, prompt);
    String out = outcome.stdout();
    assertThat(out)
        .as("claude printed nothing (exit %d); stderr: %s", outcome.exitCode(), outcome.stderr())
        .isNotEmpty();
    JsonNode result = outcome.result();
    assertThat(result.path("type").asText()).as(out).isEqualTo("result");
    return result;
  }
}
