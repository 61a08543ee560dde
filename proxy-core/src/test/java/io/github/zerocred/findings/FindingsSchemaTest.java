package io.github.zerocred.findings;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FindingsSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void schema_hasAPropertyForEveryComponentOfFinding_requiredUnlessOptional() throws Exception {
    JsonNode item = JSON.readTree(FindingsSchema.json()).at("/properties/findings/items");

    List<String> names = new ArrayList<>();
    List<String> required = new ArrayList<>();
    for (RecordComponent c : Finding.class.getRecordComponents()) {
      names.add(c.getName());
      if (c.getType() != Optional.class) {
        required.add(c.getName());
      }
      assertThat(item.at("/properties/" + c.getName() + "/description").asText())
          .as(c.getName())
          .isNotBlank();
    }
    List<String> properties = new ArrayList<>();
    item.path("properties").fieldNames().forEachRemaining(properties::add);
    assertThat(properties).containsExactlyElementsOf(names);
    assertThat(item.path("required"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(required);
    assertThat(item.path("required")).extracting(JsonNode::asText).doesNotContain("suggestion");
    assertThat(item.path("additionalProperties").asBoolean(true)).isFalse();
  }

  @Test
  void schema_enumsAreTheSeverityAndCategoryIds() throws Exception {
    JsonNode item = JSON.readTree(FindingsSchema.json()).at("/properties/findings/items");

    assertThat(item.at("/properties/severity/enum"))
        .extracting(JsonNode::asText)
        .containsExactly("critical", "high", "medium", "low", "info");
    assertThat(item.at("/properties/category/enum"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(Arrays.stream(Category.values()).map(Category::id).toList())
        .contains("security", "error-handling");
    assertThat(item.at("/properties/startLine/type").asText()).isEqualTo("integer");
  }

  @Test
  void schema_acceptsAWellFormedAnswer_andRefusesOneWithoutRequiredFields() throws Exception {
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(FindingsSchema.json());

    JsonNode good =
        JSON.readTree(
            """
            {"summary": "One bug.", "findings": [{"file": "src/A.java", "startLine": 3,
             "endLine": 4, "severity": "high", "category": "bug", "title": "Divides by zero",
             "explanation": "p / 0 throws.", "suggestion": "return p;"}]}
            """);
    JsonNode missingTitle =
        JSON.readTree(
            """
            {"summary": "", "findings": [{"file": "src/A.java", "startLine": 3, "endLine": 3,
             "severity": "urgent", "category": "bug", "explanation": ""}]}
            """);

    assertThat(schema.validate(good)).isEmpty();
    assertThat(schema.validate(JSON.readTree("{\"summary\": \"Fine.\", \"findings\": []}")))
        .isEmpty();
    assertThat(schema.validate(missingTitle))
        .extracting(m -> m.getMessage())
        .anySatisfy(m -> assertThat(m).contains("title"))
        .anySatisfy(m -> assertThat(m).contains("severity"));
  }

  @Test
  void schema_isCompactJson_forTheCommandLine() {
    assertThat(FindingsSchema.json()).doesNotContain("\n").startsWith("{\"type\":\"object\"");
  }
}
