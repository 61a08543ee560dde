package io.github.zerocred.review;

import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.run.RunResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a review produced: the run's result, its findings, the files written, the findings at or
 * above the front end's threshold, and why there is no review when there is none.
 *
 * @param result the run's result
 * @param findings the findings (structured or a plain-text review)
 * @param files the files written
 * @param overThreshold the findings at or above the request's {@code failOnSeverity}
 * @param failure why the run produced no review, when it did not succeed
 */
public record ReviewOutcome(
    RunResult result,
    ReviewFindings findings,
    ReviewFiles files,
    List<Finding> overThreshold,
    Optional<ReviewFailure> failure) {

  public ReviewOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(findings, "findings");
    Objects.requireNonNull(files, "files");
    overThreshold = List.copyOf(overThreshold);
    Objects.requireNonNull(failure, "failure");
  }

  public boolean isSuccess() {
    return result.isSuccess();
  }

  /** One line for the log: outcome, turns, cost, duration and tokens. */
  public String summary() {
    return ProgressLines.summary(result);
  }

  /** The review to show: the findings as Markdown, or Claude's own text when the run failed. */
  public String reviewText() {
    return result.isSuccess() ? findings.markdown() : result.resultText();
  }
}
