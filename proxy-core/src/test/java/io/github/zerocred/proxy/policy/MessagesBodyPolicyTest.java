package io.github.zerocred.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.ApiPolicy;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The body check on its own, for the shapes a streaming walk could get wrong: keys in any order,
 * nested keys that look like the tool's own, a key given twice at any depth, truncation. Hostile
 * input: the whole body (the end-to-end refusals are in {@code ApiPolicyTest}).
 */
class MessagesBodyPolicyTest {
  private static final String SCHEMA = "\"input_schema\":{\"type\":\"object\"}";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // a client tool, its keys in any order, nested "type" keys are the schema's own
        "client tool | {\"name\":\"Read\"," + SCHEMA + "} | ",
        "schema first | {" + SCHEMA + ",\"name\":\"Read\"} | ",
        "custom type | {\"type\":\"custom\",\"name\":\"R\"," + SCHEMA + "} | ",
        "null type | {\"type\":null,\"name\":\"R\"," + SCHEMA + "} | ",
        "schema naming a server tool | {\"name\":\"R\",\"input_schema\":{\"type\":\"web_fetch_20250910\"}} | ",
        "deep arrays and objects | {\"name\":\"R\",\"input_schema\":{\"properties\":{\"a\":{\"enum\":[[{\"type\":1}],{}]}}}} | ",
        // refused
        "server type after the schema | {"
            + SCHEMA
            + ",\"type\":\"web_fetch_20250910\"} | server_tool_not_allowed",
        "numeric type | {\"type\":7," + SCHEMA + "} | server_tool_not_allowed",
        "object type | {\"type\":{\"custom\":1}," + SCHEMA + "} | server_tool_not_allowed",
        "no schema | {\"name\":\"web_fetch\"} | tool_not_allowed",
        "schema not an object | {\"name\":\"R\",\"input_schema\":[]} | tool_not_allowed",
        "schema only nested | {\"name\":\"R\",\"x\":{" + SCHEMA + "}} | tool_not_allowed",
        "duplicate type | {\"type\":\"web_fetch_20250910\",\"type\":\"custom\","
            + SCHEMA
            + "} | body_not_json",
        "duplicate deep in the schema | {\"name\":\"R\",\"input_schema\":{\"p\":{\"a\":1,\"a\":2}}} | body_not_json",
        "duplicate in an object in an array | {\"name\":\"R\",\"input_schema\":{\"p\":[{\"a\":1,\"a\":2}]}} | body_not_json",
        "truncated | {\"name\":\"R\",\"input_schema\":{\"p\":[ | body_not_json",
      })
  void tool(String what, String tool, String refusal) {
    String body = "{\"model\":\"claude-haiku-4-5\",\"tools\":[" + tool + "],\"messages\":[]}";
    if (tool.endsWith("[")) {
      body = "{\"tools\":[" + tool;
    }
    assertThat(reason(body)).as(what).isEqualTo(refusal == null ? "" : refusal);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty list | \"mcp_servers\":[] | ",
        "empty object | \"mcp_servers\":{} | ",
        "null | \"mcp_servers\":null | ",
        "one server | \"mcp_servers\":[{}] | mcp_servers_not_allowed",
        "a string | \"container\":\"c_1\" | container_not_allowed",
        "a false | \"container\":false | container_not_allowed",
        "an object | \"container\":{\"skills\":[]} | container_not_allowed",
      })
  void absentOrEmpty(String what, String member, String refusal) {
    String body = "{\"model\":\"claude-haiku-4-5\"," + member + ",\"messages\":[]}";
    assertThat(reason(body)).as(what).isEqualTo(refusal == null ? "" : refusal);
  }

  private static String reason(String body) {
    return new MessagesBodyPolicy(ApiPolicy.DEFAULTS)
        .check(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))
        .refusal()
        .map(Refusal::reason)
        .orElse("");
  }
}
