package io.github.zerocred.github;

import io.github.zerocred.findings.FindingsFiles;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.review.ReviewFiles;
import io.github.zerocred.review.ReviewOutcome;
import io.github.zerocred.review.ReviewSetting;
import io.github.zerocred.run.RunResult;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the action reports, whatever happens: the step's outputs (every output {@code action.yml}
 * declares is set here), the step summary and the log lines; a produced review is delivered to its
 * pull request. The review is Claude's text and the summary may quote it: the log shows it with the
 * runner's commands stopped, the summary is scrubbed of secrets.
 */
public final class ActionReport {
  private final WorkflowCommands wf;
  private final SecretScrubber scrubber;
  private final Map<String, String> env;
  private final WorkflowCommands.Outputs outputs = new WorkflowCommands.Outputs();
  private final StringBuilder summary = new StringBuilder("### zerocred — Claude Code review\n\n");
  // Made by prepareDelivery, before the review runs; null when there is nothing to post.
  private PullRequestPublisher publisher;

  /**
   * @param env the runner's environment: where the outputs and the summary go, and the job's name
   *     and run for the review's footer
   */
  public ActionReport(WorkflowCommands wf, SecretScrubber scrubber, Map<String, String> env) {
    this.wf = Objects.requireNonNull(wf, "wf");
    this.scrubber = Objects.requireNonNull(scrubber, "scrubber");
    this.env = Map.copyOf(env);
  }

  /**
   * Starts what delivering the review can do before it exists (see {@link
   * PullRequestPublisher#prepare}), beside the review; call before it runs.
   */
  public void prepareDelivery(ActionContext context) {
    if (context.event().pullRequest().isPresent() && context.posting()) {
      publisher =
          new PullRequestPublisher(context.github().get(), wf, context.inputs(), env).prepare();
    }
  }

  /**
   * Reports a review that ran: its text in the log, the outputs, the summary; then delivers it to
   * the pull request (or says why not).
   *
   * @throws ActionFailure when the run produced no review, the review could not be posted, or
   *     findings reached {@code fail_on_severity}
   */
  public void reviewed(ActionContext context, ReviewOutcome outcome) {
    RunResult result = outcome.result();
    ReviewFindings findings = outcome.findings();
    findings.warnings().forEach(w -> wf.warning("zerocred findings: " + w));
    // Claude's text, as it is, with the runner's command processing stopped around it.
    String review = outcome.reviewText();
    if (!review.isBlank()) {
      wf.block(result.isSuccess() ? "The review" : "Claude Code's output", review);
    }
    outputs
        .set("result", result.resultText())
        .set("result_file", ActionContext.OUTPUT_DIR + "/" + ReviewFiles.REVIEW_MD)
        .set("findings_file", ActionContext.OUTPUT_DIR + "/" + FindingsFiles.FINDINGS_JSON)
        .set("sarif_file", ActionContext.OUTPUT_DIR + "/" + FindingsFiles.FINDINGS_SARIF)
        .set("cost_usd", String.format(Locale.ROOT, "%.6f", result.costUsd()))
        .set("num_turns", Integer.toString(result.numTurns()))
        .set("duration_ms", Long.toString(result.durationMs()))
        .set("session_id", result.sessionId().orElse(""))
        .set("run_id", result.runId());
    summary.append(GitHubText.summaryTable(result)).append('\n');
    if (outcome.failure().isPresent()) {
      throw ActionFailure.of(outcome.failure().get());
    }
    summary.append(findings.markdown()).append('\n');
    wf.line("[zerocred] " + outcome.summary() + "; review in " + outcome.files().reviewMarkdown());
    deliver(context, result, findings);
    Optional<String> verdict =
        outcome.verdictLine(context.names().of(ReviewSetting.FAIL_ON_SEVERITY));
    if (verdict.isPresent()) {
      throw new ActionFailure(
          "findings_over_threshold",
          "Findings at or above " + outcome.threshold().get().id(),
          verdict.get(),
          ActionFailure.Exit.RUNTIME_FAILURE);
    }
  }

  private void deliver(ActionContext context, RunResult result, ReviewFindings findings) {
    GitHubEvent event = context.event();
    if (event.pullRequest().isEmpty()) {
      wf.notice(
          "This "
              + (event.name().isEmpty() ? "run" : event.name() + " event")
              + " is not about a pull request: the review is in the step summary and the"
              + " outputs only");
    } else if (context.posting()) {
      String url;
      try {
        PullRequestPublisher p =
            publisher != null
                ? publisher
                : new PullRequestPublisher(context.github().get(), wf, context.inputs(), env);
        url = p.publish(event, result, findings);
      } catch (GitHubApi.GitHubException e) {
        throw ActionFailure.notPosted(event.pullRequest().get(), e);
      }
      outputs.set("comment_url", url);
      summary.append("\n[The review on the pull request](").append(url).append(")\n");
      wf.line("[zerocred] review posted: " + url);
    }
  }

  /** The action succeeded: a review was produced and delivered. */
  public void succeeded() {
    outputs.set("conclusion", "success");
  }

  /** The action failed: the conclusion, an error annotation and the summary say why. */
  public void failed(ActionFailure f) {
    outputs.set("conclusion", f.conclusion());
    wf.error(f.title(), f.getMessage());
    summary.append("\n**❌ ").append(f.title()).append(":** ").append(f.getMessage()).append('\n');
  }

  /** Writes the outputs and the summary where the runner reads them. */
  public void writeStepFiles() {
    wf.writeStepFiles(env, outputs, scrubber.scrub(summary.toString()));
  }
}
