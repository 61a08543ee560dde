package io.github.zerocred.runnerimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClaudeCodeVersionTest {
  @ParameterizedTest
  @ValueSource(strings = {"2.1.330", "0.0.1", "10.20.30", "2.2.0-beta.1", "3.0.0-rc1"})
  void exactVersions_areAccepted(String version) {
    assertThat(ClaudeCodeVersion.check(version, "--claude-code-version")).isEqualTo(version);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "latest",
        "^2.1.0",
        "~2.1.0",
        "2.1",
        "2.1.x",
        ">=2.1.0",
        "2.1.330 || 3",
        "2.1.330; rm -rf /",
        "$(id)",
        "`id`",
        "2.1.330/../../etc",
        "../2.1.330",
        "2.1.330\n",
        "2.1.330 ",
        "2.1.330+build",
        "02.1.330",
        "2.1.330-",
        "2.1.330-a..b",
        "2.1.330:latest",
        ""
      })
  void anythingElse_isRefused_namingTheSetting(String version) {
    assertThatThrownBy(() -> ClaudeCodeVersion.check(version, "--claude-code-version"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("--claude-code-version must be an exact Claude Code version")
        .hasMessageNotContaining("\n");
  }

  @org.junit.jupiter.api.Test
  void aHugeVersion_isRefused_andQuotedOnlyInPart() {
    String huge = "1.2.3-" + "a".repeat(10_000);
    assertThatThrownBy(() -> ClaudeCodeVersion.check(huge, "claudeCodeVersion"))
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
  }
}
