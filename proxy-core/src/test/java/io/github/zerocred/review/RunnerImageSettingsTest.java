package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The runner image's settings go through the review step, named in the front end's words. */
class RunnerImageSettingsTest {
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
  void defaults_areThePinnedVersionAndTheSlimDebianBase() {
    ReviewRequest r = request().build();
    assertThat(r.runnerImage().claudeCodeVersion())
        .isEqualTo(ReviewRequest.DEFAULT_CLAUDE_CODE_VERSION);
    assertThat(r.runnerImage().baseImage()).isEqualTo("debian:bookworm-slim");
    assertThat(r.runnerImage().npmRegistry()).isNull();
  }

  @Test
  void aVersionWithShellOrPathCharacters_isRefused_namingTheSetting() {
    for (String bad : new String[] {"latest", "2.1.330;id", "../2.1.330", "2.1.330 && id", "^2"}) {
      assertThatThrownBy(() -> request().claudeCodeVersion(bad).build())
          .as(bad)
          .isInstanceOfSatisfying(
              ReviewSettingException.class,
              e -> assertThat(e.setting()).isEqualTo(ReviewSetting.CLAUDE_CODE_VERSION))
          .hasMessageStartingWith("<CLAUDE_CODE_VERSION> must be an exact Claude Code version");
    }
  }

  @Test
  void aBaseImageThatIsNoReference_isRefused_namingTheSetting() {
    for (String bad : new String[] {"debian bookworm", "$(id)", "-debian", "a\nb"}) {
      assertThatThrownBy(() -> request().baseImage(bad).build())
          .as(bad)
          .isInstanceOfSatisfying(
              ReviewSettingException.class,
              e -> assertThat(e.setting()).isEqualTo(ReviewSetting.BASE_IMAGE))
          .hasMessageStartingWith("<BASE_IMAGE> must be an image reference");
    }
    assertThat(
            request()
                .baseImage("registry.corp.example:5000/base/debian:12@sha256:" + "a".repeat(64))
                .build()
                .runnerImage()
                .baseImage())
        .startsWith("registry.corp.example:5000/");
  }
}
