package io.github.zerocred.runnerimage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunnerImageRecipeTest {
  private static final String BASE = "sha256:" + "a".repeat(64);

  @Test
  void theTag_followsEveryInput() {
    String tag = RunnerImageRecipe.tag("2.1.330", RunnerImageRecipe.inputs("2.1.330", "x64", BASE));
    assertThat(tag).matches("zerocred-runner:2\\.1\\.330-[0-9a-f]{12}");
    assertThat(RunnerImageRecipe.tag("2.1.330", RunnerImageRecipe.inputs("2.1.330", "x64", BASE)))
        .as("the same inputs, the same tag")
        .isEqualTo(tag);
    assertThat(RunnerImageRecipe.tag("2.1.331", RunnerImageRecipe.inputs("2.1.331", "x64", BASE)))
        .isNotEqualTo(tag);
    assertThat(RunnerImageRecipe.tag("2.1.330", RunnerImageRecipe.inputs("2.1.330", "arm64", BASE)))
        .isNotEqualTo(tag);
    assertThat(
            RunnerImageRecipe.tag(
                "2.1.330", RunnerImageRecipe.inputs("2.1.330", "x64", "sha256:" + "b".repeat(64))))
        .isNotEqualTo(tag);
  }

  @Test
  void theRecipe_hasNoNodeAndTheRunnersShape() {
    String dockerfile = RunnerImageRecipe.dockerfile();
    assertThat(dockerfile)
        .contains("COPY claude /usr/local/bin/claude")
        .contains("--uid 1000")
        .contains("/home/claude")
        .contains("WORKDIR /workspace")
        .contains("USER claude")
        .contains("zerocred.image=\"runner\"")
        .contains("zerocred.claude-code.version=")
        .doesNotContain("npm install")
        .doesNotContain("nodejs");
    // The base's id is recorded in a label: its ARG must be declared again after FROM.
    assertThat(dockerfile.substring(dockerfile.indexOf("FROM ${BASE_IMAGE}")))
        .contains("ARG BASE_IMAGE\n")
        .contains("zerocred.runner.base-id=\"${BASE_IMAGE}\"");
  }
}
