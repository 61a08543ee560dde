package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Claude Code's {@code --output-format stream-json --verbose} output line by line: turns it
 * into progress events and keeps what the result needs. Fed from one thread (the log stream); read
 * by another after that stream ended, hence the synchronisation.
 */
final class StreamJsonCollector {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PARTIAL_CHARS = 64 * 1024;
  private static final int STDERR_LINES = 40;

  private final String runId;
  private final RunListener listener;
  private final Map<String, TokenUsage> usageByMessage = new LinkedHashMap<>();
  private final Set<String> toolUseIds = new HashSet<>();
  private final StringBuilder partial = new StringBuilder();
  private final Deque<String> stderr = new ArrayDeque<>();
  private final Deque<String> otherStdout = new ArrayDeque<>();
  private String sessionId;
  private JsonNode result;
  private String rawResult;
  private int turns;

  StreamJsonCollector(String runId, RunListener listener) {
    this.runId = runId;
    this.listener = listener;
  }

  synchronized void stdoutLine(String line) {
    if (line.isBlank()) {
      return;
    }
    JsonNode event;
    try {
      event = JSON.readTree(line);
    } catch (IOException e) {
      event = null;
    }
    if (event == null || !event.isObject()) {
      keepTail(otherStdout, line);
      return;
    }
    switch (event.path("type").asText()) {
      case "system" -> system(event);
      case "assistant" -> assistant(event);
      case "result" -> {
        result = event;
        rawResult = line;
      }
      default -> {
        // "user" (tool results) and anything newer versions add: nothing to report.
      }
    }
  }

  synchronized void stderrLine(String line) {
    keepTail(stderr, line);
  }

  private void system(JsonNode event) {
    if ("init".equals(event.path("subtype").asText())) {
      sessionId = textOrNull(event.path("session_id"));
      listener.onEvent(
          new RunEvent.SessionStarted(
              runId, sessionId == null ? "" : sessionId, event.path("model").asText("")));
    }
  }

  private void assistant(JsonNode event) {
    JsonNode message = event.path("message");
    // One assistant message may arrive as several events, one per content block: count it once.
    String id = message.path("id").asText("");
    if (id.isEmpty()) {
      id = "anonymous-" + usageByMessage.size();
    }
    if (!usageByMessage.containsKey(id)) {
      turns++;
      listener.onEvent(new RunEvent.Turn(runId, turns));
    }
    for (JsonNode block : message.path("content")) {
      String type = block.path("type").asText();
      if ("tool_use".equals(type)) {
        String toolId = block.path("id").asText(id + "#" + toolUseIds.size());
        if (toolUseIds.add(toolId)) {
          listener.onEvent(new RunEvent.ToolUsed(runId, turns, block.path("name").asText("?")));
        }
      } else if ("text".equals(type)) {
        appendPartial(block.path("text").asText(""));
      }
    }
    TokenUsage usage = usage(message.path("usage"));
    usageByMessage.put(id, usage);
    listener.onEvent(new RunEvent.TokensSoFar(runId, tokensSoFar()));
  }

  private void appendPartial(String text) {
    if (text.isEmpty()) {
      return;
    }
    if (partial.length() > 0) {
      partial.append('\n');
    }
    partial.append(text);
    if (partial.length() > MAX_PARTIAL_CHARS) {
      partial.delete(0, partial.length() - MAX_PARTIAL_CHARS);
    }
  }

  static TokenUsage usage(JsonNode usage) {
    return new TokenUsage(
        usage.path("input_tokens").asLong(0),
        usage.path("output_tokens").asLong(0),
        usage.path("cache_creation_input_tokens").asLong(0),
        usage.path("cache_read_input_tokens").asLong(0));
  }

  synchronized TokenUsage tokensSoFar() {
    TokenUsage sum = TokenUsage.NONE;
    for (TokenUsage u : usageByMessage.values()) {
      sum = sum.plus(u);
    }
    return sum;
  }

  synchronized Optional<JsonNode> result() {
    return Optional.ofNullable(result);
  }

  synchronized Optional<String> rawResult() {
    return Optional.ofNullable(rawResult);
  }

  synchronized Optional<String> sessionId() {
    if (result != null && result.hasNonNull("session_id")) {
      return Optional.of(result.get("session_id").asText());
    }
    return Optional.ofNullable(sessionId);
  }

  synchronized int turns() {
    return turns;
  }

  synchronized String partialOutput() {
    return partial.toString();
  }

  synchronized String stderrTail() {
    return String.join("\n", stderr);
  }

  /** Output that was not stream-json, such as an error the CLI printed before it started. */
  synchronized String otherStdoutTail() {
    return String.join("\n", otherStdout);
  }

  private static void keepTail(Deque<String> tail, String line) {
    tail.addLast(line.length() > 2000 ? line.substring(0, 2000) + "…" : line);
    while (tail.size() > STDERR_LINES) {
      tail.removeFirst();
    }
  }

  private static String textOrNull(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }
}
