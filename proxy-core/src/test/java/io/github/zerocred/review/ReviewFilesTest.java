package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReviewFilesTest {
  @TempDir Path dir;

  @Test
  void prepare_removesAnEarlierReview_andStartsAnEmptyAuditLog() throws IOException {
    Path out = dir.resolve("a/b");
    Files.createDirectories(out);
    Files.writeString(out.resolve("review.md"), "old");
    Files.writeString(out.resolve("audit.jsonl"), "old");

    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(out, dir, "outputDir"));

    assertThat(files.reviewMarkdown()).doesNotExist();
    assertThat(files.auditLog()).isEmptyFile();
    assertThat(files.directory()).isDirectory();
  }

  @Test
  void write_success_leavesTheReviewTheResultAndAnAuditLog() throws IOException {
    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(dir, null, "outputDir"));

    files.write(ProgressLinesTest.result(RunResult.Outcome.SUCCESS, "done"));

    assertThat(files.reviewMarkdown()).hasContent("All good.\n");
    assertThat(files.resultJson())
        .content()
        .contains("\"outcome\" : \"SUCCESS\"")
        .contains("\"sessionId\" : \"session\"")
        .contains("\"numTurns\" : 3");
    assertThat(files.auditLog()).exists();
  }

  @Test
  void write_failure_saysWhyThereIsNoReview() throws IOException {
    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(dir, null, "outputDir"));

    files.write(ProgressLinesTest.result(RunResult.Outcome.TIMED_OUT, "killed after 1m"));

    assertThat(files.reviewMarkdown()).hasContent("_No review was produced: killed after 1m_\n");
    assertThat(files.resultJson()).content().contains("\"TIMED_OUT\"");
  }

  @Test
  void writeNotRun_leavesAllThreeFilesWithTheReason() throws IOException {
    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(dir, null, "outputDir"));

    files.writeNotRun("timeout must be positive");

    assertThat(files.reviewMarkdown()).content().contains("timeout must be positive");
    assertThat(files.resultJson()).content().contains("\"outcome\" : \"NOT_RUN\"");
    assertThat(files.auditLog()).exists().isEmptyFile();
  }
}
