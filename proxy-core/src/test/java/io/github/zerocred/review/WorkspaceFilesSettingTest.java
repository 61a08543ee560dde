package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.workspace.WorkspaceFiles;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workspace files setting goes through the review step, named in the front end's words. */
class WorkspaceFilesSettingTest {
  private static ReviewRequest.Builder request() {
    return ReviewRequest.builder()
        .workspace(Path.of("."))
        .timeout("1m")
        .credential(
            Credential.anthropic("sk-ant-oat01-" + "a".repeat(80), "CLAUDE_CODE_OAUTH_TOKEN"))
        .names(s -> "<" + s.name() + ">")
        .environment(Map.of("HOME", "/nonexistent"))
        .listener(line -> {})
        .files(() -> null);
  }

  @Test
  void default_isTrackedFiles_andBothValuesParseInAnyCase() {
    assertThat(request().build().workspaceFiles()).isEqualTo(WorkspaceFiles.TRACKED);
    assertThat(request().workspaceFiles(" ").build().workspaceFiles())
        .isEqualTo(WorkspaceFiles.TRACKED);
    assertThat(request().workspaceFiles("ALL").build().workspaceFiles())
        .isEqualTo(WorkspaceFiles.ALL);
    assertThat(request().workspaceFiles(" tracked ").build().workspaceFiles())
        .isEqualTo(WorkspaceFiles.TRACKED);
  }

  @Test
  void anUnknownValue_isRefused_namingTheSettingAndTheChoices() {
    assertThatThrownBy(() -> request().workspaceFiles("everything").build())
        .isInstanceOfSatisfying(
            ReviewSettingException.class,
            e -> assertThat(e.setting()).isEqualTo(ReviewSetting.WORKSPACE_FILES))
        .hasMessageStartingWith("<WORKSPACE_FILES>: 'everything' is not a choice")
        .hasMessageContaining("use tracked or all");
  }
}
