package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.InvalidConfigurationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StructuredOutputTest {
  @TempDir Path workspace;

  private RunConfig.Builder config() {
    return RunConfig.builder()
        .workspace(workspace)
        .prompt("review")
        .credential(
            Credentials.anthropicFromEnvironment(
                Map.of(Credentials.OAUTH_VARIABLE, "sk-ant-oat01-structured-output-test")));
  }

  @Test
  void jsonSchema_isOptional_andMustBeAJsonObject() {
    assertThat(config().build().jsonSchema()).isEmpty();
    assertThat(config().jsonSchema("{\"type\":\"object\"}").build().jsonSchema())
        .contains("{\"type\":\"object\"}");
    assertThatThrownBy(() -> config().jsonSchema("[1]").build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("jsonSchema must be a JSON schema");
    assertThatThrownBy(() -> config().jsonSchema("{oops").build())
        .isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void structuredOutput_comesFromTheResultEvent() {
    assertThat(
            result("{\"type\":\"result\",\"structured_output\":{\"findings\":[]}}")
                .structuredOutput())
        .contains("{\"findings\":[]}");
    assertThat(result("{\"type\":\"result\",\"structured_output\":null}").structuredOutput())
        .isEmpty();
    assertThat(result("{\"type\":\"result\"}").structuredOutput()).isEmpty();
    assertThat(result("not json").structuredOutput()).isEmpty();
    assertThat(result(null).structuredOutput()).isEmpty();
  }

  private static RunResult result(String raw) {
    return new RunResult(
        "r",
        RunResult.Outcome.SUCCESS,
        "",
        "",
        false,
        1,
        0,
        TokenUsage.NONE,
        0,
        Optional.empty(),
        Optional.ofNullable(raw),
        "",
        "",
        Optional.empty(),
        Duration.ZERO,
        Optional.empty());
  }
}
