package io.github.zerocred.cli;

import io.github.zerocred.github.ActionContext;
import io.github.zerocred.github.ActionFailure;
import io.github.zerocred.github.ActionInputs;
import io.github.zerocred.github.ActionReport;
import io.github.zerocred.github.GitHubEvent;
import io.github.zerocred.github.ReviewProgress;
import io.github.zerocred.github.SecretScrubber;
import io.github.zerocred.github.WorkflowCommands;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.HandedOverReview;
import io.github.zerocred.review.ReviewJob;
import io.github.zerocred.review.ReviewRequest;
import io.github.zerocred.review.ReviewSetting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
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
  @Spec CommandSpec spec;

  private final Map<String, String> env;
  private final StopSignal stop;

  ActionCommand(Map<String, String> env, StopSignal stop) {
    this.env = Map.copyOf(env);
    this.stop = stop;
  }

  @Override
  public Integer call() {
    SecretScrubber scrubber = SecretScrubber.forSecrets(ActionInputs.secrets(env));
    // Workflow commands go to stdout, where the runner reads them.
    WorkflowCommands wf = new WorkflowCommands(spec.commandLine().getOut(), scrubber);
    // First of all: from here on the runner hides every secret, whatever prints it.
    ActionInputs.secrets(env).forEach(wf::addMask);
    ActionReport report = new ActionReport(wf, scrubber, env);
    boolean failOnError = ActionInputs.failOnError(env);
    try {
      ActionContext context = ActionContext.read(env, ActionCommand::input);
      wf.line("[zerocred] reviewing " + context.event().describe());
      report.prepareDelivery(context);
      // Posted while the run's sandbox is torn down; closing waits for that, on every path.
      try (HandedOverReview review = review(wf, context)) {
        report.reviewed(context, review.outcome());
      }
      report.succeeded();
      return ExitCodes.OK;
    } catch (ActionFailure f) {
      report.failed(f);
      if (f.isCancelled()) {
        // Never green, whatever fail_on_error says: the job was cancelled, not the review failed.
        return stop.exitCode();
      }
      return failOnError ? exitCode(f.exit()) : ExitCodes.OK;
    } finally {
      report.writeStepFiles();
    }
  }

  private HandedOverReview review(WorkflowCommands wf, ActionContext context) {
    ActionInputs inputs = context.inputs();
    GitHubEvent event = context.event();
    Path workspace = context.workspace();
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
            .credential(context.credential())
            .secretToKeepOut("the GitHub token (github_token)", inputs.githubToken().orElse(null))
            .failOnSeverity(inputs.failOnSeverity())
            .toolVersion(VersionProvider.version())
            .names(ActionCommand::input)
            .claudeCodeVersion(inputs.claudeCodeVersion().orElse(null))
            .baseImage(inputs.baseImage().orElse(null))
            .npmRegistry(inputs.npmRegistry().orElse(null))
            .environment(env)
            .listener(new ReviewProgress(wf))
            .files(context::files)
            // The audit log is written outside the workspace while the run lasts.
            .stageAuditLog(true)
            .runtime(inputs.runtime().orElse(null))
            .workspaceFiles(inputs.workspaceFiles().orElse(null))
            .build();
    try {
      return ReviewJob.runHandingOver(request, stop.cancellation());
    } catch (InvalidConfigurationException | IOException e) {
      throw ActionFailure.notRun(e);
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
      case OUTPUT_DIRECTORY -> ActionContext.OUTPUT_DIR + " (the action's output directory)";
      case FAIL_ON_ERROR -> "fail_on_error";
      case FAIL_ON_SEVERITY -> "fail_on_severity";
      case OAUTH_TOKEN -> "claude_code_oauth_token";
      case API_KEY -> "anthropic_api_key";
      case PROXY_PLACEMENT, PROXY_IMAGE -> "(none: the action uses the runner's own engine)";
      case RUNTIME -> "runtime";
      case CLAUDE_CODE_VERSION -> "claude_code_version";
      case BASE_IMAGE -> "base_image";
      case NPM_REGISTRY -> "npm_registry";
      case WORKSPACE_FILES -> "workspace_files";
    };
  }

  private static int exitCode(ActionFailure.Exit exit) {
    return switch (exit) {
      case USAGE -> ExitCodes.USAGE;
      case CREDENTIALS -> ExitCodes.CREDENTIALS;
      case RUNTIME_FAILURE -> ExitCodes.RUNTIME_FAILURE;
    };
  }
}
