package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.run.Cancellation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the review step does before it starts a run: no Docker needed. */
class ReviewJobTest {
  private static final Credential TOKEN =
      Credential.anthropic("sk-ant-oat01-" + "a".repeat(80) + "AA", "test");

  @TempDir Path dir;

  @Test
  void preparedFiles_aRequestThatCannotBeMade_leaveReviewMdSayingWhy_andTheFailureIsThrown()
      throws IOException {
    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(dir.resolve("out"), dir, "out"));
    InvalidConfigurationException noCredential =
        new InvalidConfigurationException("No Anthropic credential: set one");

    assertThatThrownBy(
            () ->
                ReviewJob.run(
                    files,
                    () -> {
                      throw noCredential;
                    },
                    Cancellation.create()))
        .isSameAs(noCredential);
    assertThat(files.reviewMarkdown())
        .hasContent("_No review was produced: No Anthropic credential: set one_\n");
    assertThat(files.resultJson()).content().contains("\"NOT_RUN\"");
    assertThat(files.auditLog()).exists();
  }

  @Test
  void preparedFiles_aRefusedSetting_leaveReviewMdNamingIt() throws IOException {
    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(dir.resolve("out"), dir, "out"));

    assertThatThrownBy(
            () ->
                ReviewJob.run(
                    files,
                    () -> request().maxTurns(0).files(() -> files).build(),
                    Cancellation.create()))
        .isInstanceOf(ReviewSettingException.class)
        .hasMessage("max turns must be at least 1, got 0");
    assertThat(files.reviewMarkdown()).content().contains("max turns must be at least 1, got 0");
  }

  @Test
  void outputDirectory_isOpenedOnlyOnceTheSettingsAreAccepted() throws IOException {
    Path out = dir.resolve("out");

    assertThatThrownBy(
            () ->
                ReviewJob.run(
                    request().maxTurns(0).outputDirectory(out).build(), Cancellation.create()))
        .isInstanceOf(ReviewSettingException.class);
    assertThat(out).doesNotExist();

    ReviewFiles files = request().outputDirectory(out).build().files().open();
    assertThat(files.directory()).isEqualTo(out);
    assertThat(files.auditLog()).isEmptyFile();
  }

  @Test
  void outputDirectoryThatIsALink_isRefusedNamingTheSettingAsTheFrontEndDoes() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(dir.resolve("out"), elsewhere);

    assertThatThrownBy(() -> request().outputDirectory(link).build().files().open())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("output directory");
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void maxBudgetUsdAsText_isParsedNamingTheSetting_andBlankIsNone() {
    assertThat(request().maxBudgetUsd("2.50").build().maxBudgetUsd())
        .isEqualByComparingTo(new BigDecimal("2.50"));
    assertThat(request().maxBudgetUsd(" ").build().maxBudgetUsd()).isNull();
    assertThatThrownBy(() -> request().maxBudgetUsd("five").build())
        .isInstanceOf(ReviewSettingException.class)
        .hasMessage("max budget usd must be an amount in US dollars like 2.50, got 'five'")
        .satisfies(
            e ->
                assertThat(((ReviewSettingException) e).setting())
                    .isEqualTo(ReviewSetting.MAX_BUDGET_USD));
  }

  /** A request with every setting named by its constant in words: {@code max turns}. */
  private ReviewRequest.Builder request() {
    return ReviewRequest.builder()
        .workspace(dir)
        .timeout("1m")
        .credential(TOKEN)
        .names(s -> s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
        .listener(line -> {})
        .files(
            () -> {
              throw new AssertionError("no files before the settings are accepted");
            });
  }
}
