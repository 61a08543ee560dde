package io.github.zerocred.cli;

import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.FindingsFiles;
import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.FindingsSchema;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.OutputDirectory;
import io.github.zerocred.review.ProgressLines;
import io.github.zerocred.review.ReviewFiles;
import io.github.zerocred.review.ReviewPrompt;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code zerocred action}: the GitHub Action's entrypoint. Reads {@code INPUT_*} and {@code
 * GITHUB_*}, reviews the pull request in a sandboxed run on the runner's engine (the Claude
 * container is a sibling of the action's own), posts the review as a comment from this process (the
 * GitHub token never enters Claude's container), and writes the step summary and outputs. A green
 * step always means a review was produced and delivered; every failure is an {@code ::error::}.
 */
@Command(
    name = "action",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    description = {
      "The GitHub Action entrypoint (`uses: <org>/zerocred-action@v1`): configured by the"
          + " runner's INPUT_* and GITHUB_* environment variables, not by options. See action.yml"
          + " for the inputs and outputs.",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Environment besides the inputs:",
      "  GITHUB_EVENT_NAME, GITHUB_EVENT_PATH   the event (pull_request, pull_request_target,",
      "                                         issue_comment on a pull request, workflow_dispatch)",
      "  GITHUB_REPOSITORY, GITHUB_API_URL      where to post (GitHub Enterprise Server works)",
      "  GITHUB_WORKSPACE                       the checkout to review (copied, never mounted)",
      "  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY     the step's outputs and summary",
      "  ZEROCRED_ROUTES      HOST=IP:PORT,...  send a host to an internal gateway",
      "  ZEROCRED_UPSTREAM_CA FILE              trust these CA certificates for upstreams",
      "",
      "Exit codes:",
      "  0  a review was produced and delivered (or fail_on_error is false)",
      "  1  Claude failed or timed out, Docker failed, or the review could not be posted",
      "  2  usage error: an input is wrong",
      "  3  credential missing (or rejected by Anthropic)",
      "  130/143  cancelled by SIGINT/SIGTERM (a cancelled job): conclusion `cancelled`, the",
      "           container stopped, partial output written, nothing left behind"
    })
final class ActionCommand implements Callable<Integer> {
  static final String OUTPUT_DIR = ".zerocred";
  static final String CANCELLED = "cancelled";

  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final StopSignal stop;

  ActionCommand(Map<String, String> env, StopSignal stop) {
    this.env = Map.copyOf(env);
    this.stop = stop;
  }

  /**
   * Why the action failed: the {@code conclusion} output, an error title, the message, exit code.
   */
  static final class ActionFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String conclusion;
    final String title;
    final int exitCode;

    ActionFailure(String conclusion, String title, String message, int exitCode) {
      super(message);
      this.conclusion = conclusion;
      this.title = title;
      this.exitCode = exitCode;
    }
  }

  @Override
  public Integer call() {
    SecretScrubber scrubber = SecretScrubber.forSecrets(ActionInputs.secrets(env));
    // Workflow commands go to stdout, where the runner reads them.
    PrintWriter out = spec.commandLine().getOut();
    WorkflowCommands wf = new WorkflowCommands(out, scrubber);
    // First of all: from here on the runner hides every secret, whatever prints it.
    ActionInputs.secrets(env).forEach(wf::addMask);

    WorkflowCommands.Outputs outputs = new WorkflowCommands.Outputs();
    StringBuilder summary = new StringBuilder("### zerocred — Claude Code review\n\n");
    boolean failOnError = ActionInputs.failOnError(env);
    try {
      run(wf, outputs, summary);
      outputs.set("conclusion", "success");
      return ExitCodes.OK;
    } catch (ActionFailure f) {
      outputs.set("conclusion", f.conclusion);
      wf.error(f.title, f.getMessage());
      summary.append("\n**❌ ").append(f.title).append(":** ").append(f.getMessage()).append('\n');
      if (CANCELLED.equals(f.conclusion)) {
        // Never green, whatever fail_on_error says: the job was cancelled, not the review failed.
        return stop.exitCode();
      }
      return failOnError ? f.exitCode : ExitCodes.OK;
    } finally {
      writeFileCommands(wf, outputs, scrubber.scrub(summary.toString()));
    }
  }

  private void run(WorkflowCommands wf, WorkflowCommands.Outputs outputs, StringBuilder summary) {
    ActionInputs inputs;
    GitHubEvent event;
    try {
      inputs = ActionInputs.from(env);
      event =
          GitHubEvent.read(
              env.getOrDefault("GITHUB_EVENT_NAME", ""),
              Optional.ofNullable(env.get("GITHUB_EVENT_PATH"))
                  .filter(p -> !p.isBlank())
                  .map(Path::of)
                  .orElse(null),
              env.get("GITHUB_REPOSITORY"));
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure("invalid_input", "Invalid input", e.getMessage(), ExitCodes.USAGE);
    }
    Credential credential = credential(inputs, event);
    boolean posting = inputs.commentMode() != ActionInputs.CommentMode.OFF;
    GitHubApi github = null;
    if (event.pullRequest().isPresent() && (posting || event.headSha().isEmpty())) {
      String token =
          inputs
              .githubToken()
              .orElseThrow(
                  () ->
                      new ActionFailure(
                          "invalid_input",
                          "No GitHub token",
                          "The github_token input is empty: leave it at its default"
                              + " (${{ github.token }}) or pass a token that may write pull"
                              + " request comments, or set comment_mode: off",
                          ExitCodes.USAGE));
      github = new GitHubApi(env.get("GITHUB_API_URL"), token);
    }
    if (event.pullRequest().isPresent() && event.headSha().isEmpty()) {
      event = withCommitsFromApi(github, event);
    }
    Path workspace = workspace();
    // Checked before anything runs: a refused .zerocred means nothing is written at all.
    OutputDirectory outputDir = outputDirectory(workspace);
    // The built-in prompt asks for findings through the schema; a user's prompt gets plain text.
    boolean structured = inputs.prompt().isEmpty() && inputs.promptFile().isEmpty();
    String prompt = prompt(inputs, event, workspace);
    wf.line("[zerocred] reviewing " + describe(event));

    RunResult result = execute(wf, inputs, credential, workspace, outputDir, prompt, structured);
    ReviewFindings findings = FindingsParser.forRun(result, structured);
    findings.warnings().forEach(w -> wf.warning("zerocred findings: " + w));
    Path reviewFile = writeResultFiles(outputDir, result, findings);
    // Claude's text, as it is, with the runner's command processing stopped around it.
    String review = result.isSuccess() ? findings.markdown() : result.resultText();
    if (!review.isBlank()) {
      wf.block(result.isSuccess() ? "The review" : "Claude Code's output", review);
    }

    outputs
        .set("result", result.resultText())
        .set("result_file", OUTPUT_DIR + "/" + ReviewFiles.REVIEW_MD)
        .set("findings_file", OUTPUT_DIR + "/" + FindingsFiles.FINDINGS_JSON)
        .set("sarif_file", OUTPUT_DIR + "/" + FindingsFiles.FINDINGS_SARIF)
        .set("cost_usd", String.format(Locale.ROOT, "%.6f", result.costUsd()))
        .set("num_turns", Integer.toString(result.numTurns()))
        .set("duration_ms", Long.toString(result.durationMs()))
        .set("session_id", result.sessionId().orElse(""))
        .set("run_id", result.runId());
    summary.append(summaryTable(result)).append('\n');
    if (!result.isSuccess()) {
      throw failure(result, credential);
    }
    summary.append(findings.markdown()).append('\n');
    wf.line("[zerocred] " + ProgressLines.summary(result) + "; review in " + reviewFile);

    if (event.pullRequest().isEmpty()) {
      wf.notice(
          "This "
              + (event.name().isEmpty() ? "run" : event.name() + " event")
              + " is not about a pull request: the review is in the step summary and the"
              + " outputs only");
    } else if (posting) {
      String url =
          findings.structured()
              ? postReview(wf, github, inputs, event, result, findings)
              : post(wf, github, inputs, event, result);
      outputs.set("comment_url", url);
      summary.append("\n[The review on the pull request](").append(url).append(")\n");
      wf.line("[zerocred] review posted: " + url);
    }
    List<Finding> over = findings.atOrAbove(inputs.failOnSeverity());
    if (!over.isEmpty()) {
      throw new ActionFailure(
          "findings_over_threshold",
          "Findings at or above " + inputs.failOnSeverity().get().id(),
          over.size()
              + " finding(s) at or above fail_on_severity "
              + inputs.failOnSeverity().get().id()
              + ": "
              + over.stream()
                  .map(f -> f.location() + " " + f.severity().id() + " " + f.title())
                  .collect(Collectors.joining("; ")),
          ExitCodes.RUNTIME_FAILURE);
    }
  }

  private Credential credential(ActionInputs inputs, GitHubEvent event) {
    if (inputs.oauthToken().isEmpty() && inputs.apiKey().isEmpty()) {
      String message;
      if (event.fromFork()) {
        message =
            "No Anthropic credential: this pull request comes from the fork "
                + event.headRepository().orElse("(deleted)")
                + ", and GitHub does not give repository secrets to workflows that pull requests"
                + " from forks trigger, so claude_code_oauth_token and anthropic_api_key arrive"
                + " empty. Review fork pull requests with a `pull_request_target` workflow"
                + " (zerocred keeps the secret out of Claude's container, but never build or run"
                + " the pull request's code in that job), or skip forks with `if:"
                + " github.event.pull_request.head.repo.full_name == github.repository`.";
      } else {
        message =
            "No Anthropic credential: set claude_code_oauth_token: ${{"
                + " secrets.CLAUDE_CODE_OAUTH_TOKEN }} (make the token with `claude setup-token`"
                + " and store it as a repository secret) or anthropic_api_key: ${{"
                + " secrets.ANTHROPIC_API_KEY }}";
      }
      throw new ActionFailure(
          "credential_missing", "Anthropic credential missing", message, ExitCodes.CREDENTIALS);
    }
    Map<String, String> credentials = new HashMap<>();
    inputs.oauthToken().ifPresent(t -> credentials.put(Credentials.OAUTH_VARIABLE, t));
    inputs.apiKey().ifPresent(k -> credentials.put(Credentials.API_KEY_VARIABLE, k));
    try {
      return Credentials.anthropicFromEnvironment(credentials);
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure(
          "credential_missing",
          "Anthropic credential unusable",
          e.getMessage()
              .replace(Credentials.OAUTH_VARIABLE, "claude_code_oauth_token")
              .replace(Credentials.API_KEY_VARIABLE, "anthropic_api_key"),
          ExitCodes.CREDENTIALS);
    }
  }

  private GitHubEvent withCommitsFromApi(GitHubApi github, GitHubEvent event) {
    try {
      GitHubApi.PullRequest pr = github.pullRequest(event.repository(), event.pullRequest().get());
      return event.withCommits(pr.baseSha(), pr.headSha(), pr.fromFork(), pr.headRepository());
    } catch (GitHubApi.GitHubException e) {
      throw new ActionFailure(
          "github_error",
          "Cannot read the pull request",
          e.getMessage() + " (the job needs `permissions: pull-requests: read`)",
          ExitCodes.RUNTIME_FAILURE);
    }
  }

  private Path workspace() {
    String ws = env.get("GITHUB_WORKSPACE");
    return Path.of(ws == null || ws.isBlank() ? "." : ws).toAbsolutePath().normalize();
  }

  /** The workspace's {@code .zerocred}: created, or verified to be zerocred's own directory. */
  private static OutputDirectory outputDirectory(Path workspace) {
    try {
      return OutputDirectory.open(
          workspace.resolve(OUTPUT_DIR),
          workspace,
          OUTPUT_DIR + " (the action's output directory)");
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure(
          "invalid_input", "Output directory refused", e.getMessage(), ExitCodes.USAGE);
    } catch (IOException e) {
      throw new ActionFailure(
          "infrastructure_failure",
          "zerocred failed",
          "Cannot create " + OUTPUT_DIR + " in the workspace: " + e.getMessage(),
          ExitCodes.RUNTIME_FAILURE);
    }
  }

  private static String prompt(ActionInputs inputs, GitHubEvent event, Path workspace) {
    if (inputs.prompt().isEmpty() && inputs.promptFile().isEmpty()) {
      return ReviewPrompt.builtIn(event.baseSha().orElse(null), event.headSha().orElse("HEAD"))
          + FindingsSchema.PROMPT;
    }
    try {
      // prompt_file is relative to the workspace, and must stay in it (see ReviewPrompt.readFile).
      return ReviewPrompt.resolve(
          inputs.prompt().orElse(null),
          inputs.promptFile().map(workspace::resolve).orElse(null),
          workspace,
          null,
          "the prompt input",
          "prompt_file");
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure("invalid_input", "Invalid input", e.getMessage(), ExitCodes.USAGE);
    }
  }

  private RunResult execute(
      WorkflowCommands wf,
      ActionInputs inputs,
      Credential credential,
      Path workspace,
      OutputDirectory outputDir,
      String prompt,
      boolean structured) {
    Path temp;
    try {
      temp = Files.createTempDirectory("zerocred-action-");
    } catch (IOException e) {
      throw new ActionFailure(
          "infrastructure_failure",
          "zerocred failed",
          "Cannot create a temporary directory: " + e.getMessage(),
          ExitCodes.RUNTIME_FAILURE);
    }
    Path audit = temp.resolve(ReviewFiles.AUDIT_JSONL);
    wf.group("Claude Code is reviewing (sandboxed: no network but the credential proxy)");
    try {
      RunConfig.Builder b =
          RunConfig.builder()
              // A GitHub runner reaches registries; the runner image is pulled on first use.
              .pullMissingImage(true)
              .workspace(workspace)
              .prompt(prompt)
              .timeout(inputs.timeout())
              .credential(credential)
              .auditLog(audit)
              .listener(new ProgressLines(line -> wf.line("[zerocred] " + line)));
      if (structured) {
        b.jsonSchema(FindingsSchema.json());
      }
      inputs.model().ifPresent(b::model);
      inputs.maxTurns().ifPresent(b::maxTurns);
      inputs.maxBudgetUsd().ifPresent(b::maxBudgetUsd);
      inputs.maxApiRequests().ifPresent(b::maxApiRequests);
      inputs.image().ifPresent(b::image);
      b.allowedTools(inputs.allowedTools());
      inputs.allowHosts().forEach(b::extraAllowedHost);
      inputs.allowEndpoints().forEach(b::allowEndpoint);
      inputs.routes().forEach(b::route);
      inputs.upstreamCas().forEach(b::upstreamCa);
      b.secretToKeepOut("the GitHub token (github_token)", inputs.githubToken().orElse(null));
      return ClaudeRun.execute(b.build(), stop.cancellation());
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure("invalid_input", "Invalid input", e.getMessage(), ExitCodes.USAGE);
    } finally {
      wf.endGroup();
      copyAudit(audit, outputDir);
      deleteTree(temp);
    }
  }

  private static Path writeResultFiles(
      OutputDirectory outputDir, RunResult result, ReviewFindings findings) {
    try {
      return ReviewFiles.in(outputDir).write(result, findings, VersionProvider.version());
    } catch (IOException e) {
      throw new ActionFailure(
          "infrastructure_failure",
          "zerocred failed",
          "Cannot write the review into the workspace: " + e.getMessage(),
          ExitCodes.RUNTIME_FAILURE);
    }
  }

  private static void copyAudit(Path audit, OutputDirectory outputDir) {
    try {
      if (Files.exists(audit)) {
        outputDir.copyFrom(audit, ReviewFiles.AUDIT_JSONL);
      }
    } catch (IOException e) {
      // The audit log is a by-product; the run's own outcome decides the step.
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      // A temporary directory in a container that is removed after the step.
    }
  }

  /** The failure for a run that produced no review, with what the user must do. */
  static ActionFailure failure(RunResult result, Credential credential) {
    String detail = result.message() + " " + result.resultText();
    if (result.outcome() == RunResult.Outcome.CLAUDE_ERROR && isAuthenticationFailure(detail)) {
      String said =
          firstLine(result.resultText().isBlank() ? result.message() : result.resultText());
      String message =
          credential.kind() == Credential.Kind.ANTHROPIC_OAUTH_TOKEN
              ? "The Claude Code OAuth token was rejected ("
                  + said
                  + "). OAuth tokens expire: run `claude setup-token` again and update the"
                  + " secret passed as claude_code_oauth_token."
              : "The Anthropic API key was rejected ("
                  + said
                  + "). Check the key in the Anthropic Console and update the secret passed as"
                  + " anthropic_api_key.";
      return new ActionFailure(
          "credential_rejected", "Anthropic credential rejected", message, ExitCodes.CREDENTIALS);
    }
    return switch (result.outcome()) {
      case TIMED_OUT ->
          new ActionFailure(
              "timed_out",
              "Claude Code timed out",
              result
                  .message()
                  .replace("raise timeout", "raise timeout_minutes")
                  .replace("lower maxTurns", "lower max_turns"),
              ExitCodes.RUNTIME_FAILURE);
      case CANCELLED ->
          new ActionFailure(
              CANCELLED, "Review cancelled", result.message(), ExitCodes.RUNTIME_FAILURE);
      case BUDGET_EXCEEDED ->
          new ActionFailure(
              "budget_exceeded",
              "Budget reached at the proxy",
              result
                  .message()
                  .replace("raise the budget", "raise max_budget_usd")
                  .replace("raise the cap", "raise max_api_requests"),
              ExitCodes.RUNTIME_FAILURE);
      case INFRASTRUCTURE_FAILURE ->
          new ActionFailure(
              "infrastructure_failure",
              "zerocred could not run Claude Code",
              result.message(),
              ExitCodes.RUNTIME_FAILURE);
      default ->
          new ActionFailure(
              "claude_error", "Claude Code failed", result.message(), ExitCodes.RUNTIME_FAILURE);
    };
  }

  static boolean isAuthenticationFailure(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    return t.contains("api error: 401")
        || t.contains("failed to authenticate")
        || t.contains("authentication_error")
        || t.contains("oauth token has expired")
        || t.contains("invalid x-api-key")
        || t.contains("invalid api key");
  }

  private String post(
      WorkflowCommands wf,
      GitHubApi github,
      ActionInputs inputs,
      GitHubEvent event,
      RunResult result) {
    String marker = marker();
    String body = commentBody(marker, result);
    String repository = event.repository();
    int number = event.pullRequest().get();
    try {
      Optional<String> me =
          inputs.commentMode() == ActionInputs.CommentMode.STICKY
              ? identity(wf, github)
              : Optional.empty();
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
    } catch (GitHubApi.GitHubException e) {
      throw notPosted(number, e);
    }
  }

  /** Posts structured findings as a pull request review with comments on the diff's lines. */
  private String postReview(
      WorkflowCommands wf,
      GitHubApi github,
      ActionInputs inputs,
      GitHubEvent event,
      RunResult result,
      ReviewFindings findings) {
    String repository = event.repository();
    int number = event.pullRequest().get();
    String head = event.headSha().orElse("");
    try {
      Optional<String> me =
          inputs.commentMode() == ActionInputs.CommentMode.STICKY
              ? identity(wf, github)
              : Optional.empty();
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
    } catch (GitHubApi.GitHubException e) {
      throw notPosted(number, e);
    }
  }

  /**
   * Who the token acts as, so that sticky mode touches only what that account wrote; when GitHub
   * does not say, this run posts anew rather than risk editing someone else's comment.
   */
  private static Optional<String> identity(WorkflowCommands wf, GitHubApi github) {
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

  private static ActionFailure notPosted(int number, GitHubApi.GitHubException e) {
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
        ExitCodes.RUNTIME_FAILURE);
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

  private static String summaryTable(RunResult r) {
    return String.format(
        Locale.ROOT,
        "| Outcome | Turns | Cost | Duration |\n|---|---|---|---|\n| %s %s | %d | $%.4f | %.1f s |\n",
        r.isSuccess() ? "✅" : "❌",
        ProgressLines.outcomeName(r),
        r.numTurns(),
        r.costUsd(),
        r.durationMs() / 1000.0);
  }

  private void writeFileCommands(
      WorkflowCommands wf, WorkflowCommands.Outputs outputs, String summary) {
    String outputFile = env.get("GITHUB_OUTPUT");
    String summaryFile = env.get("GITHUB_STEP_SUMMARY");
    try {
      if (outputFile != null && !outputFile.isBlank()) {
        outputs.appendTo(Path.of(outputFile));
      }
      if (summaryFile != null && !summaryFile.isBlank()) {
        WorkflowCommands.append(Path.of(summaryFile), summary);
      }
    } catch (IOException e) {
      wf.warning("Could not write the step's outputs or summary: " + e.getMessage());
    }
  }

  private static String describe(GitHubEvent event) {
    String what =
        event.repository() + event.pullRequest().map(n -> " pull request #" + n).orElse("");
    if (event.baseSha().isPresent() && event.headSha().isPresent()) {
      return what
          + " ("
          + shortSha(event.baseSha().get())
          + ".."
          + shortSha(event.headSha().get())
          + ")";
    }
    return what + event.headSha().map(h -> " (" + shortSha(h) + ")").orElse("");
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
