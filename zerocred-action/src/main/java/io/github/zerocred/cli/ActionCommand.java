package io.github.zerocred.cli;

import io.github.zerocred.findings.Finding;
import io.github.zerocred.findings.FindingsFiles;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.github.ActionInputs;
import io.github.zerocred.github.GitHubApi;
import io.github.zerocred.github.GitHubEvent;
import io.github.zerocred.github.GitHubText;
import io.github.zerocred.github.PullRequestPublisher;
import io.github.zerocred.github.SecretScrubber;
import io.github.zerocred.github.WorkflowCommands;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.OutputDirectory;
import io.github.zerocred.review.ReviewFailure;
import io.github.zerocred.review.ReviewFiles;
import io.github.zerocred.review.ReviewJob;
import io.github.zerocred.review.ReviewListener;
import io.github.zerocred.review.ReviewOutcome;
import io.github.zerocred.review.ReviewRequest;
import io.github.zerocred.review.ReviewSetting;
import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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
      wf.writeStepFiles(env, outputs, scrubber.scrub(summary.toString()));
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
    wf.line("[zerocred] reviewing " + event.describe());

    ReviewOutcome outcome = review(wf, inputs, event, credential, workspace, outputDir);
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
        .set("result_file", OUTPUT_DIR + "/" + ReviewFiles.REVIEW_MD)
        .set("findings_file", OUTPUT_DIR + "/" + FindingsFiles.FINDINGS_JSON)
        .set("sarif_file", OUTPUT_DIR + "/" + FindingsFiles.FINDINGS_SARIF)
        .set("cost_usd", String.format(Locale.ROOT, "%.6f", result.costUsd()))
        .set("num_turns", Integer.toString(result.numTurns()))
        .set("duration_ms", Long.toString(result.durationMs()))
        .set("session_id", result.sessionId().orElse(""))
        .set("run_id", result.runId());
    summary.append(GitHubText.summaryTable(result)).append('\n');
    if (outcome.failure().isPresent()) {
      throw failure(outcome.failure().get());
    }
    summary.append(findings.markdown()).append('\n');
    wf.line("[zerocred] " + outcome.summary() + "; review in " + outcome.files().reviewMarkdown());

    if (event.pullRequest().isEmpty()) {
      wf.notice(
          "This "
              + (event.name().isEmpty() ? "run" : event.name() + " event")
              + " is not about a pull request: the review is in the step summary and the"
              + " outputs only");
    } else if (posting) {
      String url;
      try {
        url = new PullRequestPublisher(github, wf, inputs, env).publish(event, result, findings);
      } catch (GitHubApi.GitHubException e) {
        throw notPosted(event.pullRequest().get(), e);
      }
      outputs.set("comment_url", url);
      summary.append("\n[The review on the pull request](").append(url).append(")\n");
      wf.line("[zerocred] review posted: " + url);
    }
    List<Finding> over = outcome.overThreshold();
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
      throw new ActionFailure(
          "credential_missing",
          "Anthropic credential missing",
          ActionInputs.missingCredential(event),
          ExitCodes.CREDENTIALS);
    }
    try {
      return inputs.anthropicCredential();
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure(
          "credential_missing",
          "Anthropic credential unusable",
          e.getMessage(),
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
          workspace.resolve(OUTPUT_DIR), workspace, input(ReviewSetting.OUTPUT_DIRECTORY));
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

  private ReviewOutcome review(
      WorkflowCommands wf,
      ActionInputs inputs,
      GitHubEvent event,
      Credential credential,
      Path workspace,
      OutputDirectory outputDir) {
    ReviewRequest request =
        ReviewRequest.builder()
            // A GitHub runner reaches registries; the runner image is pulled on first use.
            .pullMissingImage(true)
            .workspace(workspace)
            .prompt(inputs.prompt().orElse(null))
            // prompt_file is relative to the workspace, and must stay in it.
            .promptFile(inputs.promptFile().map(workspace::resolve).orElse(null))
            .baseRef(event.baseSha().orElse(null))
            .headRef(event.headSha().orElse(null))
            .model(inputs.model().orElse(null))
            .maxTurns(inputs.maxTurns().orElse(null))
            .maxBudgetUsd(inputs.maxBudgetUsd().orElse(null))
            .maxApiRequests(inputs.maxApiRequests().orElse(null))
            .timeout(inputs.timeout())
            .image(inputs.image().orElse(null))
            .memoryBytes(inputs.memoryBytes().orElse(null))
            .cpus(inputs.cpus().orElse(null))
            .allowedTools(inputs.allowedTools())
            .allowHosts(inputs.allowHosts())
            .allowEndpoints(inputs.allowEndpoints())
            .routes(inputs.routes())
            .upstreamCas(inputs.upstreamCas())
            .credential(credential)
            .secretToKeepOut("the GitHub token (github_token)", inputs.githubToken().orElse(null))
            .failOnSeverity(inputs.failOnSeverity())
            .toolVersion(VersionProvider.version())
            .names(ActionCommand::input)
            .claudeCodeVersion(inputs.claudeCodeVersion().orElse(null))
            .baseImage(inputs.baseImage().orElse(null))
            .npmRegistry(inputs.npmRegistry().orElse(null))
            .environment(env)
            .listener(
                new ReviewListener() {
                  @Override
                  public void progress(String line) {
                    wf.line("[zerocred] " + line);
                  }

                  @Override
                  public void runStarting() {
                    wf.group(
                        "Claude Code is reviewing (sandboxed: no network but the credential"
                            + " proxy)");
                  }

                  @Override
                  public void runEnded() {
                    wf.endGroup();
                  }

                  @Override
                  public void imageBuildStarting(String what) {
                    wf.group(what);
                  }

                  @Override
                  public void imageBuildEnded() {
                    wf.endGroup();
                  }
                })
            .files(() -> ReviewFiles.in(outputDir))
            // The audit log is written outside the workspace while the run lasts.
            .stageAuditLog(true)
            .build();
    try {
      return ReviewJob.run(request, stop.cancellation());
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure("invalid_input", "Invalid input", e.getMessage(), ExitCodes.USAGE);
    } catch (IOException e) {
      throw new ActionFailure(
          "infrastructure_failure", "zerocred failed", e.getMessage(), ExitCodes.RUNTIME_FAILURE);
    }
  }

  /** A setting as the action calls it: its input, or the environment variable. */
  static String input(ReviewSetting setting) {
    return switch (setting) {
      case WORKSPACE -> "GITHUB_WORKSPACE";
      case PROMPT -> "prompt";
      case PROMPT_FILE -> "prompt_file";
      case BASE_REF -> "the pull request's base";
      case MODEL -> "model";
      case MAX_TURNS -> "max_turns";
      case MAX_BUDGET_USD -> "max_budget_usd";
      case MAX_API_REQUESTS -> "max_api_requests";
      case TIMEOUT -> "timeout_minutes";
      case IMAGE -> "image";
      case MEMORY -> "memory";
      case CPUS -> "cpus";
      case ALLOWED_TOOLS -> "allowed_tools";
      case ALLOW_HOSTS -> "allow_hosts";
      case ALLOW_ENDPOINTS -> "allow_endpoints";
      case ROUTES -> "ZEROCRED_ROUTES";
      case UPSTREAM_CA -> "ZEROCRED_UPSTREAM_CA";
      case OUTPUT_DIRECTORY -> OUTPUT_DIR + " (the action's output directory)";
      case FAIL_ON_ERROR -> "fail_on_error";
      case FAIL_ON_SEVERITY -> "fail_on_severity";
      case OAUTH_TOKEN -> "claude_code_oauth_token";
      case API_KEY -> "anthropic_api_key";
      case CLAUDE_CODE_VERSION -> "claude_code_version";
      case BASE_IMAGE -> "base_image";
      case NPM_REGISTRY -> "npm_registry";
    };
  }

  /** The failure for a review that produced none, with what the user must do. */
  static ActionFailure failure(ReviewFailure failure) {
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
            ? ExitCodes.CREDENTIALS
            : ExitCodes.RUNTIME_FAILURE);
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
}
