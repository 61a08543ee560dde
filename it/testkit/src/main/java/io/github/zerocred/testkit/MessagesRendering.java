package io.github.zerocred.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Renders {@link Reply} values as Messages API responses: one JSON message or an SSE stream. */
final class MessagesRendering {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID_ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // Deltas are cut this small so that clients must reassemble text and tool input across events,
  // as they must with the real API.
  private static final int TEXT_DELTA_CHARS = 12;
  private static final int JSON_DELTA_CHARS = 10;

  private final SecureRandom random = new SecureRandom();

  String newId(String prefix) {
    StringBuilder id = new StringBuilder(prefix).append("01");
    for (int i = 0; i < 22; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }

  /** Anthropic's error body: {@code {"type":"error","error":{...},"request_id":...}}. */
  static String errorJson(String type, String message, String requestId) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "error");
    ObjectNode error = body.putObject("error");
    error.put("type", type);
    error.put("message", message);
    body.put("request_id", requestId);
    return write(body);
  }

  /** A token estimate near the real tokenizer's for English and JSON: about 4 bytes a token. */
  static int estimateTokens(long bytes) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / 4));
  }

  /** Renders a resolved, non-error reply as a complete (non-streaming) message. */
  String message(MessagesRequest request, Reply reply) {
    ObjectNode message = messageSkeleton(request);
    ArrayNode content = message.putArray("content");
    for (ObjectNode block : blocks(reply)) {
      content.add(block);
    }
    message.put("stop_reason", stopReason(reply));
    message.putNull("stop_sequence");
    ObjectNode usage = usage(request, outputTokens(reply));
    message.set("usage", usage);
    return write(message);
  }

  /** Renders a resolved, non-error reply as the SSE events of a streamed message, in order. */
  List<String> events(MessagesRequest request, Reply reply) {
    List<String> events = new ArrayList<>();
    ObjectNode start = JSON.createObjectNode();
    start.put("type", "message_start");
    ObjectNode message = messageSkeleton(request);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    message.set("usage", usage(request, 1));
    start.set("message", message);
    events.add(event("message_start", start));

    List<ObjectNode> blocks = blocks(reply);
    for (int index = 0; index < blocks.size(); index++) {
      ObjectNode block = blocks.get(index);
      ObjectNode emptyBlock = block.deepCopy();
      List<ObjectNode> deltas = new ArrayList<>();
      if ("text".equals(block.path("type").asText())) {
        emptyBlock.put("text", "");
        for (String piece : split(block.path("text").asText(), TEXT_DELTA_CHARS)) {
          ObjectNode delta = JSON.createObjectNode();
          delta.put("type", "text_delta");
          delta.put("text", piece);
          deltas.add(delta);
        }
      } else {
        emptyBlock.putObject("input");
        // The real API opens every tool input with an empty partial; clients must tolerate it.
        List<String> pieces = new ArrayList<>();
        pieces.add("");
        pieces.addAll(split(write(block.path("input")), JSON_DELTA_CHARS));
        for (String piece : pieces) {
          ObjectNode delta = JSON.createObjectNode();
          delta.put("type", "input_json_delta");
          delta.put("partial_json", piece);
          deltas.add(delta);
        }
      }
      ObjectNode blockStart = JSON.createObjectNode();
      blockStart.put("type", "content_block_start");
      blockStart.put("index", index);
      blockStart.set("content_block", emptyBlock);
      events.add(event("content_block_start", blockStart));
      if (index == 0) {
        ObjectNode ping = JSON.createObjectNode();
        ping.put("type", "ping");
        events.add(event("ping", ping));
      }
      for (ObjectNode delta : deltas) {
        ObjectNode blockDelta = JSON.createObjectNode();
        blockDelta.put("type", "content_block_delta");
        blockDelta.put("index", index);
        blockDelta.set("delta", delta);
        events.add(event("content_block_delta", blockDelta));
      }
      ObjectNode blockStop = JSON.createObjectNode();
      blockStop.put("type", "content_block_stop");
      blockStop.put("index", index);
      events.add(event("content_block_stop", blockStop));
    }

    ObjectNode messageDelta = JSON.createObjectNode();
    messageDelta.put("type", "message_delta");
    ObjectNode delta = messageDelta.putObject("delta");
    delta.put("stop_reason", stopReason(reply));
    delta.putNull("stop_sequence");
    messageDelta.set("usage", usage(request, outputTokens(reply)));
    events.add(event("message_delta", messageDelta));
    ObjectNode stop = JSON.createObjectNode();
    stop.put("type", "message_stop");
    events.add(event("message_stop", stop));
    return events;
  }

  /** An error inside an already started stream, as the API sends for mid-stream overloads. */
  static String errorEvent(String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "error");
    ObjectNode error = body.putObject("error");
    error.put("type", type);
    error.put("message", message);
    return event("error", body);
  }

  private ObjectNode messageSkeleton(MessagesRequest request) {
    ObjectNode message = JSON.createObjectNode();
    message.put("id", newId("msg_"));
    message.put("type", "message");
    message.put("role", "assistant");
    message.put("model", request.model());
    return message;
  }

  private List<ObjectNode> blocks(Reply reply) {
    List<ObjectNode> blocks = new ArrayList<>();
    if (reply.text() != null) {
      ObjectNode text = JSON.createObjectNode();
      text.put("type", "text");
      text.put("text", reply.text());
      blocks.add(text);
    }
    if (reply.kind() == Reply.Kind.TOOL_USE) {
      ObjectNode toolUse = JSON.createObjectNode();
      toolUse.put("type", "tool_use");
      toolUse.put("id", newId("toolu_"));
      toolUse.put("name", reply.toolName());
      toolUse.set("input", reply.toolInput().deepCopy());
      blocks.add(toolUse);
    }
    return blocks;
  }

  private static String stopReason(Reply reply) {
    return reply.kind() == Reply.Kind.TOOL_USE ? "tool_use" : "end_turn";
  }

  private static int outputTokens(Reply reply) {
    int chars = reply.text() == null ? 0 : reply.text().length();
    if (reply.kind() == Reply.Kind.TOOL_USE) {
      chars += reply.toolName().length() + write(reply.toolInput()).length() + 40;
    }
    return Math.max(1, chars / 4);
  }

  private static ObjectNode usage(MessagesRequest request, int outputTokens) {
    ObjectNode usage = JSON.createObjectNode();
    usage.put("input_tokens", estimateTokens(request.recorded().bodyLength()));
    usage.put("cache_creation_input_tokens", 0);
    usage.put("cache_read_input_tokens", 0);
    usage.put("output_tokens", outputTokens);
    usage.put("service_tier", "standard");
    return usage;
  }

  private static List<String> split(String text, int size) {
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i < text.length(); ) {
      int end = Math.min(text.length(), i + size);
      // Never cut a surrogate pair: each delta must be valid UTF-16 on its own.
      if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
        end++;
      }
      pieces.add(text.substring(i, end));
      i = end;
    }
    if (pieces.isEmpty()) {
      pieces.add("");
    }
    return pieces;
  }

  private static String event(String name, JsonNode data) {
    return "event: " + name + "\ndata: " + write(data) + "\n\n";
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
