package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the credential may be used for, over real sockets: the hostile client is whatever drives the
 * agent, and every refusal must happen before a byte reaches the upstream.
 */
class ApiPolicyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOST = "api.anthropic.com";

  /** Claude Code 2.1.330's top-level keys, with a client tool shaped like its own. */
  private static String body(String tools, String extra) {
    return "{\"model\":\"claude-sonnet-4-5-20250929\",\"max_tokens\":32000,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"Review the change\"}],"
        + "\"system\":[{\"type\":\"text\",\"text\":\"You are Claude Code\"}],"
        + "\"tools\":["
        + tools
        + "],\"metadata\":{\"user_id\":\"u\"},\"stream\":true,"
        + "\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024},"
        + "\"context_management\":{\"edits\":[]},\"diagnostics\":{},"
        + "\"output_config\":{\"effort\":\"high\"}"
        + extra
        + "}";
  }

  /** {@link #body} whose user message holds these content blocks. */
  private static String withUserContent(String blocks) {
    return body(READ_TOOL, "")
        .replace("\"content\":\"Review the change\"", "\"content\":[" + blocks + "]");
  }

  private static final String READ_TOOL =
      "{\"name\":\"Read\",\"description\":\"Reads a file\",\"input_schema\":{\"type\":\"object\","
          + "\"properties\":{\"file_path\":{\"type\":\"string\"}}}}";

  private static TunnelClient.Response postMessages(TunnelClient c, String path, String json)
      throws Exception {
    return c.post(
        HOST,
        path,
        json.getBytes(StandardCharsets.UTF_8),
        "Content-Type: application/json",
        "Authorization: Bearer placeholder");
  }

  private static void assertRefused(
      ProxyFixture f, TunnelClient.Response r, int status, String errorType, String reason)
      throws Exception {
    assertThat(r.status).as(r.bodyText()).isEqualTo(status);
    JsonNode error = JSON.readTree(r.body);
    assertThat(error.path("type").asText()).isEqualTo("error");
    assertThat(error.path("error").path("type").asText()).isEqualTo(errorType);
    assertThat(error.path("error").path("message").asText()).startsWith("zerocred: ");
    assertThat(r.header("x-zerocred")).isEqualTo("refused");
    AuditRecord record = f.awaitDenied();
    assertThat(record.decision()).isEqualTo(AuditRecord.DENIED);
    assertThat(record.reason()).isEqualTo(reason);
    assertThat(record.credentialInjected()).isFalse();
    assertThat(record.status()).isEqualTo(status);
  }

  /** A proxy with exactly the default policy in front of an echoing upstream. */
  private static ProxyFixture fixture() throws Exception {
    return ProxyFixture.withDefaultPolicy(r -> StandInResponse.echo(), b -> {});
  }

  /** Refused, audited, and the upstream never saw a byte of it. */
  private static void assertRefusedBeforeUpstream(
      ProxyFixture f, TunnelClient.Response r, int status, String errorType, String reason)
      throws Exception {
    assertRefused(f, r, status, errorType, reason);
    assertThat(f.upstream.requests()).isEmpty();
  }

  // ---------------------------------------------------------------- endpoints

  @ParameterizedTest
  @CsvSource({
    "POST, /v1/messages/batches",
    "POST, /v1/files",
    "GET, /v1/files",
    "GET, /v1/organizations/api_keys",
    "GET, /v1/models",
    "DELETE, /v1/messages",
    "GET, /v1/messages",
    "POST, /v1/messages/../files",
    "POST, /v1/messages/",
    "POST, /v1/Messages",
    "POST, /v1/messages%2Fbatches"
  })
  void endpointOutsideThePolicy_isRefusedBeforeUpstream_andAudited(String method, String path)
      throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      c.write(
          method
              + " "
              + path
              + " HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nContent-Length: 2\r\nAuthorization: Bearer "
              + f.placeholder()
              + "\r\n\r\n{}");
      TunnelClient.Response r = c.readResponse(false);

      assertRefusedBeforeUpstream(f, r, 403, "permission_error", "endpoint_not_allowed");
      assertThat(f.audited().get(0).path()).isEqualTo(path);
    }
  }

  @Test
  void refusedRequestBody_isReadToItsEnd_soTheClientSeesTheRefusal() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      byte[] big = new byte[3 * 1024 * 1024];
      c.write(
          "POST /v1/files HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nContent-Length: "
              + big.length
              + "\r\n\r\n");
      c.write(big);
      TunnelClient.Response r = c.readResponse(false);

      assertRefusedBeforeUpstream(f, r, 403, "permission_error", "endpoint_not_allowed");
    }
  }

  @Test
  void measuredEndpoints_areForwarded_withTheQueryString() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      assertThat(c.get(HOST, "/api/claude_code/settings").status).isEqualTo(200);
      assertThat(c.get(HOST, "/api/claude_code/policy_limits").status).isEqualTo(200);
      TunnelClient.Response r = postMessages(c, "/v1/messages?beta=true", body(READ_TOOL, ""));
      assertThat(r.status).isEqualTo(200);
      assertThat(JSON.readTree(r.body).path("uri").asText()).isEqualTo("/v1/messages?beta=true");
      assertThat(postMessages(c, "/v1/messages/count_tokens", body(READ_TOOL, "")).status)
          .isEqualTo(200);

      assertThat(f.upstream.requests()).hasSize(4);
      assertThat(f.awaitAudit(4)).allMatch(AuditRecord::allowed);
    }
  }

  @Test
  void allowEndpoint_widensThePolicy_forExactlyThatMethodAndPath() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r -> StandInResponse.echo(), b -> b.allowEndpoint("GET /v1/models"));
        TunnelClient c = f.tunnel(HOST)) {
      assertThat(c.get(HOST, "/v1/models").status).isEqualTo(200);
      assertThat(c.get(HOST, "/v1/models/claude-x").status).isEqualTo(403);
      assertThat(f.upstream.requests()).hasSize(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "GET /v1/models?x=1", "GET /v1/*", "GET v1/models", "GET /a/../b"})
  void allowEndpoint_malformed_isRefusedNamingTheOption(String spec) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ProxyConfig.builder().allowEndpoint(spec))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--allow-endpoint");
  }

  // ---------------------------------------------------------------- bodies

  @Test
  void claudeCodeShapedRequest_isForwardedByteForByte() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      String json = body(READ_TOOL + "," + READ_TOOL.replace("Read", "Grep"), ",\"future\":[1]");
      TunnelClient.Response r = postMessages(c, "/v1/messages?beta=true", json);

      assertThat(r.status).isEqualTo(200);
      assertThat(JSON.readTree(r.body).path("bodySha256").asText()).isEqualTo(sha256(json));
      assertThat(JSON.readTree(r.body).path("headers").path("content-length").get(0).asText())
          .isEqualTo(String.valueOf(json.getBytes(StandardCharsets.UTF_8).length));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "web_search_20250305",
        "web_fetch_20250910",
        "code_execution_20250825",
        "bash_20250124",
        "computer_20250124",
        "text_editor_20250728",
        "mcp_toolset",
        "memory_20250818",
        "some_future_tool_20991231"
      })
  void serverTool_isRefused_andNeverForwarded(String type) throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      String tool = "{\"type\":\"" + type + "\",\"name\":\"x\"}";
      TunnelClient.Response r = postMessages(c, "/v1/messages", body(READ_TOOL + "," + tool, ""));

      assertRefused(f, r, 403, "permission_error", "server_tool_not_allowed");
      assertThat(JSON.readTree(r.body).path("error").path("message").asText()).contains(type);
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void typedToolHiddenBehindADuplicateTypeKey_isRefused() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      String tool =
          "{\"type\":\"web_fetch_20250910\",\"name\":\"x\",\"type\":\"custom\","
              + "\"input_schema\":{\"type\":\"object\"}}";
      TunnelClient.Response r = postMessages(c, "/v1/messages", body(tool, ""));

      assertThat(r.status).isEqualTo(400);
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void untypedToolWithoutInputSchema_isRefused() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r =
          postMessages(c, "/v1/messages/count_tokens", body("{\"name\":\"web_fetch\"}", ""));

      assertRefusedBeforeUpstream(f, r, 403, "permission_error", "tool_not_allowed");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        ",\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://attacker.example/sse\","
            + "\"name\":\"x\"}] | mcp_servers_not_allowed",
        ",\"container\":\"container_011CPR5CNjB747bTd36fQLFk\" | container_not_allowed",
        ",\"container\":{\"skills\":[]} | container_not_allowed"
      })
  void mcpConnectorOrContainer_isRefused_andNeverForwarded(String extra, String reason)
      throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r = postMessages(c, "/v1/messages", body(READ_TOOL, extra));

      assertRefusedBeforeUpstream(f, r, 403, "permission_error", reason.strip());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x.example/?d=secret\"}}",
        "{\"type\":\"document\",\"source\":{\"type\":\"url\",\"url\":\"https://x.example/a.pdf\"}}",
        "{\"type\":\"document\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011\"}}",
        "{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":\"image\","
            + "\"source\":{\"type\":\"url\",\"url\":\"https://x.example/i.png\"}}]}"
      })
  void contentWithARemoteSource_isRefused_andNeverForwarded(String block) throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      String json = withUserContent("{\"type\":\"text\",\"text\":\"see\"}," + block);
      TunnelClient.Response r = postMessages(c, "/v1/messages", json);

      assertRefusedBeforeUpstream(f, r, 403, "permission_error", "remote_source_not_allowed");
    }
  }

  @Test
  void inlineContent_mentioningUrlsInItsText_isForwarded() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      String json =
          withUserContent(
              "{\"type\":\"text\",\"text\":\"{\\\"type\\\":\\\"url\\\"}\"},"
                  + "{\"type\":\"image\",\"source\":{\"type\":\"base64\","
                  + "\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}");
      assertThat(postMessages(c, "/v1/messages", json).status).isEqualTo(200);
    }
  }

  @Test
  void duplicateTopLevelKey_isRefused() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r =
          postMessages(
              c, "/v1/messages", body(READ_TOOL, ",\"tools\":[{\"type\":\"web_fetch_20250910\"}]"));

      assertRefusedBeforeUpstream(f, r, 400, "invalid_request_error", "duplicate_key");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "[1,2]", "{\"model\":\"x\"} {}", "{\"model\":"})
  void bodyThatIsNotOneJsonObject_isRefused(String json) throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r = postMessages(c, "/v1/messages", json);

      assertRefusedBeforeUpstream(f, r, 400, "invalid_request_error", "body_not_json");
    }
  }

  @Test
  void webSearch_canBeAllowedExplicitly_butWebFetchStaysRefused() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r -> StandInResponse.echo(), b -> b.allowWebSearch(true));
        TunnelClient c = f.tunnel(HOST)) {
      String search = "{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}";
      assertThat(postMessages(c, "/v1/messages", body(search, "")).status).isEqualTo(200);
      String fetch = "{\"type\":\"web_fetch_20250910\",\"name\":\"web_fetch\"}";
      assertThat(postMessages(c, "/v1/messages", body(fetch, "")).status).isEqualTo(403);
      assertThat(f.upstream.requests()).hasSize(1);
    }
  }

  @Test
  void pinnedModelFamily_andMaxTokensCap_refuseOthers() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r -> StandInResponse.echo(), b -> b.modelFamily("claude-sonnet").maxTokens(32000));
        TunnelClient c = f.tunnel(HOST)) {
      assertThat(postMessages(c, "/v1/messages", body(READ_TOOL, "")).status).isEqualTo(200);
      String opus = body(READ_TOOL, "").replace("claude-sonnet-4-5", "claude-opus-4-1");
      TunnelClient.Response r = postMessages(c, "/v1/messages", opus);
      assertRefused(f, r, 403, "permission_error", "model_not_allowed");
    }
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(r -> StandInResponse.echo(), b -> b.maxTokens(1000));
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r = postMessages(c, "/v1/messages", body(READ_TOOL, ""));
      assertRefusedBeforeUpstream(f, r, 403, "permission_error", "max_tokens_too_large");
    }
  }

  @Test
  void bodyAboveTheBound_isRefusedWith413_declaredOrChunked() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r -> StandInResponse.echo(), b -> b.maxRequestBodyBytes(4096));
        TunnelClient c = f.tunnel(HOST)) {
      String big = body(READ_TOOL, ",\"pad\":\"" + "x".repeat(5000) + "\"");
      TunnelClient.Response r = postMessages(c, "/v1/messages", big);
      assertRefused(f, r, 413, "request_too_large", "body_too_large");
    }
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r -> StandInResponse.echo(), b -> b.maxRequestBodyBytes(4096));
        TunnelClient c = f.tunnel(HOST)) {
      c.write(
          "POST /v1/messages HTTP/1.1\r\nHost: " + HOST + "\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 3; i++) {
        c.write("800\r\n" + "x".repeat(0x800) + "\r\n");
      }
      c.write("0\r\n\r\n");
      TunnelClient.Response r = c.readResponse(false);
      assertRefusedBeforeUpstream(f, r, 413, "request_too_large", "body_too_large");
    }
  }

  @Test
  void expectContinue_onACheckedBody_isAnsweredByTheProxy_thenForwardedWhole() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      byte[] json = body(READ_TOOL, "").getBytes(StandardCharsets.UTF_8);
      c.write(
          "POST /v1/messages HTTP/1.1\r\nHost: "
              + HOST
              + "\r\nExpect: 100-continue\r\nContent-Length: "
              + json.length
              + "\r\n\r\n");
      assertThat(c.readLine()).isEqualTo("HTTP/1.1 100 Continue");
      assertThat(c.readLine()).isEmpty();
      c.write(json);
      TunnelClient.Response r = c.readResponse(false);

      assertThat(r.status).isEqualTo(200);
      assertThat(JSON.readTree(r.body).path("headers").has("expect")).isFalse();
      assertThat(JSON.readTree(r.body).path("bodyLength").asLong()).isEqualTo(json.length);
    }
  }

  @Test
  void compressedRequestBody_isRefused_itCannotBeChecked() throws Exception {
    try (ProxyFixture f = fixture();
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r =
          c.post(HOST, "/v1/messages", gzip(body(READ_TOOL, "")), "Content-Encoding: gzip");
      assertRefusedBeforeUpstream(f, r, 415, "invalid_request_error", "body_encoded");
    }
  }

  // ---------------------------------------------------------------- budget

  private static final String EXPENSIVE_JSON =
      "{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"claude-opus-4-1-20250805\","
          + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
          + "\"usage\":{\"input_tokens\":1000000,\"output_tokens\":10}}";

  @Test
  void budget_firstCallPasses_laterCallsAreRefusedAndNeverForwarded() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r -> StandInResponse.json(200, EXPENSIVE_JSON),
                b -> b.maxBudgetUsd(new BigDecimal("1.00")));
        TunnelClient c = f.tunnel(HOST)) {
      assertThat(postMessages(c, "/v1/messages", body(READ_TOOL, "")).status).isEqualTo(200);

      try (TunnelClient second = f.tunnel(HOST)) {
        TunnelClient.Response r = postMessages(second, "/v1/messages", body(READ_TOOL, ""));
        assertRefused(f, r, 403, "permission_error", "budget_exceeded");
      }
      try (TunnelClient third = f.tunnel(HOST)) {
        assertThat(postMessages(third, "/v1/messages", body(READ_TOOL, "")).status).isEqualTo(403);
      }

      assertThat(f.upstream.requests()).hasSize(1);
      ProxyUsage usage = f.proxy.usage();
      assertThat(usage.costUsd()).isEqualByComparingTo("15.00075");
      assertThat(usage.requests()).isEqualTo(1);
      assertThat(usage.refusedOverBudget()).isEqualTo(2);
      assertThat(usage.limitReached()).isTrue();
    }
  }

  @Test
  void sseUsage_fromMessageStartAndDelta_isPricedForTheModel() throws Exception {
    List<String> events =
        List.of(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":1000,"
                + "\"cache_creation_input_tokens\":2000,\"cache_read_input_tokens\":10000,"
                + "\"output_tokens\":1}}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\""
                + "y".repeat(100_000)
                + "\"}}\n\n",
            "event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{},"
                + "\"usage\":{\"output_tokens\":500}}\r\n\r\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r -> StandInResponse.sse(events, Duration.ZERO),
                b -> b.maxBudgetUsd(new BigDecimal("0.03")));
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r = postMessages(c, "/v1/messages", body(READ_TOOL, ""));
      assertThat(r.status).isEqualTo(200);
      assertThat(r.bodyText()).contains("message_stop");
      f.awaitAudit(1);

      ProxyUsage usage = f.proxy.usage();
      // 1000×$3 + 500×$15 + 2000×$3.75 + 10000×$0.30 per million tokens
      assertThat(usage.costUsd()).isEqualByComparingTo("0.021");
      assertThat(usage.inputTokens()).isEqualTo(1000);
      assertThat(usage.outputTokens()).isEqualTo(500);
      assertThat(usage.cacheWriteTokens()).isEqualTo(2000);
      assertThat(usage.cacheReadTokens()).isEqualTo(10000);
      assertThat(usage.limitReached()).isFalse();
    }
  }

  @Test
  void unknownModel_isPricedAsTheMostExpensive() throws Exception {
    String json = EXPENSIVE_JSON.replace("claude-opus-4-1-20250805", "claude-mystery-9");
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(r -> StandInResponse.json(200, json), b -> {});
        TunnelClient c = f.tunnel(HOST)) {
      assertThat(postMessages(c, "/v1/messages", body(READ_TOOL, "")).status).isEqualTo(200);
      f.awaitAudit(1);
      assertThat(f.proxy.usage().costUsd()).isEqualByComparingTo("15.00075");
    }
  }

  @Test
  void requestCap_refusesTheCallAfterTheLast_andNeverForwardsIt() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(r -> StandInResponse.echo(), b -> b.maxRequests(2));
        TunnelClient c = f.tunnel(HOST)) {
      assertThat(postMessages(c, "/v1/messages", body(READ_TOOL, "")).status).isEqualTo(200);
      assertThat(postMessages(c, "/v1/messages", body(READ_TOOL, "")).status).isEqualTo(200);
      // count_tokens is free and not a conversation turn: not counted.
      assertThat(postMessages(c, "/v1/messages/count_tokens", body(READ_TOOL, "")).status)
          .isEqualTo(200);
      TunnelClient.Response r = postMessages(c, "/v1/messages", body(READ_TOOL, ""));
      assertRefused(f, r, 403, "permission_error", "request_limit_reached");

      assertThat(f.upstream.requests()).hasSize(3);
      assertThat(f.proxy.usage().refusedOverRequestCap()).isEqualTo(1);
    }
  }

  // ---------------------------------------------------------------- echo gaps

  @Test
  void upstreamReasonPhrase_isReplacedByTheStandardOne() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r ->
                    StandInResponse.text(400, "no")
                        .reason("bad token Bearer " + ProxyFixture.OAUTH_TOKEN));
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r = c.get(HOST, "/api/claude_code/settings");

      assertThat(r.statusLine).isEqualTo("HTTP/1.1 400 Bad Request");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "deflate"})
  void compressedEcho_isDecoded_scanned_andSentPlain(String coding) throws Exception {
    String echo = "{\"error\":\"bad token " + ProxyFixture.OAUTH_TOKEN + "\"}";
    byte[] compressed = coding.equals("gzip") ? gzip(echo) : deflate(echo);
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r ->
                    StandInResponse.bytes(401, "application/json", compressed)
                        .header("Content-Encoding", coding));
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r = c.get(HOST, "/api/claude_code/settings");

      assertThat(r.status).isEqualTo(401);
      assertThat(r.header("content-encoding")).isNull();
      assertThat(r.bodyText()).startsWith("{\"error\":\"bad token ");
      assertThat(r.bodyText()).doesNotContain(ProxyFixture.OAUTH_TOKEN);
    }
  }

  @Test
  void compressedThenPlainResponse_onOnePooledConnection_bothArriveIntact() throws Exception {
    byte[] compressed = gzip("{\"compressed\":true}");
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r ->
                    r.path().equals("/api/claude_code/settings")
                        ? StandInResponse.bytes(200, "application/json", compressed)
                            .header("Content-Encoding", "gzip")
                        : StandInResponse.json(200, "{\"plain\":true}"));
        TunnelClient c = f.tunnel(HOST)) {
      for (int i = 0; i < 3; i++) {
        assertThat(c.get(HOST, "/api/claude_code/settings").bodyText())
            .isEqualTo("{\"compressed\":true}");
        TunnelClient.Response plain = c.get(HOST, "/api/claude_code/policy_limits");
        assertThat(plain.bodyText()).isEqualTo("{\"plain\":true}");
        assertThat(plain.header("content-length")).isEqualTo("14");
      }
      assertThat(f.upstream.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void unknownContentEncoding_isRefusedWith502() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.withDefaultPolicy(
                r ->
                    StandInResponse.bytes(
                            200, "application/json", ProxyFixture.OAUTH_TOKEN.getBytes())
                        .header("Content-Encoding", "br"));
        TunnelClient c = f.tunnel(HOST)) {
      TunnelClient.Response r = c.get(HOST, "/api/claude_code/settings");

      assertThat(r.status).isEqualTo(502);
      assertThat(r.bodyText()).doesNotContain(ProxyFixture.OAUTH_TOKEN);
      assertThat(f.awaitAudit(1).get(0).reason()).isEqualTo("upstream_encoding");
    }
  }

  private static byte[] gzip(String s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static byte[] deflate(String s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
