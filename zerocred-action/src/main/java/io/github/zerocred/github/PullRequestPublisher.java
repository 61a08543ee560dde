package io.github.zerocred.github;

import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.run.RunResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Delivers a review to its pull request from the action's own process (the GitHub token never
 * enters Claude's container): structured findings as a pull request review with comments on the
 * diff's lines, a plain-text review as a comment. In {@code sticky} mode it updates what this job
 * posted before, and only what the token's own account wrote: anyone can copy a marker.
 */
public final class PullRequestPublisher {
  private final GitHubApi github;
  private final WorkflowCommands wf;
  private final ActionInputs inputs;
  private final Map<String, String> env;
  // Who the token acts as, learnt beside the review (prepare()); null until asked.
  private CompletableFuture<Optional<String>> identity;

  /**
   * @param env the runner's environment, for the job's name and the link to the workflow run
   */
  public PullRequestPublisher(
      GitHubApi github, WorkflowCommands wf, ActionInputs inputs, Map<String, String> env) {
    this.github = github;
    this.wf = wf;
    this.inputs = inputs;
    this.env = env;
  }

  /**
   * Starts learning, on a thread of its own, what the delivery can know before the review exists:
   * who the token acts as (sticky mode). Called before the review runs, it takes that round trip
   * (and the HTTP client's first connection) off the way from the review to its post; optional.
   */
  public PullRequestPublisher prepare() {
    if (sticky() && identity == null) {
      CompletableFuture<Optional<String>> learning = new CompletableFuture<>();
      Thread thread =
          new Thread(
              () -> {
                try {
                  learning.complete(identity());
                } catch (Throwable e) {
                  learning.completeExceptionally(e);
                }
              },
              "zerocred-github-identity");
      thread.setDaemon(true); // publish() waits for it; nothing else does
      identity = learning;
      thread.start();
    }
    return this;
  }

  /**
   * Posts the review to the event's pull request.
   *
   * @return the review's or the comment's URL
   * @throws GitHubApi.GitHubException when GitHub refuses
   */
  public String publish(GitHubEvent event, RunResult result, ReviewFindings findings) {
    return findings.structured() ? postReview(event, result, findings) : postComment(event, result);
  }

  private String postComment(GitHubEvent event, RunResult result) {
    String marker = marker();
    String body = commentBody(marker, result);
    String repository = event.repository();
    int number = event.pullRequest().get();
    Optional<String> me = me();
    if (me.isPresent()) {
      Optional<GitHubApi.Comment> earlier =
          github.comments(repository, number).stream()
              .filter(c -> c.author().equalsIgnoreCase(me.get()))
              .filter(c -> c.body().startsWith(marker))
              .reduce((first, second) -> second);
      if (earlier.isPresent()) {
        try {
          return github.updateComment(repository, earlier.get().id(), body).htmlUrl();
        } catch (GitHubApi.GitHubException e) {
          if (e.status() != 403 && e.status() != 404) {
            throw e;
          }
          // Someone else's comment that copied the marker, or deleted meanwhile: post anew.
        }
      }
    }
    return github.createComment(repository, number, body).htmlUrl();
  }

  /** Posts structured findings as a pull request review with comments on the diff's lines. */
  private String postReview(GitHubEvent event, RunResult result, ReviewFindings findings) {
    String repository = event.repository();
    int number = event.pullRequest().get();
    String head = event.headSha().orElse("");
    Optional<String> me = me();
    boolean sticky = me.isPresent();
    DiffLines diff = DiffLines.of(github.pullRequestFiles(repository, number));
    // Only the token's own comments are ever edited or resolved: anyone can copy a marker.
    List<GitHubApi.ReviewComment> earlier =
        sticky
            ? github.reviewComments(repository, number).stream()
                .filter(c -> c.author().equalsIgnoreCase(me.get()))
                .toList()
            : List.of();
    PullRequestReview.Plan plan =
        PullRequestReview.plan(findings, diff, earlier, sticky, head, inputs.maxInlineComments());
    return new PullRequestReview(marker(), me.orElse(null))
        .post(github, repository, number, head, findings, plan, sticky, footer(result));
  }

  /** Who the token acts as in sticky mode (as prepare() learnt it, or asked now); else empty. */
  private Optional<String> me() {
    if (!sticky()) {
      return Optional.empty();
    }
    if (identity == null) {
      return identity();
    }
    try {
      return identity.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private boolean sticky() {
    return inputs.commentMode() == ActionInputs.CommentMode.STICKY;
  }

  /**
   * Who the token acts as, so that sticky mode touches only what that account wrote; when GitHub
   * does not say, this run posts anew rather than risk editing someone else's comment.
   */
  private Optional<String> identity() {
    try {
      return Optional.of(github.viewerLogin());
    } catch (GitHubApi.GitHubException e) {
      wf.warning(
          "comment_mode sticky: cannot learn which account github_token acts as ("
              + e.getMessage()
              + "), so this run posts a new review instead of updating an earlier one");
      return Optional.empty();
    }
  }

  /** Marks this job's comment, so that {@code sticky} finds and updates it. */
  private String marker() {
    String job = env.getOrDefault("GITHUB_JOB", "").replaceAll("[^A-Za-z0-9_.-]", "");
    return "<!-- zerocred-review" + (job.isEmpty() ? "" : ":" + job) + " -->";
  }

  private String commentBody(String marker, RunResult result) {
    return GitHubText.withFooter(
        marker + "\n### Claude Code review\n\n" + result.resultText().strip() + "\n\n",
        footer(result));
  }

  /** The small print under a review: turns, cost, time and a link to the workflow run. */
  private String footer(RunResult result) {
    String run = "";
    String server = env.get("GITHUB_SERVER_URL");
    String runId = env.get("GITHUB_RUN_ID");
    String repository = env.get("GITHUB_REPOSITORY");
    if (server != null && runId != null && repository != null) {
      run = " · [run](" + server + "/" + repository + "/actions/runs/" + runId + ")";
    }
    return "<sub>zerocred · "
        + String.format(
            Locale.ROOT,
            "%d turn(s) · $%.4f · %.1f s",
            result.numTurns(),
            result.costUsd(),
            result.durationMs() / 1000.0)
        + run
        + "</sub>\n";
  }
}
