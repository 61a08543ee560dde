package io.github.zerocred.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import java.util.function.Function;

/** One scripted answer of {@link StandInAnthropicApi} to a main-conversation Messages request. */
public final class Reply {

  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    TEXT,
    TOOL_USE,
    DYNAMIC,
    ERROR
  }

  private final Kind kind;
  private final String text;
  private final String toolName;
  private final JsonNode toolInput;
  private final Function<MessagesRequest, Reply> function;
  private final int status;
  private final String errorType;

  private Reply(
      Kind kind,
      String text,
      String toolName,
      JsonNode toolInput,
      Function<MessagesRequest, Reply> function,
      int status,
      String errorType) {
    this.kind = kind;
    this.text = text;
    this.toolName = toolName;
    this.toolInput = toolInput;
    this.function = function;
    this.status = status;
    this.errorType = errorType;
  }

  /** An assistant message with one text block; {@code stop_reason} {@code end_turn}. */
  public static Reply text(String text) {
    return new Reply(Kind.TEXT, Objects.requireNonNull(text, "text"), null, null, null, 200, null);
  }

  /**
   * An assistant message that calls {@code toolName} with {@code inputJson} (a JSON object); {@code
   * stop_reason} {@code tool_use}.
   */
  public static Reply toolUse(String toolName, String inputJson) {
    return toolUse(null, toolName, inputJson);
  }

  /** Like {@link #toolUse(String, String)}, preceded by a text block as models often send. */
  public static Reply toolUse(String preamble, String toolName, String inputJson) {
    Objects.requireNonNull(toolName, "toolName");
    JsonNode input;
    try {
      input = JSON.readTree(Objects.requireNonNull(inputJson, "inputJson"));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("inputJson is not JSON: " + inputJson, e);
    }
    if (input == null || !input.isObject()) {
      throw new IllegalArgumentException("inputJson must be a JSON object: " + inputJson);
    }
    return new Reply(Kind.TOOL_USE, preamble, toolName, input, null, 200, null);
  }

  /**
   * A reply computed from the request, e.g. quoting the {@code tool_result} the CLI sent back. Runs
   * on an event loop: it must not block.
   */
  public static Reply dynamic(Function<MessagesRequest, Reply> function) {
    return new Reply(
        Kind.DYNAMIC, null, null, null, Objects.requireNonNull(function, "function"), 200, null);
  }

  /**
   * An API error in Anthropic's shape, e.g. {@code error(529, "overloaded_error", "Overloaded")}.
   */
  public static Reply error(int status, String type, String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 4xx or 5xx: " + status);
    }
    return new Reply(
        Kind.ERROR,
        Objects.requireNonNull(message, "message"),
        null,
        null,
        null,
        status,
        Objects.requireNonNull(type, "type"));
  }

  Kind kind() {
    return kind;
  }

  String text() {
    return text;
  }

  String toolName() {
    return toolName;
  }

  JsonNode toolInput() {
    return toolInput;
  }

  int status() {
    return status;
  }

  String errorType() {
    return errorType;
  }

  /** Resolves dynamic replies (repeatedly, should one return another) against {@code request}. */
  Reply resolve(MessagesRequest request) {
    Reply reply = this;
    for (int depth = 0; reply.kind == Kind.DYNAMIC; depth++) {
      if (depth == 16) {
        throw new IllegalStateException("dynamic replies nested too deeply");
      }
      reply = Objects.requireNonNull(reply.function.apply(request), "dynamic reply returned null");
    }
    return reply;
  }

  @Override
  public String toString() {
    switch (kind) {
      case TEXT:
        return "Reply.text(" + text + ")";
      case TOOL_USE:
        return "Reply.toolUse(" + toolName + ", " + toolInput + ")";
      case ERROR:
        return "Reply.error(" + status + ", " + errorType + ", " + text + ")";
      default:
        return "Reply.dynamic(" + function + ")";
    }
  }
}
