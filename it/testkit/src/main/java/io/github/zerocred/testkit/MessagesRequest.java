package io.github.zerocred.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A recorded Messages API request with its JSON body parsed, and helpers tests need often. */
public final class MessagesRequest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecordedRequest recorded;
  private final JsonNode json;

  private MessagesRequest(RecordedRequest recorded, JsonNode json) {
    this.recorded = recorded;
    this.json = json;
  }

  /**
   * Parses {@code recorded}'s body as JSON.
   *
   * @throws IllegalArgumentException when the body is not a JSON object or was truncated
   */
  public static MessagesRequest parse(RecordedRequest recorded) {
    if (recorded.bodyTruncated()) {
      throw new IllegalArgumentException(
          "body of " + recorded + " exceeds " + RecordedRequest.BODY_CAP + " bytes; not kept");
    }
    JsonNode json;
    try {
      json = JSON.readTree(recorded.body());
    } catch (IOException e) {
      throw new IllegalArgumentException("body of " + recorded + " is not JSON", e);
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("body of " + recorded + " is not a JSON object");
    }
    return new MessagesRequest(recorded, json);
  }

  /** The request as received. */
  public RecordedRequest recorded() {
    return recorded;
  }

  /** The whole parsed body. */
  public JsonNode json() {
    return json;
  }

  /** The {@code model} asked for. */
  public String model() {
    return json.path("model").asText("");
  }

  /** Whether the client asked for server-sent events. */
  public boolean stream() {
    return json.path("stream").asBoolean(false);
  }

  /** The {@code max_tokens} limit, or 0 when absent. */
  public int maxTokens() {
    return json.path("max_tokens").asInt(0);
  }

  /** The {@code messages} array (a missing node when absent). */
  public JsonNode messages() {
    return json.path("messages");
  }

  /** The {@code tools} array (a missing node when absent). */
  public JsonNode tools() {
    return json.path("tools");
  }

  /** Whether any tools were offered; the CLI's main conversation always offers some. */
  public boolean hasTools() {
    return tools().isArray() && tools().size() > 0;
  }

  /** The names of the offered tools, in order. */
  public List<String> toolNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode tool : tools()) {
      names.add(tool.path("name").asText());
    }
    return Collections.unmodifiableList(names);
  }

  /**
   * The {@code input_schema} of the {@value Reply#STRUCTURED_OUTPUT_TOOL} tool, which Claude Code
   * offers when run with {@code --json-schema}: the schema exactly as given on its command line.
   */
  public Optional<JsonNode> structuredOutputSchema() {
    for (JsonNode tool : tools()) {
      if (Reply.STRUCTURED_OUTPUT_TOOL.equals(tool.path("name").asText())) {
        return Optional.of(tool.path("input_schema"));
      }
    }
    return Optional.empty();
  }

  /** The system prompt's text (blocks joined by newlines); empty when absent. */
  public String systemText() {
    JsonNode system = json.path("system");
    return system.isTextual() ? system.asText() : joinText(system);
  }

  /** The text of the last user message (its text blocks joined), or empty. */
  public String lastUserText() {
    JsonNode messages = messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode message = messages.get(i);
      if ("user".equals(message.path("role").asText())) {
        JsonNode content = message.path("content");
        return content.isTextual() ? content.asText() : joinText(content);
      }
    }
    return "";
  }

  /** Every {@code tool_result} block sent, oldest first. */
  public List<JsonNode> toolResults() {
    List<JsonNode> results = new ArrayList<>();
    for (JsonNode message : messages()) {
      for (JsonNode block : message.path("content")) {
        if ("tool_result".equals(block.path("type").asText())) {
          results.add(block);
        }
      }
    }
    return Collections.unmodifiableList(results);
  }

  /**
   * The content of the last {@code tool_result} block as text (a string content as is, a block
   * array's text blocks joined), or empty when the request carries none.
   */
  public Optional<String> lastToolResultContent() {
    List<JsonNode> results = toolResults();
    if (results.isEmpty()) {
      return Optional.empty();
    }
    JsonNode content = results.get(results.size() - 1).path("content");
    return Optional.of(content.isTextual() ? content.asText() : joinText(content));
  }

  /** The field at a JSON Pointer, e.g. {@code "/metadata/user_id"}; missing node when absent. */
  public JsonNode at(String jsonPointer) {
    JsonNode node = json.at(jsonPointer);
    return node == null ? MissingNode.getInstance() : node;
  }

  private static String joinText(JsonNode blocks) {
    StringBuilder text = new StringBuilder();
    for (JsonNode block : blocks) {
      if ("text".equals(block.path("type").asText())) {
        if (text.length() > 0) {
          text.append('\n');
        }
        text.append(block.path("text").asText());
      }
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return "MessagesRequest[model="
        + model()
        + ", stream="
        + stream()
        + ", messages="
        + messages().size()
        + ", tools="
        + tools().size()
        + "]";
  }
}
