package io.github.zerocred.cli;

import io.github.zerocred.github.SecretScrubber;
import io.github.zerocred.github.WorkflowCommands;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.ReviewJob;
import io.github.zerocred.review.ReviewOutcome;
import io.github.zerocred.review.ReviewRequest;
import io.github.zerocred.review.ReviewSetting;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zerocred review}: one sandboxed Claude Code run over a checkout, with its review printed
 * and written to files. Translates options into a {@link ReviewRequest} and the {@link
 * ReviewOutcome} into a terminal's words and an exit code.
 */
@Command(
    name = "review",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Reviews a checkout with Claude Code in print mode, inside a locked-down Docker container"
          + " whose only route out is this run's credential-injecting proxy. The container gets a"
          + " copy of the workspace and a placeholder credential; the real one stays here.",
      "",
      "Progress goes to stderr, the review to stdout; review.md, review.json and audit.jsonl are"
          + " written to the output directory, also when the run fails.",
      ""
    },
    footerHeading = "%n",
    footer = {
      "Environment (credentials come only from here: options show up in `ps`):",
      "  CLAUDE_CODE_OAUTH_TOKEN  OAuth token (sk-ant-oat01-..., `claude setup-token`)",
      "  ANTHROPIC_API_KEY        API key (sk-ant-api03-...); set exactly one of the two",
      "  DOCKER_HOST              the Docker engine (default: the local socket)",
      "",
      "Exit codes:",
      "  0  the review was produced",
      "  1  Claude failed, timed out, or Docker/I/O failed (the message says which), or a",
      "     finding is at least as severe as --fail-on-severity",
      "  2  usage error (unknown option, bad option value)",
      "  3  credential missing or malformed in the environment",
      "  130/143  cancelled by SIGINT/SIGTERM: the container is stopped, the files hold the",
      "           partial output and the reason, nothing is left behind"
    })
final class ReviewCommand implements Callable<Integer> {
  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "The checkout to review; copied into the container. Default: ${DEFAULT-VALUE}.")
  Path workspace;

  @Option(
      names = "--prompt",
      paramLabel = "TEXT",
      description = "What to ask Claude. Default: a code-review prompt.")
  String prompt;

  @Option(
      names = "--prompt-file",
      paramLabel = "FILE",
      description = "Read the prompt from a file instead.")
  Path promptFile;

  @Option(
      names = "--base-ref",
      paramLabel = "REF",
      description = "Review only the changes from REF to HEAD (the default prompt names them).")
  String baseRef;

  @Option(names = "--model", paramLabel = "MODEL", description = "Claude model to use.")
  String model;

  @Option(names = "--max-turns", paramLabel = "N", description = "Stop after N agent turns.")
  Integer maxTurns;

  @Option(
      names = "--max-budget-usd",
      paramLabel = "USD",
      description =
          "Stop when the run has cost this much: Claude Code's own limit, and the proxy's, which"
              + " refuses further API calls once the spend it measures reaches it.")
  BigDecimal maxBudgetUsd;

  @Option(
      names = "--max-api-requests",
      paramLabel = "N",
      description =
          "The proxy forwards at most N Messages requests in this run and refuses the rest (the"
              + " run ends budget_exceeded). Default: no limit.")
  Integer maxApiRequests;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = ReviewRequest.DEFAULT_TIMEOUT,
      description =
          "Kill the container after this long (e.g. 90s, 10m, 1h). Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Run exactly this image (it must be on the engine). Default: the runner image zerocred"
              + " builds from --claude-code-version and --base-image, reused while they hold.")
  String image;

  @Option(
      names = "--memory",
      paramLabel = "SIZE",
      defaultValue = ReviewRequest.DEFAULT_MEMORY,
      description = "The container's memory limit (e.g. 512m, 4g). Default: ${DEFAULT-VALUE}.")
  String memory;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      defaultValue = ReviewRequest.DEFAULT_CPUS,
      description = "How many CPUs the container may use. Default: ${DEFAULT-VALUE}.")
  double cpus;

  @Option(
      names = "--allowed-tools",
      paramLabel = "TOOL",
      split = ",",
      description = "Tools Claude may use (comma-separated or repeated).")
  List<String> allowedTools = new ArrayList<>();

  @Option(
      names = "--allow-host",
      paramLabel = "HOST",
      description = "A further host the container may reach (port 443, not inspected). Repeatable.")
  List<String> allowHosts = new ArrayList<>();

  @Option(
      names = "--allow-endpoint",
      paramLabel = "'METHOD PATH'",
      description =
          "A further Anthropic API endpoint the container may call with the credential (exact"
              + " path), besides what Claude Code needs. Repeatable.")
  List<String> allowEndpoints = new ArrayList<>();

  @Option(
      names = "--route",
      paramLabel = "HOST=IP:PORT",
      description = "Send HOST's traffic to IP:PORT, still verifying TLS against HOST. Repeatable.")
  List<String> routes = new ArrayList<>();

  @Option(
      names = "--upstream-ca",
      paramLabel = "PEM",
      description = "Trust these CA certificates for upstreams, besides the system's. Repeatable.")
  List<Path> upstreamCas = new ArrayList<>();

  @Option(
      names = "--output-dir",
      paramLabel = "DIR",
      defaultValue = "zerocred-output",
      description = "Where review.md, review.json and audit.jsonl go. Default: ${DEFAULT-VALUE}.")
  Path outputDir;

  @Option(
      names = "--fail-on-severity",
      paramLabel = "SEVERITY",
      defaultValue = ReviewRequest.DEFAULT_FAIL_ON_SEVERITY,
      description =
          "Exit 1 when a finding is at least this severe: critical, high, medium, low, info, or"
              + " none (never). Findings come with the built-in prompt only."
              + " Default: ${DEFAULT-VALUE}.")
  String failOnSeverity;

  @Option(
      names = "--proxy-placement",
      paramLabel = "WHERE",
      defaultValue = "auto",
      description =
          "Where the proxy runs: auto (a container of its own for a tcp:// Docker engine, else"
              + " this process), host or container. Default: ${DEFAULT-VALUE}.")
  String proxyPlacement;

  @Option(
      names = "--proxy-image",
      paramLabel = "IMAGE",
      defaultValue = ReviewRequest.DEFAULT_PROXY_IMAGE,
      description =
          "zerocred's action image, which runs the proxy when it runs in a container; it must be"
              + " on the engine. Default: ${DEFAULT-VALUE}.")
  String proxyImage;

  @Option(
      names = "--runtime",
      paramLabel = "NAME",
      description =
          "The OCI runtime for Claude's container, such as runsc (gVisor); it must be registered"
              + " with the Docker engine. Default: the engine's.")
  String runtime;

  @Spec CommandSpec spec;

  @Option(
      names = "--claude-code-version",
      paramLabel = "VERSION",
      description =
          "The exact Claude Code version of the runner image zerocred builds. Default: "
              + ReviewRequest.DEFAULT_CLAUDE_CODE_VERSION
              + ".")
  String claudeCodeVersion;

  @Option(
      names = "--base-image",
      paramLabel = "IMAGE",
      description =
          "The base of the runner image zerocred builds. Default: "
              + ReviewRequest.DEFAULT_BASE_IMAGE
              + ".")
  String baseImage;

  @Option(
      names = "--npm-registry",
      paramLabel = "URL",
      description =
          "The npm registry Claude Code is fetched from. Default: npm's own configuration"
              + " (NPM_CONFIG_REGISTRY, ~/.npmrc, npm config get registry).")
  String npmRegistry;

  @Option(
      names = "--workspace-files",
      paramLabel = "WHICH",
      description =
          "Which of the workspace's files are copied into the container: tracked (the files git"
              + " tracks, as they are on disk, and .git) or all. Default: tracked.")
  String workspaceFiles;

  private final Map<String, String> env;
  private final PrintWriter err;
  private final StopSignal stop;

  ReviewCommand(Map<String, String> env, PrintWriter err, StopSignal stop) {
    this.env = Map.copyOf(env);
    this.err = err;
    this.stop = stop;
  }

  @Override
  public Integer call() throws IOException {
    Credential credential;
    try {
      credential = Credentials.anthropicFromEnvironment(env);
    } catch (InvalidConfigurationException e) {
      throw new CliException(ExitCodes.CREDENTIALS, e.getMessage(), e);
    }
    // Everything the user typed is checked before anything is written.
    ReviewRequest request =
        ReviewRequest.builder()
            .workspace(workspace)
            .prompt(prompt)
            .promptFile(promptFile)
            .baseRef(baseRef)
            .model(model)
            .maxTurns(maxTurns)
            .maxBudgetUsd(maxBudgetUsd)
            .maxApiRequests(maxApiRequests)
            .timeout(timeout)
            .image(image)
            .memory(memory)
            .cpus(cpus)
            .allowedTools(allowedTools)
            .allowHosts(allowHosts)
            .allowEndpoints(allowEndpoints)
            .routes(routes)
            .upstreamCas(upstreamCas)
            .credential(credential)
            .failOnSeverity(failOnSeverity)
            .toolVersion(VersionProvider.version())
            .names(ReviewCommand::option)
            .claudeCodeVersion(claudeCodeVersion)
            .baseImage(baseImage)
            .npmRegistry(npmRegistry)
            .environment(env)
            .listener(this::say)
            .outputDirectory(outputDir)
            .proxyPlacement(proxyPlacement)
            .proxyImage(proxyImage)
            .runtime(runtime)
            .workspaceFiles(workspaceFiles)
            .build();
    ReviewOutcome outcome = ReviewJob.run(request, stop.cancellation());
    outcome.findings().warnings().forEach(w -> say("warning: " + w));
    say(outcome.summary());
    String review = outcome.reviewText().strip();
    if (!review.isEmpty()) {
      PrintWriter out = spec.commandLine().getOut();
      if ("true".equalsIgnoreCase(env.get("GITHUB_ACTIONS"))) {
        // In a `run:` step the runner reads stdout for workflow commands: Claude's text must
        // not be able to issue one.
        new WorkflowCommands(out, SecretScrubber.forEnvironment(env)).block(null, review);
      } else {
        out.println(review);
        out.flush();
      }
    }
    if (outcome.isCancelled()) {
      throw new CliException(stop.exitCode(), outcome.failure().get().message());
    }
    // The messages can quote Claude's output; Main prints them on stderr, which a runner reads.
    if (outcome.failure().isPresent()) {
      throw new CliException(
          ExitCodes.RUNTIME_FAILURE, WorkflowCommands.safeLine(outcome.failure().get().message()));
    }
    Optional<String> verdict = outcome.verdictLine(option(ReviewSetting.FAIL_ON_SEVERITY));
    if (verdict.isPresent()) {
      throw new CliException(ExitCodes.RUNTIME_FAILURE, WorkflowCommands.safeLine(verdict.get()));
    }
    return ExitCodes.OK;
  }

  /** A setting as this command calls it: its option, or the environment variable. */
  static String option(ReviewSetting setting) {
    return switch (setting) {
      case WORKSPACE -> "--workspace";
      case PROMPT -> "--prompt";
      case PROMPT_FILE -> "--prompt-file";
      case BASE_REF -> "--base-ref";
      case MODEL -> "--model";
      case MAX_TURNS -> "--max-turns";
      case MAX_BUDGET_USD -> "--max-budget-usd";
      case MAX_API_REQUESTS -> "--max-api-requests";
      case TIMEOUT -> "--timeout";
      case IMAGE -> "--image";
      case MEMORY -> "--memory";
      case CPUS -> "--cpus";
      case ALLOWED_TOOLS -> "--allowed-tools";
      case ALLOW_HOSTS -> "--allow-host";
      case ALLOW_ENDPOINTS -> "--allow-endpoint";
      case ROUTES -> "--route";
      case UPSTREAM_CA -> "--upstream-ca";
      case OUTPUT_DIRECTORY -> "--output-dir";
      case FAIL_ON_ERROR -> "the exit code";
      case FAIL_ON_SEVERITY -> "--fail-on-severity";
      case OAUTH_TOKEN -> Credentials.OAUTH_VARIABLE;
      case API_KEY -> Credentials.API_KEY_VARIABLE;
      case PROXY_PLACEMENT -> "--proxy-placement";
      case PROXY_IMAGE -> "--proxy-image";
      case RUNTIME -> "--runtime";
      case CLAUDE_CODE_VERSION -> "--claude-code-version";
      case BASE_IMAGE -> "--base-image";
      case NPM_REGISTRY -> "--npm-registry";
      case WORKSPACE_FILES -> "--workspace-files";
    };
  }

  private void say(String line) {
    synchronized (err) {
      // The runner reads stderr for workflow commands too; a line stays one inert line.
      err.println(WorkflowCommands.safeLine("[zerocred] " + line));
      err.flush();
    }
  }
}
