package io.github.zerocred.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandInAnthropicApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OAUTH = "sk-ant-oat01-real-token";
  private static final String KEY = "sk-ant-api03-real-key";
  private static final String MAIN_BODY =
      "{\"model\":\"claude-sonnet-5-5\",\"max_tokens\":1024,\"stream\":%s,"
          + "\"tools\":[{\"name\":\"Read\",\"input_schema\":{\"type\":\"object\"}}],"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String SIDE_BODY =
      "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":32,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"title?\"}]}";

  private static HttpClient client(StandInAnthropicApi api) {
    return HttpClient.newBuilder()
        .sslContext(api.pki().trustingSslContext())
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  private static HttpResponse<String> post(
      StandInAnthropicApi api, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api.baseUrl() + path))
            .header("content-type", "application/json")
            .POST(BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return client(api).send(request.build(), BodyHandlers.ofString());
  }

  private static Map<String, String> oauth() {
    return Map.of(
        "authorization",
        "Bearer " + OAUTH,
        "anthropic-beta",
        "claude-code-20250219,oauth-2025-04-20");
  }

  @Test
  void streamedToolUse_followsTheMessagesEventSequence() throws Exception {
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .expectToken(OAUTH)
            .script(
                Reply.toolUse(
                    "Reading.", "Read", "{\"file_path\":\"/w/notes.txt\",\"limit\":2000}"))
            .start()) {
      HttpResponse<String> response =
          post(api, "/v1/messages?beta=true", String.format(MAIN_BODY, true), oauth());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(response.headers().firstValue("request-id"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("req_"));
      List<String[]> events = parseSse(response.body());
      // Runs of deltas collapsed: how many there are depends on how the text is cut.
      List<String> shape = new ArrayList<>();
      for (String[] event : events) {
        if (!(event[0].equals("content_block_delta")
            && shape.get(shape.size() - 1).equals(event[0]))) {
          shape.add(event[0]);
        }
      }
      assertThat(shape)
          .containsExactly(
              "message_start",
              "content_block_start",
              "ping",
              "content_block_delta",
              "content_block_stop",
              "content_block_start",
              "content_block_delta",
              "content_block_stop",
              "message_delta",
              "message_stop");
      assertThat(events.stream().filter(e -> e[0].equals("content_block_delta")))
          .hasSizeGreaterThan(3);
      JsonNode start = JSON.readTree(events.get(0)[1]).path("message");
      assertThat(start.path("id").asText()).startsWith("msg_01");
      assertThat(start.path("model").asText()).isEqualTo("claude-sonnet-5-5");
      assertThat(start.at("/usage/input_tokens").asInt()).isPositive();

      StringBuilder text = new StringBuilder();
      StringBuilder toolInput = new StringBuilder();
      String toolName = null;
      for (String[] event : events) {
        JsonNode data = JSON.readTree(event[1]);
        if (event[0].equals("content_block_start")
            && data.at("/content_block/type").asText().equals("tool_use")) {
          toolName = data.at("/content_block/name").asText();
          assertThat(data.at("/content_block/id").asText()).startsWith("toolu_01");
        }
        if (event[0].equals("content_block_delta")) {
          text.append(data.at("/delta/text").asText(""));
          toolInput.append(data.at("/delta/partial_json").asText(""));
        }
      }
      assertThat(text).hasToString("Reading.");
      assertThat(toolName).isEqualTo("Read");
      assertThat(JSON.readTree(toolInput.toString()))
          .isEqualTo(JSON.readTree("{\"file_path\":\"/w/notes.txt\",\"limit\":2000}"));
      JsonNode delta = JSON.readTree(events.get(events.size() - 2)[1]);
      assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
      assertThat(delta.at("/usage/output_tokens").asInt()).isPositive();
    }
  }

  @Test
  void structuredOutput_isAToolUseOfStructuredOutput_refusedWhenTheToolIsNotOffered()
      throws Exception {
    String offered =
        String.format(MAIN_BODY, false)
            .replace(
                "\"tools\":[",
                "\"tools\":[{\"name\":\"StructuredOutput\",\"input_schema\":"
                    + "{\"type\":\"object\",\"required\":[\"findings\"]}},");
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .script(
                Reply.structuredOutput("{\"findings\": []}"),
                Reply.structuredOutput("{\"findings\": []}"))
            .start()) {
      HttpResponse<String> answered = post(api, "/v1/messages", offered, Map.of());
      HttpResponse<String> refused =
          post(api, "/v1/messages", String.format(MAIN_BODY, false), Map.of());

      assertThat(answered.statusCode()).isEqualTo(200);
      JsonNode block = JSON.readTree(answered.body()).at("/content/0");
      assertThat(block.path("type").asText()).isEqualTo("tool_use");
      assertThat(block.path("name").asText()).isEqualTo(Reply.STRUCTURED_OUTPUT_TOOL);
      assertThat(block.path("input")).isEqualTo(JSON.readTree("{\"findings\": []}"));
      assertThat(api.mainConversationRequests().get(0).structuredOutputSchema())
          .hasValueSatisfying(
              s -> assertThat(s.path("required").get(0).asText()).isEqualTo("findings"));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("--json-schema");
      assertThat(api.mainConversationRequests().get(1).structuredOutputSchema()).isEmpty();
    }
  }

  @Test
  void nonStreamedText_isOneMessageWithEndTurn() throws Exception {
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder().script(Reply.text("Hello there.")).start()) {
      HttpResponse<String> response =
          post(api, "/v1/messages", String.format(MAIN_BODY, false), Map.of());

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode message = JSON.readTree(response.body());
      assertThat(message.path("type").asText()).isEqualTo("message");
      assertThat(message.path("role").asText()).isEqualTo("assistant");
      assertThat(message.at("/content/0/text").asText()).isEqualTo("Hello there.");
      assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
      assertThat(message.at("/usage/output_tokens").asInt()).isPositive();
    }
  }

  @Test
  void sideRequests_getTheSideReply_andDoNotConsumeTheScript() throws Exception {
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder().script(Reply.text("first"), Reply.text("second")).start()) {
      JsonNode side = JSON.readTree(post(api, "/v1/messages", SIDE_BODY, Map.of()).body());
      JsonNode first =
          JSON.readTree(
              post(api, "/v1/messages", String.format(MAIN_BODY, false), Map.of()).body());
      JsonNode second =
          JSON.readTree(
              post(api, "/v1/messages", String.format(MAIN_BODY, false), Map.of()).body());
      JsonNode exhausted =
          JSON.readTree(
              post(api, "/v1/messages", String.format(MAIN_BODY, false), Map.of()).body());

      assertThat(side.at("/content/0/text").asText()).isEqualTo("Stand-in reply.");
      assertThat(side.path("model").asText()).isEqualTo("claude-haiku-4-5");
      assertThat(first.at("/content/0/text").asText()).isEqualTo("first");
      assertThat(second.at("/content/0/text").asText()).isEqualTo("second");
      assertThat(exhausted.at("/content/0/text").asText()).isEqualTo("Done.");
      assertThat(api.scriptPosition()).isEqualTo(2);
      assertThat(api.messagesRequests()).hasSize(4);
      assertThat(api.mainConversationRequests()).hasSize(3);
    }
  }

  @Test
  void dynamicReply_quotesTheLastToolResult() throws Exception {
    String withToolResult =
        "{\"model\":\"m\",\"max_tokens\":9,\"tools\":[{\"name\":\"Read\"}],\"messages\":["
            + "{\"role\":\"user\",\"content\":\"read it\"},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Read\",\"input\":{}}]},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"line one\"}]}]}]}";
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .script(
                Reply.dynamic(
                    r -> Reply.text("quoted: " + r.lastToolResultContent().orElseThrow())))
            .start()) {
      JsonNode message = JSON.readTree(post(api, "/v1/messages", withToolResult, Map.of()).body());

      assertThat(message.at("/content/0/text").asText()).isEqualTo("quoted: line one");
    }
  }

  @Test
  void wrongOAuthToken_isRefusedWithTheExpiredMessage_andRecorded() throws Exception {
    try (StandInAnthropicApi api = StandInAnthropicApi.builder().expectToken(OAUTH).start()) {
      HttpResponse<String> response =
          post(
              api,
              "/v1/messages?beta=true",
              String.format(MAIN_BODY, true),
              Map.of(
                  "authorization",
                  "Bearer sk-ant-oat01-placeholder",
                  "anthropic-beta",
                  "oauth-2025-04-20"));

      assertThat(response.statusCode()).isEqualTo(401);
      JsonNode error = JSON.readTree(response.body());
      assertThat(error.path("type").asText()).isEqualTo("error");
      assertThat(error.at("/error/type").asText()).isEqualTo("authentication_error");
      assertThat(error.at("/error/message").asText()).contains("OAuth token has expired");
      assertThat(api.requests())
          .singleElement()
          .satisfies(r -> assertThat(r.header("authorization")).endsWith("placeholder"));
      assertThat(api.scriptPosition()).isZero();
    }
  }

  @Test
  void oauthTokenWithoutTheOAuthBeta_isRefused() throws Exception {
    try (StandInAnthropicApi api = StandInAnthropicApi.builder().expectToken(OAUTH).start()) {
      HttpResponse<String> response =
          post(
              api,
              "/v1/messages",
              String.format(MAIN_BODY, false),
              Map.of("authorization", "Bearer " + OAUTH));

      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(response.body()).at("/error/message").asText())
          .contains("OAuth authentication is currently not supported");
    }
  }

  @Test
  void apiKey_isAcceptedOnlyAsXApiKey() throws Exception {
    try (StandInAnthropicApi api = StandInAnthropicApi.builder().expectToken(KEY).start()) {
      HttpResponse<String> good =
          post(api, "/v1/messages", String.format(MAIN_BODY, false), Map.of("x-api-key", KEY));
      HttpResponse<String> asBearer =
          post(
              api,
              "/v1/messages",
              String.format(MAIN_BODY, false),
              Map.of("authorization", "Bearer " + KEY));
      HttpResponse<String> both =
          post(
              api,
              "/v1/messages",
              String.format(MAIN_BODY, false),
              Map.of("x-api-key", KEY, "authorization", "Bearer leftover"));

      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(asBearer.statusCode()).isEqualTo(401);
      assertThat(both.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(asBearer.body()).at("/error/message").asText())
          .isEqualTo("invalid x-api-key");
    }
  }

  @Test
  void scriptedError_andFailWith_useAnthropicsErrorShape() throws Exception {
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .script(Reply.error(400, "invalid_request_error", "prompt is too long"))
            .start()) {
      HttpResponse<String> scripted =
          post(api, "/v1/messages", String.format(MAIN_BODY, true), Map.of());
      assertThat(scripted.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(scripted.body()).at("/error/message").asText())
          .isEqualTo("prompt is too long");

      api.failWith(StandInAnthropicApi.Failure.OVERLOADED);
      HttpResponse<String> overloaded = post(api, "/v1/messages", SIDE_BODY, Map.of());
      assertThat(overloaded.statusCode()).isEqualTo(529);
      assertThat(JSON.readTree(overloaded.body()).at("/error/type").asText())
          .isEqualTo("overloaded_error");

      api.failWith(null);
      assertThat(post(api, "/v1/messages", SIDE_BODY, Map.of()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void unknownPathsAndClaudeCodeSettings_are404InErrorShape() throws Exception {
    try (StandInAnthropicApi api = StandInAnthropicApi.builder().expectToken(OAUTH).start()) {
      for (String path :
          List.of("/api/claude_code/settings", "/api/claude_code/policy_limits", "/v1/nothing")) {
        HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(api.baseUrl() + path));
        oauth().forEach(get::header);
        HttpResponse<String> response = client(api).send(get.build(), BodyHandlers.ofString());

        assertThat(response.statusCode()).as(path).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).at("/error/type").asText())
            .isEqualTo("not_found_error");
      }
    }
  }

  @Test
  void countTokens_answersAnEstimate() throws Exception {
    try (StandInAnthropicApi api = StandInAnthropicApi.builder().start()) {
      HttpResponse<String> response =
          post(api, "/v1/messages/count_tokens", String.format(MAIN_BODY, false), Map.of());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).path("input_tokens").asInt()).isPositive();
    }
  }

  @Test
  void certificate_coversTheApiHostLocalhostAndLoopbackAddress() throws Exception {
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder().names("api.example.test").start()) {
      try (RawTlsClient raw =
          RawTlsClient.connect(api.pki(), api.port(), StandInAnthropicApi.API_HOST)) {
        String response =
            raw.exchange("GET /x HTTP/1.1\r\nHost: api.anthropic.com\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404");
      }
      RecordedRequest recorded = api.requests().get(0);
      assertThat(recorded.sniHostName()).hasValue(StandInAnthropicApi.API_HOST);
      assertThat(api.server().requests()).hasSize(1);
    }
  }

  @Test
  void main_printsPortAndCaFile_andServesUntilKilled(@TempDir Path tmp) throws Exception {
    Path caFile = tmp.resolve("ca.pem");
    ProcessBuilder builder =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            StandInAnthropicApi.class.getName(),
            "--bind",
            "127.0.0.1:0",
            "--ca-file",
            caFile.toString(),
            "--reply",
            "demo reply");
    builder.environment().put("STAND_IN_EXPECT_TOKEN", OAUTH);
    builder.redirectErrorStream(true);
    Process process = builder.start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      JsonNode ready = JSON.readTree(out.readLine());
      assertThat(ready.path("host").asText()).isEqualTo("127.0.0.1");
      assertThat(Path.of(ready.path("caFile").asText())).isEqualTo(caFile.toAbsolutePath());
      assertThat(Files.readString(caFile)).startsWith("-----BEGIN CERTIFICATE-----");

      HttpClient client =
          HttpClient.newBuilder().sslContext(TestPki.trustingSslContext(caFile)).build();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(
                  URI.create("https://localhost:" + ready.path("port").asInt() + "/v1/messages"))
              .POST(BodyPublishers.ofString(String.format(MAIN_BODY, false)));
      oauth().forEach(request::header);
      HttpResponse<String> response = client.send(request.build(), BodyHandlers.ofString());
      assertThat(JSON.readTree(response.body()).at("/content/0/text").asText())
          .isEqualTo("demo reply");
    } finally {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static List<String[]> parseSse(String body) {
    List<String[]> events = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String name = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      events.add(new String[] {name, data});
    }
    return events;
  }
}
