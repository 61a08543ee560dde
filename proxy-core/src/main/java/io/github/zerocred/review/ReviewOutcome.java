package io.github.zerocred.review;

import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.findings.Severity;
import io.github.zerocred.run.RunResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collector;
import java.util.stream.Collectors;

/**
 * What a review produced: the run's result, its findings, the files written, the findings at or
 * above the front end's threshold, and why there is no review when there is none.
 *
 * @param result the run's result
 * @param findings the findings (structured or a plain-text review)
 * @param files the files written
 * @param threshold the request's {@code failOnSeverity}, if any
 * @param overThreshold the findings at or above {@code threshold}
 * @param failure why the run produced no review, when it did not succeed
 */
public record ReviewOutcome(
    RunResult result,
    ReviewFindings findings,
    ReviewFiles files,
    Optional<Severity> threshold,
    List<Finding> overThreshold,
    Optional<ReviewFailure> failure) {

  public ReviewOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(findings, "findings");
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(threshold, "threshold");
    overThreshold = List.copyOf(overThreshold);
    Objects.requireNonNull(failure, "failure");
  }

  public boolean isSuccess() {
    return result.isSuccess();
  }

  /** Whether the run was stopped on request (a signal, a cancelled job) rather than failing. */
  public boolean isCancelled() {
    return failure.map(f -> f.kind() == ReviewFailure.Kind.CANCELLED).orElse(false);
  }

  /** One line for the log: outcome, turns, cost, duration and tokens. */
  public String summary() {
    return ProgressLines.summary(result);
  }

  /** The review to show: the findings as Markdown, or Claude's own text when the run failed. */
  public String reviewText() {
    return result.isSuccess() ? findings.markdown() : result.resultText();
  }

  /**
   * The severity verdict, when findings reach the threshold, for a log that takes several lines (a
   * build's failure): how many, the threshold with the front end's name for it, then each finding's
   * location, {@code [severity]} and title on a line of its own. A build log mixes many tools'
   * failures, so the message names zerocred. Locations and titles are Claude's text: the front end
   * makes the message inert for its medium.
   *
   * @param setting how the front end calls the threshold, e.g. {@code failOnSeverity}
   */
  public Optional<String> verdict(String setting) {
    return verdict(
        " zerocred finding(s) at or above ",
        setting,
        Collectors.joining("", ":", ""),
        f -> "\n  " + f.location() + " [" + f.severity().id() + "] " + f.title());
  }

  /**
   * {@link #verdict} on one line, for a medium whose failures are zerocred's own (an exit message,
   * an error annotation): the findings as location, severity and title, separated by {@code "; "}.
   */
  public Optional<String> verdictLine(String setting) {
    return verdict(
        " finding(s) at or above ",
        setting,
        Collectors.joining("; ", ": ", ""),
        f -> f.location() + " " + f.severity().id() + " " + f.title());
  }

  private Optional<String> verdict(
      String counted,
      String setting,
      Collector<CharSequence, ?, String> join,
      Function<Finding, String> item) {
    if (overThreshold.isEmpty()) {
      return Optional.empty();
    }
    String at = threshold.map(Severity::id).orElse("the threshold");
    return Optional.of(
        overThreshold.size()
            + counted
            + setting
            + " "
            + at
            + overThreshold.stream().map(item).collect(join));
  }
}
