package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Claude Code's {@code --output-format stream-json --verbose} output line by line: turns it
 * into progress events and keeps what the result needs. Fed from one thread (the log stream); read
 * by another after that stream ended, hence the synchronisation.
 *
 * <p>Hostile input: every line, id and name comes from the container, which the agent controls.
 * What is kept is bounded whatever it prints: lines arrive capped ({@link LineSplitter}); ids
 * longer than real ones are kept as a digest; the ids seen are kept for the last {@value
 * #RECENT_IDS} messages and tool uses only (one message arrives as consecutive events), older usage
 * folded into a running sum; names in events, the session id, the partial text and the tails are
 * cut.
 */
final class StreamJsonCollector {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PARTIAL_CHARS = 64 * 1024;
  private static final int STDERR_LINES = 40;
  private static final int TAIL_LINE_CHARS = 2000;

  /** Real message and tool-use ids are about 30 characters. */
  static final int MAX_ID_CHARS = 128;

  /** Names (model, tool) and the session id, as reported in events. */
  static final int MAX_NAME_CHARS = 200;

  /** How many recent message and tool-use ids are remembered for counting each once. */
  static final int RECENT_IDS = 256;

  private final String runId;
  private final RunListener listener;
  private final Map<String, TokenUsage> usageByMessage = recent();
  private final Set<String> toolUseIds = Collections.newSetFromMap(recent());
  private TokenUsage foldedUsage = TokenUsage.NONE;
  private int anonymous;
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
      sessionId = cut(textOrNull(event.path("session_id")), MAX_NAME_CHARS);
      listener.onEvent(
          new RunEvent.SessionStarted(
              runId,
              sessionId == null ? "" : sessionId,
              cut(event.path("model").asText(""), MAX_NAME_CHARS)));
    }
  }

  private void assistant(JsonNode event) {
    JsonNode message = event.path("message");
    // One assistant message may arrive as several events, one per content block: count it once.
    String id = id(message.path("id").asText(""));
    if (id.isEmpty()) {
      id = "anonymous-" + anonymous++;
    }
    if (!usageByMessage.containsKey(id)) {
      turns++;
      listener.onEvent(new RunEvent.Turn(runId, turns));
    }
    for (JsonNode block : message.path("content")) {
      String type = block.path("type").asText();
      if ("tool_use".equals(type)) {
        String toolId = id(block.path("id").asText(""));
        if (toolId.isEmpty()) {
          toolId = id + "#" + anonymous++;
        }
        if (toolUseIds.add(toolId)) {
          listener.onEvent(
              new RunEvent.ToolUsed(
                  runId, turns, cut(block.path("name").asText("?"), MAX_NAME_CHARS)));
        }
      } else if ("text".equals(type)) {
        appendPartial(block.path("text").asText(""));
      }
    }
    TokenUsage usage = usage(message.path("usage"));
    usageByMessage.put(id, usage);
    listener.onEvent(new RunEvent.TokensSoFar(runId, tokensSoFar()));
  }

  /**
   * A map that keeps its {@value #RECENT_IDS} most recently added keys; the usage of a message it
   * forgets is added to the running sum first.
   */
  private <V> Map<String, V> recent() {
    return new LinkedHashMap<>(RECENT_IDS * 2, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        if (size() <= RECENT_IDS) {
          return false;
        }
        if (eldest.getValue() instanceof TokenUsage u) {
          foldedUsage = foldedUsage.plus(u);
        }
        return true;
      }
    };
  }

  /** An id as kept: itself when it is id-sized, else a digest (still one per distinct id). */
  static String id(String raw) {
    if (raw.length() <= MAX_ID_CHARS) {
      return raw;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(raw.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String cut(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
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
    TokenUsage sum = foldedUsage;
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
      return Optional.of(cut(result.get("session_id").asText(), MAX_NAME_CHARS));
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
    tail.addLast(cut(line, TAIL_LINE_CHARS));
    while (tail.size() > STDERR_LINES) {
      tail.removeFirst();
    }
  }

  private static String textOrNull(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : node.asText();
  }
}
