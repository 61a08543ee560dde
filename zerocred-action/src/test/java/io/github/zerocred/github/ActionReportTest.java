package io.github.zerocred.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.findings.Severity;
import io.github.zerocred.review.OutputDirectory;
import io.github.zerocred.review.ReviewFailure;
import io.github.zerocred.review.ReviewFiles;
import io.github.zerocred.review.ReviewOutcome;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TokenUsage;
import io.github.zerocred.testkit.RunnerJob;
import io.github.zerocred.testkit.StandInGitHubApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The action's outputs, step summary and log for each way a review ends. */
class ActionReportTest {
  private static final String TOKEN = "sk-ant-oat01-" + "a".repeat(80) + "AA";

  @TempDir Path dir;

  private final StringWriter log = new StringWriter();
  private final WorkflowCommands wf =
      new WorkflowCommands(new PrintWriter(log), SecretScrubber.forSecrets(List.of(TOKEN)));

  @Test
  void aReviewOffAPullRequest_setsTheOutputs_andSaysWhereTheReviewIs() throws Exception {
    Map<String, String> env = env();
    ActionReport report = new ActionReport(wf, SecretScrubber.forSecrets(List.of(TOKEN)), env);

    report.reviewed(context(env), outcome(RunResult.Outcome.SUCCESS, Optional.empty()));
    report.succeeded();
    report.writeStepFiles();

    String outputs = Files.readString(dir.resolve("output"));
    assertThat(outputs)
        .contains("conclusion<<", "\nsuccess\n")
        .contains("result_file<<", "\n.zerocred/review.md\n")
        .contains("run_id<<", "\nrun-1\n")
        .contains("num_turns<<", "\n2\n");
    assertThat(Files.readString(dir.resolve("summary")))
        .contains("### zerocred — Claude Code review")
        .contains("| Severity | Findings |");
    assertThat(log.toString()).contains("::notice::This workflow_dispatch event is not about");
  }

  @Test
  void findingsAtTheThreshold_failAfterTheReviewIsReported_namingTheInput() throws Exception {
    Map<String, String> env = env();
    ActionReport report = new ActionReport(wf, SecretScrubber.forSecrets(List.of()), env);

    ActionFailure f =
        failed(report, env, outcome(RunResult.Outcome.SUCCESS, Optional.of(Severity.HIGH)));

    assertThat(f.conclusion()).isEqualTo("findings_over_threshold");
    assertThat(f.title()).isEqualTo("Findings at or above high");
    assertThat(f.getMessage())
        .isEqualTo(
            "1 finding(s) at or above fail_on_severity high: src/B.java:7 critical SQL injection");
    assertThat(Files.readString(dir.resolve("output")))
        .contains("\nfindings_over_threshold\n")
        .contains("sarif_file<<");
    assertThat(Files.readString(dir.resolve("summary")))
        .contains("**❌ Findings at or above high:**");
    assertThat(log.toString()).contains("::error title=Findings at or above high::");
  }

  @Test
  void aRunThatProducedNoReview_failsWithItsConclusion_afterTheOutputsAreSet() throws Exception {
    Map<String, String> env = env();
    ActionReport report = new ActionReport(wf, SecretScrubber.forSecrets(List.of()), env);

    ActionFailure f = failed(report, env, outcome(RunResult.Outcome.TIMED_OUT, Optional.empty()));

    assertThat(f.conclusion()).isEqualTo("timed_out");
    assertThat(f.exit()).isEqualTo(ActionFailure.Exit.RUNTIME_FAILURE);
    assertThat(Files.readString(dir.resolve("output")))
        .contains("\ntimed_out\n")
        .contains("cost_usd<<");
  }

  /** Reports {@code outcome}, which must fail, as the action does: failure, then step files. */
  private static ActionFailure failed(
      ActionReport report, Map<String, String> env, ReviewOutcome outcome) {
    ActionFailure f =
        catchThrowableOfType(() -> report.reviewed(context(env), outcome), ActionFailure.class);
    report.failed(f);
    report.writeStepFiles();
    return f;
  }

  @Test
  void aStickyPost_learnsWhoTheTokenIsBeforeTheReviewExists_andDoesNotAskAgain() throws Exception {
    String githubToken = "ghs_" + "b".repeat(36);
    try (StandInGitHubApi github =
        new StandInGitHubApi(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), githubToken)) {
      Path event = dir.resolve("event.json");
      Files.writeString(
          event, RunnerJob.pullRequestEvent("a".repeat(40), "b".repeat(40), "acme/widgets"));
      Map<String, String> env = new HashMap<>(env());
      env.put("GITHUB_EVENT_NAME", "pull_request");
      env.put("GITHUB_EVENT_PATH", event.toString());
      env.put("GITHUB_REPOSITORY", "acme/widgets");
      env.put("GITHUB_API_URL", github.url());
      env.put("INPUT_GITHUB_TOKEN", githubToken);
      env.put("INPUT_COMMENT_MODE", "sticky");
      ActionReport report = new ActionReport(wf, SecretScrubber.forSecrets(List.of(TOKEN)), env);
      ActionContext context = context(env);

      report.prepareDelivery(context);
      // Beside the review, before it exists: the post then waits only for its own calls.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (graphqlCalls(github) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(graphqlCalls(github)).isEqualTo(1);
      assertThat(github.reviews()).isEmpty();

      report.reviewed(context, outcome(RunResult.Outcome.SUCCESS, Optional.empty()));

      assertThat(github.reviews()).hasSize(1);
      assertThat(graphqlCalls(github)).isEqualTo(1);
    }
  }

  private static long graphqlCalls(StandInGitHubApi github) {
    return github.requests().stream().filter(r -> r.path().endsWith("/graphql")).count();
  }

  private Map<String, String> env() throws IOException {
    Files.createDirectories(dir.resolve("ws"));
    return Map.of(
        "GITHUB_EVENT_NAME", "workflow_dispatch",
        "GITHUB_WORKSPACE", dir.resolve("ws").toString(),
        "GITHUB_OUTPUT", dir.resolve("output").toString(),
        "GITHUB_STEP_SUMMARY", dir.resolve("summary").toString(),
        "INPUT_CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
  }

  private static ActionContext context(Map<String, String> env) {
    return ActionContext.read(env, s -> s.name().toLowerCase(Locale.ROOT));
  }

  private ReviewOutcome outcome(RunResult.Outcome how, Optional<Severity> threshold)
      throws Exception {
    ReviewFindings findings =
        FindingsParser.parse(
            JsonMapper.builder()
                .build()
                .readTree(
                    """
                    {"summary": "One problem.", "findings": [
                      {"file": "src/B.java", "startLine": 7, "endLine": 7, "severity": "critical",
                       "category": "security", "title": "SQL injection", "explanation": ""}]}
                    """),
            "");
    RunResult result =
        new RunResult(
            "run-1",
            how,
            how == RunResult.Outcome.SUCCESS ? "done" : "killed after 1m",
            "",
            how != RunResult.Outcome.SUCCESS,
            2,
            0.01,
            TokenUsage.NONE,
            1000,
            Optional.of("session"),
            Optional.empty(),
            "",
            "",
            Optional.of(0),
            Duration.ofSeconds(2),
            Optional.empty());
    return new ReviewOutcome(
        result,
        findings,
        ReviewFiles.prepare(OutputDirectory.open(dir.resolve("out"), null, "out")),
        threshold,
        findings.atOrAbove(threshold),
        result.isSuccess()
            ? Optional.empty()
            : Optional.of(
                new ReviewFailure(ReviewFailure.Kind.TIMED_OUT, "killed after 1m; raise it")));
  }
}
