package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The {@code runtime} setting is checked before anything is opened, in the front end's words. */
class ReviewRuntimeSettingTest {
  private final AtomicBoolean opened = new AtomicBoolean();

  private ReviewRequest request(String runtime) {
    return ReviewRequest.builder()
        .workspace(Path.of("."))
        .timeout(Duration.ofMinutes(1))
        .credential(Credential.anthropic("sk-ant-oat01-" + "t".repeat(60), "test"))
        .names(setting -> setting == ReviewSetting.RUNTIME ? "--runtime" : setting.name())
        .listener(line -> {})
        .files(
            () -> {
              opened.set(true);
              throw new IllegalStateException("must not be opened");
            })
        .runtime(runtime)
        .build();
  }

  @Test
  void aRuntimeThatLooksLikeAnOptionOrAPath_isRefused_namingTheFrontEndsSetting() {
    for (String hostile : new String[] {"--privileged", "/usr/bin/runsc", "runsc;id", "a b"}) {
      assertThatThrownBy(() -> ReviewJob.check(request(hostile)))
          .as(hostile)
          .isInstanceOf(ReviewSettingException.class)
          .hasMessageStartingWith("--runtime must name a container runtime")
          .satisfies(
              e ->
                  assertThat(((ReviewSettingException) e).setting())
                      .isEqualTo(ReviewSetting.RUNTIME));
    }
    assertThat(opened).isFalse();
  }

  @Test
  void gvisorOrNoRuntime_isAccepted() {
    assertThatCode(() -> ReviewJob.check(request("runsc"))).doesNotThrowAnyException();
    assertThatCode(() -> ReviewJob.check(request(null))).doesNotThrowAnyException();
    assertThatCode(() -> ReviewJob.check(request(" "))).doesNotThrowAnyException();
  }
}
