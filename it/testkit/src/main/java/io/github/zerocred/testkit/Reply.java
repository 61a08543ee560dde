package io.github.zerocred.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import java.util.function.Function;

/** One scripted answer of {@link StandInAnthropicApi} to a main-conversation Messages request. */
public final class Reply {

  /**
   * The tool Claude Code 2.1.330 adds when run with {@code --json-schema SCHEMA}: its {@code
   * input_schema} is SCHEMA, and the model answers by calling it. The CLI validates the input
   * against SCHEMA; valid, it ends the run at once ({@code tool_result} "Structured output provided
   * successfully") with the input as the result event's {@code structured_output} and its JSON text
   * as {@code result}; invalid, it returns an error {@code tool_result} ("Output does not match
   * required schema: …") and the conversation goes on. A run that ends in text instead gets one
   * "[structured-output-enforce] You MUST call the StructuredOutput tool" turn, then ends with no
   * {@code structured_output}.
   */
  public static final String STRUCTURED_OUTPUT_TOOL = "StructuredOutput";

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
   * The model's structured answer, as the real API sends it: a call of the {@value
   * #STRUCTURED_OUTPUT_TOOL} tool with {@code json} (a JSON object) as its input. The stand-in
   * answers 400 if the request did not offer that tool (the CLI was run without {@code
   * --json-schema}).
   */
  public static Reply structuredOutput(String json) {
    return toolUse(STRUCTURED_OUTPUT_TOOL, json);
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
