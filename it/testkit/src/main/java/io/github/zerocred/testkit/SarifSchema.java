package io.github.zerocred.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The official SARIF 2.1.0 schema (vendored beside this class, see its NOTICE), as a validator. */
public final class SarifSchema {
  private static final JsonSchema SCHEMA = load();

  private SarifSchema() {}

  /** The schema's complaints about {@code log}; empty when it is valid SARIF 2.1.0. */
  public static List<String> problems(JsonNode log) {
    return SCHEMA.validate(log).stream().map(ValidationMessage::getMessage).sorted().toList();
  }

  private static JsonSchema load() {
    try (InputStream in = SarifSchema.class.getResourceAsStream("sarif-schema-2.1.0.json")) {
      if (in == null) {
        throw new IllegalStateException("sarif-schema-2.1.0.json is not on the test classpath");
      }
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
