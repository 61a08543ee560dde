package io.github.zerocred.cli;

import io.github.zerocred.findings.FindingsParser;
import io.github.zerocred.findings.FindingsSchema;
import io.github.zerocred.findings.ReviewFindings;
import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.OutputDirectory;
import io.github.zerocred.review.ProgressLines;
import io.github.zerocred.review.Quantities;
import io.github.zerocred.review.ReviewFiles;
import io.github.zerocred.review.ReviewPrompt;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zerocred review}: one sandboxed Claude Code run over a checkout, with its review printed
 * and written to files. A thin translation of options into a {@link RunConfig}.
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
      "  1  Claude failed, timed out, or Docker/I/O failed (the message says which)",
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
      defaultValue = "30m",
      description =
          "Kill the container after this long (e.g. 90s, 10m, 1h). Default: ${DEFAULT-VALUE}.")
  String timeout;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "The runner image Claude Code runs in. Default: " + RunConfig.DEFAULT_IMAGE + ".")
  String image;

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

  @Spec CommandSpec spec;

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
    List<Credential> credentials;
    try {
      credentials = List.of(Credentials.anthropicFromEnvironment(env));
    } catch (InvalidConfigurationException e) {
      throw new CliException(ExitCodes.CREDENTIALS, e.getMessage(), e);
    }
    // Everything the user typed is checked before anything is written.
    // The built-in prompt asks for findings through the schema; the user's own gets plain text.
    boolean structured = (prompt == null || prompt.isBlank()) && promptFile == null;
    String promptText =
        ReviewPrompt.resolve(prompt, promptFile, workspace, baseRef, "--prompt", "--prompt-file")
            + (structured ? FindingsSchema.PROMPT : "");
    Duration limit = Quantities.duration(timeout, "--timeout");
    ReviewFiles files =
        ReviewFiles.prepare(OutputDirectory.open(outputDir, workspace, "--output-dir"));
    RunConfig.Builder b =
        RunConfig.builder()
            .workspace(workspace)
            .prompt(promptText)
            .timeout(limit)
            .credentials(credentials)
            .auditLog(files.auditLog())
            .listener(new ProgressLines(this::say));
    if (structured) {
      b.jsonSchema(FindingsSchema.json());
    }
    if (model != null) {
      b.model(model);
    }
    if (maxTurns != null) {
      b.maxTurns(maxTurns);
    }
    if (maxBudgetUsd != null) {
      b.maxBudgetUsd(maxBudgetUsd);
    }
    if (maxApiRequests != null) {
      if (maxApiRequests < 1) {
        throw new InvalidConfigurationException(
            "--max-api-requests must be at least 1, got " + maxApiRequests);
      }
      b.maxApiRequests(maxApiRequests);
    }
    if (image != null) {
      b.image(image);
    }
    b.allowedTools(allowedTools);
    allowHosts.forEach(b::extraAllowedHost);
    allowEndpoints.forEach(
        e -> b.allowEndpoint(ApiPolicy.Endpoint.parse(e, "--allow-endpoint").toString()));
    routes.forEach(b::route);
    upstreamCas.forEach(b::upstreamCa);
    RunResult result = ClaudeRun.execute(b.build(), stop.cancellation());
    ReviewFindings findings = FindingsParser.forRun(result, structured);
    findings.warnings().forEach(w -> say("warning: " + w));
    files.write(result, findings, VersionProvider.version());
    say(ProgressLines.summary(result));
    String review = result.isSuccess() ? findings.markdown().strip() : result.resultText();
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
    if (result.outcome() == RunResult.Outcome.CANCELLED) {
      throw new CliException(stop.exitCode(), result.message());
    }
    if (!result.isSuccess()) {
      // The message can quote Claude's output; Main prints it on stderr, which a runner reads.
      throw new CliException(
          ExitCodes.RUNTIME_FAILURE, WorkflowCommands.safeLine(result.message()));
    }
    return ExitCodes.OK;
  }

  private void say(String line) {
    synchronized (err) {
      // The runner reads stderr for workflow commands too; a line stays one inert line.
      err.println(WorkflowCommands.safeLine("[zerocred] " + line));
      err.flush();
    }
  }
}
