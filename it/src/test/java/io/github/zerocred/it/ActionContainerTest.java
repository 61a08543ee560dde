package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.zerocred.findings.FindingsSchema;
import io.github.zerocred.testkit.MessagesRequest;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.RunnerJob;
import io.github.zerocred.testkit.RunnerLog;
import io.github.zerocred.testkit.SarifSchema;
import io.github.zerocred.testkit.StandInAnthropicApi;
import io.github.zerocred.testkit.StandInGitHubApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Action end to end: the action image run exactly as the runner runs a container action,
 * with a {@code pull_request} event, the real Claude Code CLI in a sibling container, a stand-in
 * Anthropic API behind the proxy that runs inside the action container, and a stand-in GitHub REST
 * API that the action process calls itself.
 */
class ActionContainerTest {
  private static final int PR = 7;

  @TempDir Path root;

  private final String oauthToken = RunFixture.newOauthToken();
  private final String githubToken = "ghs_" + random(36);
  private ActionJob job;
  private StandInGitHubApi github;
  private Path caFile;
  private String baseSha;
  private String headSha;

  @BeforeEach
  void job() throws IOException {
    job = new ActionJob(root);
    // Bound to the job network's gateway, never to every address: the action reaches it there.
    github = new StandInGitHubApi(new InetSocketAddress(job.gateway, 0), githubToken);
    job.githubApiUrl = github.url();
    baseSha = job.commit("src/Discount.java", "class Discount {}\n", "base");
    headSha =
        job.commit(
            "src/Discount.java",
            "class Discount { int apply(int p) { return p / 0; } }\n",
            "divide by zero");
    job.event(pullRequestEvent("acme/widgets"));
  }

  @AfterEach
  void close() throws IOException {
    github.close();
    job.close();
  }

  @Test
  void pullRequest_reviewIsPosted_thenUpdatedNotDuplicated_inStickyMode() throws Exception {
    github.addComment(PR, "Looks fine to me, but let's hear the bot.");
    try (StandInAnthropicApi anthropic =
        anthropic(Reply.text("Division by zero in Discount.apply."))) {
      ActionJob.Result first = job.run(inputs(), routeTo(anthropic));

      assertThat(first.exitCode()).as(first.log()).isZero();
      assertDelivered(first, anthropic);
      assertThat(github.comments()).hasSize(2);
      StandInGitHubApi.Comment posted = github.comments().get(1);
      assertThat(posted.body())
          .startsWith("<!-- zerocred-review:review -->")
          .contains("Division by zero in Discount.apply.")
          .contains("https://github.example/acme/widgets/actions/runs/4242");
      assertThat(first.outputs().get("comment_url")).endsWith("#issuecomment-" + posted.id());
      // The default prompt names the pull request's commits.
      MessagesRequest prompt = anthropic.mainConversationRequests().get(0);
      assertThat(prompt.lastUserText()).contains(baseSha).contains(headSha);

      ActionJob.Result second = job.run(inputs(), routeTo(anthropic));

      assertThat(second.exitCode()).as(second.log()).isZero();
      assertDelivered(second, anthropic);
      assertThat(github.comments()).hasSize(2);
      assertThat(github.comments().get(1).id()).isEqualTo(posted.id());
      assertThat(github.requests())
          .extracting(r -> r.method() + " " + r.path())
          .containsSubsequence(
              "GET /repos/acme/widgets/issues/7/comments",
              "POST /repos/acme/widgets/issues/7/comments",
              "GET /repos/acme/widgets/issues/7/comments",
              "PATCH /repos/acme/widgets/issues/comments/" + posted.id());
      assertThat(second.outputs().get("comment_url")).isEqualTo(first.outputs().get("comment_url"));
    }
  }

  @Test
  void structuredFindings_inlineOnDiffLines_restInBody_reRunUpdatesAndResolves_noDuplicates()
      throws Exception {
    github.pullRequestFiles(
        List.of(
            new StandInGitHubApi.PullFile(
                "src/Discount.java",
                "modified",
                "@@ -1 +1 @@\n-class Discount {}\n+class Discount { int apply(int p) { return p / 0; } }"),
            new StandInGitHubApi.PullFile(
                "src/Cart.java",
                "modified",
                "@@ -8,4 +8,5 @@ class Cart {\n   int a;\n   int b;\n-  int c;\n+  int total;\n+  int count;\n   }")));
    String first =
        findings(
            finding("src/Discount.java", 1, 1, "critical", "bug", "Divides by zero"),
            finding("src/Cart.java", 10, 11, "medium", "error-handling", "Total ignores failure"),
            finding("src/Cart.java", 40, 40, "low", "style", "Long method"),
            finding("README.md", 3, 3, "info", "documentation", "Typo in the title"));
    ActionJob.Result run1;
    try (StandInAnthropicApi anthropic = anthropic(Reply.structuredOutput(first))) {
      run1 = job.run(inputs(), routeTo(anthropic));

      assertThat(run1.exitCode()).as(run1.log()).isZero();
      assertThat(anthropic.mainConversationRequests().get(0).structuredOutputSchema())
          .contains(StandInGitHubApi.parse(FindingsSchema.json()));
    }
    assertThat(run1.outputs())
        .containsEntry("conclusion", "success")
        .containsEntry("sarif_file", ".zerocred/findings.sarif")
        .containsEntry("findings_file", ".zerocred/findings.json");
    assertThat(github.comments()).isEmpty();
    assertThat(github.reviews()).singleElement();
    StandInGitHubApi.Review review = github.reviews().get(0);
    assertThat(review.commitId()).isEqualTo(headSha);
    assertThat(review.body())
        .startsWith("<!-- zerocred-review:review -->")
        .contains("| critical | 1 |", "| medium | 1 |", "| info | 1 |")
        .contains("Findings not commented on the diff")
        .contains("Long method — `src/Cart.java:40`", "Typo in the title — `README.md:3`")
        .doesNotContain("Divides by zero —");
    assertThat(run1.outputs().get("comment_url")).endsWith("#pullrequestreview-" + review.id());
    // Only the two findings on the diff's lines are inline, each where the diff shows it.
    assertThat(github.reviewComments())
        .extracting(c -> c.path() + ":" + c.startLine() + "-" + c.line() + ":" + c.side())
        .containsExactly("src/Discount.java:0-1:RIGHT", "src/Cart.java:10-11:RIGHT");
    assertThat(github.reviewComments().get(0).body())
        .contains("**critical** · **Divides by zero**");
    assertThat(run1.summary()).contains("| critical | 1 |").contains("Divides by zero");
    JsonNode findingsJson =
        StandInGitHubApi.parse(Files.readString(job.workspace.resolve(".zerocred/findings.json")));
    assertThat(findingsJson.path("structured").asBoolean()).isTrue();
    assertThat(findingsJson.path("findings")).hasSize(4);
    assertThat(findingsJson.at("/findings/0/title").asText()).isEqualTo("Divides by zero");
    JsonNode sarif =
        StandInGitHubApi.parse(Files.readString(job.workspace.resolve(".zerocred/findings.sarif")));
    assertThat(SarifSchema.problems(sarif)).isEmpty();
    assertThat(sarif.at("/runs/0/results")).hasSize(4);
    assertThat(Files.readString(job.workspace.resolve(".zerocred/review.md")))
        .contains("Divides by zero");

    // The next push: the division is fixed, the cart finding stays, a new one appears.
    String second =
        findings(
            finding("src/Cart.java", 10, 11, "medium", "error-handling", "Total ignores failure"),
            finding("src/Discount.java", 1, 1, "high", "security", "Logs the price list"));
    Map<String, String> inputs = inputs();
    inputs.put("fail_on_severity", "high");
    long cartComment = github.reviewComments().get(1).id();
    long divisionComment = github.reviewComments().get(0).id();
    try (StandInAnthropicApi anthropic = anthropic(Reply.structuredOutput(second))) {
      ActionJob.Result run2 = job.run(inputs, routeTo(anthropic));

      assertThat(run2.exitCode()).as(run2.log()).isEqualTo(1);
      assertThat(run2.outputs()).containsEntry("conclusion", "findings_over_threshold");
      assertThat(errorLines(run2))
          .singleElement()
          .asString()
          .contains("src/Discount.java:1 high Logs the price list");
      assertThat(run2.outputs().get("comment_url")).isEqualTo(run1.outputs().get("comment_url"));
    }
    assertThat(github.reviews())
        .filteredOn(r -> r.body().startsWith("<!-- zerocred-review"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.body())
                    .contains("| high | 1 |", "| critical | 0 |")
                    .doesNotContain("Long method"));
    List<StandInGitHubApi.ReviewComment> comments = github.reviewComments();
    assertThat(comments).hasSize(3);
    assertThat(comments).filteredOn(c -> c.body().contains("Total ignores failure")).hasSize(1);
    assertThat(comments)
        .filteredOn(c -> c.id() == cartComment)
        .singleElement()
        .satisfies(c -> assertThat(c.body()).contains("Total ignores failure"));
    assertThat(comments)
        .filteredOn(c -> c.id() == divisionComment)
        .singleElement()
        .satisfies(c -> assertThat(c.body()).contains("~~").contains("Resolved"));
    assertThat(comments.get(2).body()).contains("Logs the price list");
    assertThat(comments.get(2).path() + ":" + comments.get(2).line())
        .isEqualTo("src/Discount.java:1");
  }

  @Test
  void malformedStructuredOutput_degradesToAPlainTextComment_withAWarning() throws Exception {
    // Breaks the schema (no title, unknown severity): Claude Code refuses it, and the model
    // falls back to text.
    try (StandInAnthropicApi anthropic =
        anthropic(
            Reply.text("Division by zero in Discount.apply."),
            Reply.structuredOutput(
                "{\"summary\": \"\", \"findings\": [{\"file\": \"a\", \"severity\": \"urgent\"}]}"))) {
      ActionJob.Result result = job.run(inputs(), routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isZero();
      assertDelivered(result, anthropic);
      assertThat(result.stdout())
          .anySatisfy(l -> assertThat(l).startsWith("::warning").contains("plain text"));
    }
    assertThat(github.reviews()).isEmpty();
    assertThat(github.comments())
        .singleElement()
        .satisfies(c -> assertThat(c.body()).contains("Division by zero in Discount.apply."));
    JsonNode findingsJson =
        StandInGitHubApi.parse(Files.readString(job.workspace.resolve(".zerocred/findings.json")));
    assertThat(findingsJson.path("structured").asBoolean()).isFalse();
    assertThat(findingsJson.path("warnings")).hasSize(1);
    JsonNode sarif =
        StandInGitHubApi.parse(Files.readString(job.workspace.resolve(".zerocred/findings.sarif")));
    assertThat(SarifSchema.problems(sarif)).isEmpty();
    assertThat(sarif.at("/runs/0/results")).isEmpty();
  }

  @Test
  void emptyFindingsList_postsAReviewSayingSo_withoutInlineComments() throws Exception {
    try (StandInAnthropicApi anthropic =
        anthropic(Reply.structuredOutput("{\"summary\": \"Clean change.\", \"findings\": []}"))) {
      ActionJob.Result result = job.run(inputs(), routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isZero();
      assertThat(result.outputs()).containsEntry("conclusion", "success");
    }
    assertThat(github.reviews())
        .singleElement()
        .satisfies(r -> assertThat(r.body()).contains("Clean change.").contains("No findings."));
    assertThat(github.reviewComments()).isEmpty();
    JsonNode sarif =
        StandInGitHubApi.parse(Files.readString(job.workspace.resolve(".zerocred/findings.sarif")));
    assertThat(SarifSchema.problems(sarif)).isEmpty();
    assertThat(sarif.at("/runs/0/results")).isEmpty();
  }

  @Test
  void hostileCheckout_fileLinksInZerocred_areReplaced_gitConfigAndEventUntouched()
      throws Exception {
    // A pull request plants links where the review goes, and steers the review's text.
    Path gitConfig = job.workspace.resolve(".git/config");
    byte[] configBefore = Files.readAllBytes(gitConfig);
    byte[] eventBefore = Files.readAllBytes(job.workflow.resolve("event.json"));
    Path out = Files.createDirectories(job.workspace.resolve(".zerocred"));
    Files.createSymbolicLink(out.resolve("review.md"), Path.of("../.git/config"));
    Files.createSymbolicLink(out.resolve("findings.sarif"), Path.of("/github/workflow/event.json"));
    Files.createSymbolicLink(out.resolve("audit.jsonl"), Path.of("/github/home/planted"));
    String crafted = "[core]\n\tfsmonitor = \"touch /github/home/pwned\"";
    Map<String, String> inputs = inputs();
    inputs.put("prompt", "Review the change.");
    try (StandInAnthropicApi anthropic = anthropic(Reply.text(crafted))) {
      ActionJob.Result result = job.run(inputs, routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isZero();
      assertThat(result.outputs()).containsEntry("conclusion", "success");
      assertNothingLeft(result);
    }
    assertThat(Files.readAllBytes(gitConfig)).isEqualTo(configBefore);
    assertThat(Files.readAllBytes(job.workflow.resolve("event.json"))).isEqualTo(eventBefore);
    assertThat(job.home.resolve("planted")).doesNotExist();
    assertThat(job.home.resolve("pwned")).doesNotExist();
    for (String name : List.of("review.md", "findings.sarif", "audit.jsonl")) {
      assertThat(Files.isSymbolicLink(out.resolve(name))).as(name).isFalse();
    }
    assertThat(out.resolve("review.md")).content().contains("fsmonitor");
  }

  @Test
  void zerocredDirectoryLinkedOutOfTheWorkspace_isInvalidInput_andNothingIsWritten()
      throws Exception {
    Files.createSymbolicLink(job.workspace.resolve(".zerocred"), Path.of("/github/workflow"));
    try (StandInAnthropicApi anthropic = anthropic(Reply.text("never asked"))) {
      ActionJob.Result result = job.run(inputs(), routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isEqualTo(2);
      assertThat(result.outputs()).containsEntry("conclusion", "invalid_input");
      assertThat(errorLines(result))
          .singleElement()
          .asString()
          .contains("title=Output directory refused")
          .contains(".zerocred")
          .contains("symbolic link");
      assertThat(anthropic.requests()).as("no run started").isEmpty();
    }
    try (var files = Files.list(job.workflow)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("event.json");
    }
    assertThat(github.requests()).isEmpty();
  }

  @Test
  void promptFileLinkedToProcSelfEnviron_isRefused_andNoTokenLeaves() throws Exception {
    Files.createSymbolicLink(job.workspace.resolve("prompt.md"), Path.of("/proc/self/environ"));
    Map<String, String> inputs = inputs();
    inputs.put("prompt_file", "prompt.md");
    try (StandInAnthropicApi anthropic = anthropic(Reply.text("never asked"))) {
      ActionJob.Result result = job.run(inputs, routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isEqualTo(2);
      assertThat(result.outputs()).containsEntry("conclusion", "invalid_input");
      assertThat(errorLines(result))
          .singleElement()
          .asString()
          .contains("prompt_file")
          .contains("is not inside the workspace");
      assertThat(anthropic.requests()).as("no run started").isEmpty();
      assertNoSecretsLogged(result);
    }
  }

  @Test
  void workflowCommandsWrittenByTheAgent_reachTheLogAsInertText() throws Exception {
    String review = RunnerLog.FORGED;
    Map<String, String> inputs = inputs();
    inputs.put("prompt", "Review the change.");
    // The agent prints commands through a real tool, then answers with a review full of them.
    // (Container-controlled progress fields — model, tool, session id — are proven in
    // WorkflowCommandsTest and ProgressLinesTest: the stand-in offers no tool whose name holds a
    // line break.)
    try (StandInAnthropicApi anthropic =
        anthropic(
            Reply.text(review),
            Reply.toolUse(
                "Bash", "{\"command\": \"printf '::error::from bash\\\\n##[add-mask]x\\\\n'\"}"),
            Reply.text(review))) {
      ActionJob.Result result = job.run(inputs, routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isZero();
      String log = String.join("\n", result.stdout()) + "\n" + String.join("\n", result.stderr());
      List<RunnerLog.Command> commands = RunnerLog.commands(log);
      assertThat(commands)
          .extracting(RunnerLog.Command::name)
          .doesNotContain("error", "warning", "notice", "set-output", "attacker");
      assertThat(commands)
          .filteredOn(c -> c.name().equals("add-mask"))
          .extracting(RunnerLog.Command::data)
          .containsExactlyInAnyOrder(oauthToken, githubToken);
      assertThat(commands)
          .filteredOn(c -> c.name().equals("stop-commands"))
          .singleElement()
          .satisfies(c -> assertThat(c.data()).matches("zerocred-[0-9a-f]{32}"));
      // The review is shown whole, inside the stopped block; the outputs keep it as it is.
      assertThat(result.stdout()).contains("::error::forged error", "##[warning]legacy form");
      assertThat(result.outputs()).containsEntry("conclusion", "success");
      assertThat(result.outputs().get("result"))
          .contains("::error::forged error", "##[warning]legacy form");
      assertNoSecretsLogged(result);
      assertNothingLeft(result);
    }
  }

  @Test
  void stickyMode_touchesOnlyTheTokensOwnObjects_capsInlineComments_neutralisesMentions()
      throws Exception {
    github.pullRequestFiles(
        List.of(
            new StandInGitHubApi.PullFile(
                "src/Discount.java",
                "modified",
                "@@ -1 +1 @@\n-class Discount {}\n+class Discount { int apply(int p) { return p / 0; } }")));
    // Someone else copies zerocred's markers into objects of their own.
    long theirComment =
        github.addComment(PR, "<!-- zerocred-review:review -->\nplanted", "mallory");
    long theirReview = github.addReview(PR, "<!-- zerocred-review:review -->\nplanted", "mallory");
    long theirFinding =
        github.addReviewComment(
            PR,
            "src/Discount.java",
            1,
            "<!-- zerocred-finding:0123456789abcdef01234567 -->\nplanted",
            "mallory");
    String answer =
        findings(
            finding("src/Discount.java", 1, 1, "critical", "bug", "Divides by zero, cc @octocat"),
            finding("src/Discount.java", 1, 1, "high", "bug", "Ask @acme/security-team"));
    Map<String, String> inputs = inputs();
    inputs.put("max_inline_comments", "1");
    try (StandInAnthropicApi anthropic = anthropic(Reply.structuredOutput(answer))) {
      ActionJob.Result result = job.run(inputs, routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isZero();
    }
    assertThat(github.requests())
        .extracting(r -> r.method() + " " + r.path())
        .contains("POST /graphql")
        .noneMatch(r -> r.endsWith("/" + theirComment))
        .noneMatch(r -> r.endsWith("/" + theirReview))
        .noneMatch(r -> r.endsWith("/" + theirFinding));
    assertThat(github.comments())
        .filteredOn(c -> c.id() == theirComment)
        .singleElement()
        .satisfies(c -> assertThat(c.body()).endsWith("planted"));
    List<StandInGitHubApi.Review> ours =
        github.reviews().stream().filter(r -> r.author().equals(StandInGitHubApi.BOT)).toList();
    assertThat(ours).singleElement();
    assertThat(ours.get(0).body())
        .contains("1 more finding(s) on the diff are listed below instead: at most 1")
        .contains("@\u200bacme/security-team")
        .doesNotContain("@acme");
    List<StandInGitHubApi.ReviewComment> inline =
        github.reviewComments().stream()
            .filter(c -> c.author().equals(StandInGitHubApi.BOT))
            .toList();
    assertThat(inline).singleElement();
    assertThat(inline.get(0).body()).contains("@\u200boctocat").doesNotContain("@octocat");
  }

  private static String finding(
      String file, int start, int end, String severity, String category, String title) {
    return """
        {"file": "%s", "startLine": %d, "endLine": %d, "severity": "%s", "category": "%s",
         "title": "%s", "explanation": "Because."}"""
        .formatted(file, start, end, severity, category, title);
  }

  private static String findings(String... findings) {
    return "{\"summary\": \"Reviewed.\", \"findings\": [" + String.join(",", findings) + "]}";
  }

  @Test
  void expiredOauthToken_failsAndSaysToRunSetupTokenAgain() throws Exception {
    try (StandInAnthropicApi anthropic = anthropic(Reply.text("never sent"))) {
      anthropic.failWith(StandInAnthropicApi.Failure.EXPIRED_OAUTH_TOKEN);

      ActionJob.Result result = job.run(inputs(), routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isEqualTo(3);
      assertThat(errorLines(result))
          .singleElement()
          .asString()
          .contains("title=Anthropic credential rejected")
          .contains("run `claude setup-token` again and update the secret");
      assertThat(result.outputs()).containsEntry("conclusion", "credential_rejected");
      assertThat(result.summary()).contains("Anthropic credential rejected");
      assertThat(github.comments()).isEmpty();
      assertNoSecretsLogged(result);
      assertNothingLeft(result);
    }
  }

  @Test
  void missingCredential_onForkPullRequest_explainsThatGitHubWithholdsSecrets() throws Exception {
    job.event(pullRequestEvent("mallory/widgets"));
    Map<String, String> inputs = inputs();
    inputs.put("claude_code_oauth_token", "");

    ActionJob.Result result = job.run(inputs, Map.of());

    assertThat(result.exitCode()).as(result.log()).isEqualTo(3);
    assertThat(errorLines(result))
        .singleElement()
        .asString()
        .contains("title=Anthropic credential missing")
        .contains("fork mallory/widgets")
        .contains("does not give repository secrets")
        .contains("pull_request_target");
    assertThat(result.outputs()).containsEntry("conclusion", "credential_missing");
    assertThat(github.requests()).isEmpty();
    assertNoSecretsLogged(result, List.of(githubToken));
    assertThat(job.containerGone(result.containerName())).isTrue();
  }

  @Test
  void claudeError_failsTheStepWithClaudesReason() throws Exception {
    // One turn allowed, and the first answer asks for a tool: Claude Code stops with an error.
    try (StandInAnthropicApi anthropic =
        anthropic(Reply.toolUse("Read", "{\"file_path\": \"/workspace/src/Discount.java\"}"))) {
      Map<String, String> inputs = inputs();
      inputs.put("max_turns", "1");

      ActionJob.Result result = job.run(inputs, routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isEqualTo(1);
      assertThat(errorLines(result))
          .singleElement()
          .asString()
          .contains("title=Claude Code failed")
          .contains("Claude Code reported an error");
      assertThat(result.outputs()).containsEntry("conclusion", "claude_error");
      assertThat(github.comments()).isEmpty();
      assertNoSecretsLogged(result);
      assertNothingLeft(result);
    }
  }

  @Test
  void gitHubRefusingTheComment_failsTheStep_andKeepsTheReviewInTheSummary() throws Exception {
    github.refuseComments();
    try (StandInAnthropicApi anthropic =
        anthropic(Reply.text("Division by zero in Discount.apply."))) {
      ActionJob.Result result = job.run(inputs(), routeTo(anthropic));

      assertThat(result.exitCode()).as(result.log()).isEqualTo(1);
      assertThat(errorLines(result))
          .singleElement()
          .asString()
          .contains("title=Review not posted")
          .contains("403")
          .contains("Resource not accessible by integration")
          .contains("permissions: pull-requests: write");
      assertThat(result.outputs())
          .containsEntry("conclusion", "comment_failed")
          .containsEntry("result", "Division by zero in Discount.apply.");
      assertThat(result.summary()).contains("Division by zero in Discount.apply.");
      assertNoSecretsLogged(result);
      assertNothingLeft(result);
    }
  }

  private void assertDelivered(ActionJob.Result result, StandInAnthropicApi anthropic)
      throws IOException {
    assertThat(result.outputs())
        .containsEntry("conclusion", "success")
        .containsEntry("result", "Division by zero in Discount.apply.")
        .containsEntry("result_file", ".zerocred/review.md")
        .containsKeys(
            "cost_usd", "num_turns", "duration_ms", "session_id", "comment_url", "run_id");
    assertThat(Integer.parseInt(result.outputs().get("num_turns"))).isPositive();
    assertThat(result.outputs().get("session_id")).isNotBlank();
    assertThat(Files.readString(job.workspace.resolve(".zerocred/review.md")))
        .contains("Division by zero in Discount.apply.");
    assertThat(result.summary())
        .contains("| ✅ success |")
        .contains("Division by zero in Discount.apply.")
        .contains(result.outputs().get("comment_url"));
    // Progress is grouped in the log.
    assertThat(result.stdout()).anyMatch(l -> l.startsWith("::group::"));
    assertThat(result.stdout()).contains("::endgroup::");
    assertThat(errorLines(result)).isEmpty();
    // The stand-in saw only the real Anthropic token (the proxy injected it) and never GitHub's.
    assertThat(anthropic.requests()).isNotEmpty();
    for (RecordedRequest r : anthropic.requests()) {
      assertThat(r.header("authorization")).isEqualTo("Bearer " + oauthToken);
      assertThat(r.headers().toString() + r.bodyAsString()).doesNotContain(githubToken);
    }
    assertThat(github.requests())
        .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + githubToken));
    assertNoSecretsLogged(result);
    assertNothingLeft(result);
  }

  /** Masked first, and then in no other line of the log. */
  private void assertNoSecretsLogged(ActionJob.Result result) {
    assertNoSecretsLogged(result, List.of(oauthToken, githubToken));
  }

  private void assertNoSecretsLogged(ActionJob.Result result, List<String> given) {
    assertThat(result.stdout().subList(0, given.size()))
        .as("the first lines mask the secrets given")
        .containsExactlyInAnyOrderElementsOf(given.stream().map(s -> "::add-mask::" + s).toList());
    for (String line : result.allLines()) {
      if (line.startsWith("::add-mask::")) {
        continue;
      }
      assertThat(line).doesNotContain(oauthToken).doesNotContain(githubToken);
    }
    assertThat(result.summary()).doesNotContain(oauthToken).doesNotContain(githubToken);
    assertThat(result.outputs().values())
        .allSatisfy(v -> assertThat(v).doesNotContain(oauthToken).doesNotContain(githubToken));
  }

  private void assertNothingLeft(ActionJob.Result result) {
    assertThat(job.containerGone(result.containerName())).as("the action container").isTrue();
    String runId = result.outputs().get("run_id");
    assertThat(runId).as("run_id output").isNotBlank();
    assertThat(job.docker.labelledWithRun(runId)).as("left by run " + runId).isEmpty();
    // Only the runner's job network remains attached to nothing.
    assertThat(
            job.docker
                .client()
                .inspectNetworkCmd()
                .withNetworkId(job.networkId)
                .exec()
                .getContainers())
        .isNullOrEmpty();
  }

  private static List<String> errorLines(ActionJob.Result result) {
    return result.stdout().stream().filter(l -> l.startsWith("::error")).toList();
  }

  private Map<String, String> inputs() {
    return ActionJob.stickyReviewInputs(oauthToken, githubToken);
  }

  private StandInAnthropicApi anthropic(Reply first) {
    return anthropic(first, first);
  }

  /** A stand-in that answers {@code script} in turn, then {@code fallback}. */
  private StandInAnthropicApi anthropic(Reply fallback, Reply... script) {
    return StandInAnthropicApi.builder()
        .bind(new InetSocketAddress(job.gateway, 0))
        .expectToken(oauthToken)
        .script(script)
        .defaultReply(fallback)
        .start();
  }

  /** Routes the proxy (inside the action container) to the stand-in and trusts its CA. */
  private Map<String, String> routeTo(StandInAnthropicApi anthropic) throws IOException {
    caFile = anthropic.writeCaPem(job.home.resolve("stand-in-ca.pem"));
    return Map.of(
        "ZEROCRED_ROUTES",
        StandInAnthropicApi.API_HOST + "=" + job.gateway + ":" + anthropic.port(),
        "ZEROCRED_UPSTREAM_CA",
        "/github/home/stand-in-ca.pem");
  }

  private String pullRequestEvent(String headRepository) {
    return RunnerJob.pullRequestEvent(baseSha, headSha, headRepository);
  }

  private static String random(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
