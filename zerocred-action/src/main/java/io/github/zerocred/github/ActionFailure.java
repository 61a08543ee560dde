package io.github.zerocred.github;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.ReviewFailure;
import java.util.Objects;

/**
 * Why the action failed: the {@code conclusion} output, the error's title, the message, and which
 * kind of exit code it is. Messages can quote Claude's output or GitHub's answers: they reach the
 * runner only through {@link WorkflowCommands}, which makes them inert.
 */
public final class ActionFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * The {@code conclusion} of a cancelled job: never green, whatever {@code fail_on_error} says.
   */
  public static final String CANCELLED = ReviewFailure.Kind.CANCELLED.id();

  /** Which of zerocred's exit codes the failure is. */
  public enum Exit {
    /** An input is wrong. */
    USAGE,
    /** The Anthropic credential is missing, or Anthropic refused it. */
    CREDENTIALS,
    /** Claude, Docker, I/O or GitHub failed, or the findings reached the threshold. */
    RUNTIME_FAILURE
  }

  private final String conclusion;
  private final String title;
  private final Exit exit;

  ActionFailure(String conclusion, String title, String message, Exit exit) {
    super(message);
    this.conclusion = Objects.requireNonNull(conclusion, "conclusion");
    this.title = Objects.requireNonNull(title, "title");
    this.exit = Objects.requireNonNull(exit, "exit");
  }

  /** An input is wrong: the message names it. */
  static ActionFailure invalidInput(String title, String message) {
    return new ActionFailure("invalid_input", title, message, Exit.USAGE);
  }

  /** The review could not start: an input the review refused, or the disk. */
  public static ActionFailure notRun(Exception e) {
    return e instanceof InvalidConfigurationException
        ? invalidInput("Invalid input", e.getMessage())
        : infrastructure(e.getMessage());
  }

  static ActionFailure infrastructure(String message) {
    return new ActionFailure(
        "infrastructure_failure", "zerocred failed", message, Exit.RUNTIME_FAILURE);
  }

  /** The failure for a review that produced none, with what the user must do. */
  public static ActionFailure of(ReviewFailure failure) {
    String title =
        switch (failure.kind()) {
          case CREDENTIAL_REJECTED -> "Anthropic credential rejected";
          case TIMED_OUT -> "Claude Code timed out";
          case CANCELLED -> "Review cancelled";
          case BUDGET_EXCEEDED -> "Budget reached at the proxy";
          case INFRASTRUCTURE_FAILURE -> "zerocred could not run Claude Code";
          case CLAUDE_ERROR -> "Claude Code failed";
        };
    return new ActionFailure(
        failure.kind().id(),
        title,
        failure.message(),
        failure.kind() == ReviewFailure.Kind.CREDENTIAL_REJECTED
            ? Exit.CREDENTIALS
            : Exit.RUNTIME_FAILURE);
  }

  /** The review was produced but GitHub refused it, with the permission that is likely missing. */
  static ActionFailure notPosted(int number, GitHubApi.GitHubException e) {
    String hint =
        e.status() == 403 || e.status() == 401 || e.status() == 404
            ? " Give the job `permissions: pull-requests: write` (and `contents: read`); on"
                + " pull requests from forks GITHUB_TOKEN is read-only."
            : "";
    return new ActionFailure(
        "comment_failed",
        "Review not posted",
        "Claude Code produced a review (see the step summary), but it could not be posted to"
            + " pull request #"
            + number
            + ": "
            + e.getMessage()
            + "."
            + hint,
        Exit.RUNTIME_FAILURE);
  }

  /** The {@code conclusion} output: {@code invalid_input}, {@code timed_out}, ... */
  public String conclusion() {
    return conclusion;
  }

  /** The error annotation's title. */
  public String title() {
    return title;
  }

  public Exit exit() {
    return exit;
  }

  /** Whether the job was cancelled (a signal), rather than the review failing. */
  public boolean isCancelled() {
    return CANCELLED.equals(conclusion);
  }
}
