package io.github.zerocred.proxy.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.github.zerocred.proxy.ApiPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the JSON body of a Messages (or {@code count_tokens}) request before it goes upstream with
 * the credential. Hostile input: the whole body, written by whatever drives the agent.
 *
 * <p>Refused by type and key, so that a harmless key the next Claude Code release adds still
 * passes: server tools that make Anthropic's servers reach outside the machine ({@code
 * web_search_*} unless allowed, {@code web_fetch_*}, {@code code_execution_*}, and any typed tool
 * that is not a client tool with an {@code input_schema}), {@code mcp_servers} (Anthropic connects
 * to any URL given), {@code container} (server-side code execution state), a key given twice (which
 * copy upstream honours is not ours to guess), and optionally a model outside the pinned family or
 * a {@code max_tokens} above the cap.
 *
 * <p>Parsed as a stream, with Jackson's streaming parser only (the proxy never loads
 * jackson-databind): {@code tools} entries are walked for the two keys that matter; {@code
 * messages}, the bulk of a large context, is skipped token by token without building strings.
 */
public final class MessagesBodyPolicy {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
  private static final int MAX_TOOLS = 1024;

  /** The key set of an array on the walk's stack: arrays have no keys. */
  private static final Set<String> ARRAY = Set.of();

  private final ApiPolicy policy;

  public MessagesBodyPolicy(ApiPolicy policy) {
    this.policy = policy;
  }

  /** The outcome of a check: a refusal, or the model the request names (for pricing). */
  public record Verdict(Optional<Refusal> refusal, Optional<String> model) {
    static Verdict refuse(Refusal r) {
      return new Verdict(Optional.of(r), Optional.empty());
    }
  }

  /** Checks one complete body; the stream is read to its end and not closed. */
  public Verdict check(InputStream body) {
    String model = null;
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Verdict.refuse(Refusal.invalid("body_not_json", "the body must be a JSON object"));
      }
      Set<String> seen = new HashSet<>();
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (!seen.add(key)) {
          return Verdict.refuse(
              Refusal.invalid("duplicate_key", "the key '" + printable(key) + "' appears twice"));
        }
        JsonToken value = p.nextToken();
        Refusal refusal = null;
        switch (key) {
          case "tools" -> refusal = checkTools(p, value);
          case "mcp_servers" -> refusal = absentOrEmpty(p, value, "mcp_servers_not_allowed");
          case "container" -> refusal = absentOrEmpty(p, value, "container_not_allowed");
          case "model" -> {
            if (value == JsonToken.VALUE_STRING) {
              model = p.getText();
              refusal = checkModel(model);
            } else {
              p.skipChildren();
            }
          }
          case "max_tokens" -> refusal = checkMaxTokens(p, value);
          case "messages", "system" -> refusal = checkContent(p, value);
          default -> p.skipChildren();
        }
        if (refusal != null) {
          return Verdict.refuse(refusal);
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return Verdict.refuse(
            Refusal.invalid("body_not_json", "the body must be exactly one JSON object"));
      }
    } catch (IOException e) {
      // Jackson's message may quote the body; the client wrote it, but keep the answer short.
      return Verdict.refuse(Refusal.invalid("body_not_json", "the body is not valid JSON"));
    }
    return new Verdict(Optional.empty(), Optional.ofNullable(model));
  }

  /**
   * Content blocks whose {@code source} is a URL make Anthropic's servers fetch it (a way out, with
   * whatever the agent puts in the URL); a {@code file} source reads what the account's Files API
   * holds. Claude Code sends neither: it inlines images and documents as base64. Walked token by
   * token, without building the text.
   */
  private static Refusal checkContent(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT && value != JsonToken.START_ARRAY) {
      return null;
    }
    int depth = 1;
    boolean afterType = false;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IOException("truncated");
      }
      switch (t) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        case VALUE_STRING -> {
          if (afterType) {
            String type = p.getText();
            if (type.equals("url") || type.equals("file")) {
              return Refusal.permission(
                  "remote_source_not_allowed",
                  "content with a '"
                      + type
                      + "' source is not allowed: the API would fetch it from outside this run;"
                      + " send it inline (base64 or text)");
            }
          }
        }
        default -> {}
      }
      afterType = t == JsonToken.FIELD_NAME && "type".equals(p.currentName());
    }
    return null;
  }

  private Refusal checkTools(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.START_ARRAY) {
      return Refusal.invalid("tool_not_allowed", "tools must be an array");
    }
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT || ++n > MAX_TOOLS) {
        return Refusal.invalid("tool_not_allowed", "each tool must be an object");
      }
      Refusal r = checkTool(p);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  /**
   * One tool object, the parser on its {@code START_OBJECT}; returns with the parser on its end. A
   * tool naming a key twice, at any depth, could be read one way here and the other way upstream:
   * it fails the whole body as not valid JSON. Top-level keys are checked for duplicates in {@link
   * #check}; the skipped bulk is not (it costs time).
   */
  private Refusal checkTool(JsonParser p) throws IOException {
    JsonToken type = null; // absent
    String typeText = null;
    boolean inputSchema = false;
    Deque<Set<String>> keys = new ArrayDeque<>();
    keys.push(new HashSet<>());
    while (!keys.isEmpty()) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IOException("truncated");
      }
      switch (t) {
        case FIELD_NAME -> {
          String name = p.currentName();
          if (!keys.peek().add(name)) {
            throw new IOException("duplicate key");
          }
          if (keys.size() == 1) {
            JsonToken value = p.nextToken();
            if (name.equals("type")) {
              type = value;
              typeText = value == JsonToken.VALUE_STRING ? p.getText() : null;
            } else if (name.equals("input_schema")) {
              inputSchema = value == JsonToken.START_OBJECT;
            }
            if (value == JsonToken.START_OBJECT) {
              keys.push(new HashSet<>());
            } else if (value == JsonToken.START_ARRAY) {
              keys.push(ARRAY);
            }
          }
        }
        case START_OBJECT -> keys.push(new HashSet<>());
        case START_ARRAY -> keys.push(ARRAY);
        case END_OBJECT, END_ARRAY -> keys.pop();
        default -> {}
      }
    }
    boolean client = type == null || type == JsonToken.VALUE_NULL || "custom".equals(typeText);
    if (client) {
      if (inputSchema) {
        return null;
      }
      return Refusal.permission(
          "tool_not_allowed",
          "a tool without a type must be a client tool with an input_schema; zerocred refuses"
              + " anything else the API might run on its own servers");
    }
    String name = typeText != null ? typeText : "";
    if (name.startsWith("web_search_") && policy.allowWebSearch()) {
      return null;
    }
    return Refusal.permission(
        "server_tool_not_allowed",
        "the tool type '"
            + printable(name)
            + "' is not allowed: server tools reach outside this run's sandbox"
            + (name.startsWith("web_search_") ? " (web search can be allowed explicitly)" : ""));
  }

  private static Refusal absentOrEmpty(JsonParser p, JsonToken value, String reason)
      throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if ((value == JsonToken.START_ARRAY && p.nextToken() == JsonToken.END_ARRAY)
        || (value == JsonToken.START_OBJECT && p.nextToken() == JsonToken.END_OBJECT)) {
      return null;
    }
    String key = reason.substring(0, reason.indexOf("_not_allowed"));
    return Refusal.permission(
        reason, key + " is not allowed: it makes the API reach outside this run's sandbox");
  }

  private Refusal checkModel(String model) {
    if (policy.modelFamily().isEmpty()) {
      return null;
    }
    String family = policy.modelFamily().get();
    String m = model.toLowerCase(Locale.ROOT);
    if (m.equals(family) || m.startsWith(family + "-")) {
      return null;
    }
    return Refusal.permission(
        "model_not_allowed",
        "the model '" + printable(model) + "' is outside the allowed family " + family);
  }

  private Refusal checkMaxTokens(JsonParser p, JsonToken value) throws IOException {
    if (policy.maxTokens().isEmpty()) {
      p.skipChildren();
      return null;
    }
    int cap = policy.maxTokens().getAsInt();
    if (value != JsonToken.VALUE_NUMBER_INT
        || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() > cap) {
      return Refusal.permission(
          "max_tokens_too_large", "max_tokens must be an integer of at most " + cap);
    }
    return null;
  }

  /** Attacker text goes back to the attacker only, but never as control characters. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 64; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
    }
    return b.toString();
  }
}
