package io.github.zerocred.findings;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON schema Claude Code is given with {@code --json-schema}, generated from {@link Finding}'s
 * components: {@code {"summary": "...", "findings": [Finding...]}}. Claude Code offers it to the
 * model as the input of a {@code StructuredOutput} tool and validates the answer against it.
 */
public final class FindingsSchema {
  /** What the model reads about each field; every component of {@link Finding} needs one. */
  static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "file",
          "Path of the file relative to the repository root, with / separators, e.g."
              + " src/main/java/Foo.java",
          "startLine",
          "First line of the problem (1-based) in the file as it is now",
          "endLine",
          "Last line of the problem; equal to startLine for a single line",
          "severity",
          "How bad it is: critical (exploitable or data-destroying), high (a real bug users will"
              + " hit), medium, low, info (a remark)",
          "category",
          "What kind of problem it is",
          "title",
          "One line saying what is wrong",
          "explanation",
          "Why it is wrong and how to fix it, in Markdown",
          "suggestion",
          "Optional: the exact replacement text for lines startLine to endLine, without"
              + " Markdown fences");

  /** What the built-in review prompt adds when it asks for findings through the schema. */
  public static final String PROMPT =
      " Give your answer through the structured output: a short overall verdict in summary, and"
          + " one entry in findings per problem, with the file's path relative to the repository"
          + " root and the line numbers in the file as it is now (HEAD); findings is an empty"
          + " array when there is nothing worth reporting.";

  private static final JsonMapper JSON = new JsonMapper();
  private static final String SCHEMA = generate().toString();

  private FindingsSchema() {}

  /** The schema as compact JSON, ready for {@code --json-schema}. */
  public static String json() {
    return SCHEMA;
  }

  static ObjectNode generate() {
    ObjectNode root = JSON.createObjectNode();
    root.put("type", "object");
    ObjectNode properties = root.putObject("properties");
    properties
        .putObject("summary")
        .put("type", "string")
        .put(
            "description",
            "The review's overall verdict in a few sentences of Markdown; no list of the"
                + " findings (they go in findings)");
    properties
        .putObject("findings")
        .put("type", "array")
        .put(
            "description",
            "Every problem found, most severe first; an empty array when there is nothing to"
                + " report")
        .set("items", recordSchema(Finding.class));
    root.putArray("required").add("summary").add("findings");
    root.put("additionalProperties", false);
    return root;
  }

  private static ObjectNode recordSchema(Class<? extends Record> type) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", "object");
    ObjectNode properties = node.putObject("properties");
    ArrayNode required = JSON.createArrayNode();
    for (RecordComponent c : type.getRecordComponents()) {
      String description = DESCRIPTIONS.get(c.getName());
      if (description == null) {
        throw new IllegalStateException(
            type.getSimpleName() + "." + c.getName() + " has no description in FindingsSchema");
      }
      Class<?> raw = c.getType();
      boolean optional = raw == Optional.class;
      if (optional) {
        raw = typeArgument(c.getGenericType());
      }
      ObjectNode property = properties.putObject(c.getName());
      typeOf(raw, property, type.getSimpleName() + "." + c.getName());
      property.put("description", description);
      if (!optional) {
        required.add(c.getName());
      }
    }
    node.set("required", required);
    node.put("additionalProperties", false);
    return node;
  }

  private static void typeOf(Class<?> raw, ObjectNode property, String where) {
    if (raw == String.class) {
      property.put("type", "string");
    } else if (raw == int.class || raw == Integer.class) {
      property.put("type", "integer").put("minimum", 1);
    } else if (raw.isEnum()) {
      property.put("type", "string");
      ArrayNode values = property.putArray("enum");
      Arrays.stream(raw.getEnumConstants()).map(FindingsSchema::enumId).forEach(values::add);
    } else {
      throw new IllegalStateException(where + " has a type the schema cannot say: " + raw);
    }
  }

  private static String enumId(Object constant) {
    if (constant instanceof Severity s) {
      return s.id();
    }
    if (constant instanceof Category c) {
      return c.id();
    }
    throw new IllegalStateException("no id for " + constant);
  }

  private static Class<?> typeArgument(Type generic) {
    if (generic instanceof ParameterizedType p
        && p.getActualTypeArguments()[0] instanceof Class<?> c) {
      return c;
    }
    throw new IllegalStateException("cannot read the type argument of " + generic);
  }
}
