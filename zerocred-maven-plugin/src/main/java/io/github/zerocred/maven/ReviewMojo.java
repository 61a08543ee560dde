package io.github.zerocred.maven;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.ReviewFailure;
import io.github.zerocred.review.ReviewFiles;
import io.github.zerocred.review.ReviewJob;
import io.github.zerocred.review.ReviewOutcome;
import io.github.zerocred.review.ReviewRequest;
import io.github.zerocred.review.ReviewSetting;
import io.github.zerocred.review.ShutdownGuard;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Reviews the checkout with Claude Code in print mode, inside a locked-down Docker container whose
 * only way out is this run's credential-injecting proxy: the container gets a copy of the workspace
 * and a placeholder, the real credential stays in this JVM. Runs once per build, for the project
 * Maven was started in, however many modules the build has.
 */
@Mojo(
    name = "review",
    aggregator = true,
    threadSafe = true,
    defaultPhase = LifecyclePhase.VERIFY,
    requiresDependencyResolution = ResolutionScope.NONE)
public class ReviewMojo extends AbstractRunnerImageMojo {
  /** The checkout to review. It is copied into the container; the original is never changed. */
  @Parameter(property = "zerocred.workspace", defaultValue = "${project.basedir}")
  File workspace;

  /** What to ask Claude. Default: the built-in review prompt (see {@code baseRef}). */
  @Parameter(property = "zerocred.prompt")
  String prompt;

  /** A file holding the prompt, instead of {@code prompt}. */
  @Parameter(property = "zerocred.promptFile")
  File promptFile;

  /**
   * Review only the changes from this git ref to HEAD, e.g. {@code origin/main}; the built-in
   * prompt names them. Needs the ref in the checkout.
   */
  @Parameter(property = "zerocred.baseRef")
  String baseRef;

  /** The Claude model, e.g. {@code sonnet}. Default: Claude Code's own. */
  @Parameter(property = "zerocred.model")
  String model;

  /** Stop after this many agent turns. Default: no limit. */
  @Parameter(property = "zerocred.maxTurns")
  Integer maxTurns;

  /**
   * Stop once the run has cost this many US dollars: Claude Code's own {@code --max-budget-usd},
   * and the proxy's limit, which refuses further API calls once the spend it measures reaches it.
   */
  @Parameter(property = "zerocred.maxBudgetUsd")
  String maxBudgetUsd;

  /**
   * The proxy forwards at most this many Messages requests in the run and refuses the rest (the run
   * ends {@code BUDGET_EXCEEDED}): a cap the agent cannot get around from inside the container.
   * Default: no limit.
   */
  @Parameter(property = "zerocred.maxApiRequests")
  Integer maxApiRequests;

  /** Kill the run after this long: {@code 90s}, {@code 10m}, {@code 1h} or ISO-8601. */
  @Parameter(property = "zerocred.timeout", defaultValue = ReviewRequest.DEFAULT_TIMEOUT)
  String timeout;

  /**
   * Run exactly this image (it must be on the Docker engine). Default: the runner image zerocred
   * builds from {@code claudeCodeVersion} and {@code baseImage}, reused while they hold.
   */
  @Parameter(property = "zerocred.image")
  String image;

  /** Tools Claude may use without asking, e.g. {@code Read}, {@code Bash(git diff *)}. */
  @Parameter(property = "zerocred.allowedTools")
  List<String> allowedTools;

  /** Further hosts the container may reach on port 443, tunnelled without inspection. */
  @Parameter(property = "zerocred.allowHosts")
  List<String> allowHosts;

  /**
   * Further Anthropic API endpoints, {@code METHOD PATH} with an exact path (e.g. {@code GET
   * /v1/models}), the container may call with the credential besides what Claude Code needs.
   */
  @Parameter(property = "zerocred.allowEndpoints")
  List<String> allowEndpoints;

  /**
   * {@code HOST=IP:PORT}: send HOST's traffic to that address while still verifying TLS against
   * HOST (an internal gateway, a test stand-in).
   */
  @Parameter(property = "zerocred.routes")
  List<String> routes;

  /** A PEM file of CA certificates to trust for upstream connections, besides the system's. */
  @Parameter(property = "zerocred.upstreamCa")
  File upstreamCa;

  /** The container's memory limit, e.g. {@code 2g} or {@code 512m}. */
  @Parameter(property = "zerocred.memory", defaultValue = ReviewRequest.DEFAULT_MEMORY)
  String memory;

  /** How many CPUs the container may use. */
  @Parameter(property = "zerocred.cpus", defaultValue = ReviewRequest.DEFAULT_CPUS)
  double cpus;

  /**
   * The OCI runtime for Claude's container, such as {@code runsc} (gVisor); the engine's default
   * when not set. It must be registered with the Docker engine.
   */
  @Parameter(property = "zerocred.runtime")
  String runtime;

  /**
   * The {@code settings.xml} server whose {@code <password>} holds the Anthropic token (encrypted
   * passwords work). Without that server, {@code CLAUDE_CODE_OAUTH_TOKEN} or {@code
   * ANTHROPIC_API_KEY} from the environment is used.
   */
  @Parameter(property = "zerocred.serverId", defaultValue = "anthropic")
  String serverId;

  /** Where review.md, review.json and audit.jsonl are written, whatever the outcome. */
  @Parameter(
      property = "zerocred.outputDirectory",
      defaultValue = "${project.build.directory}/zerocred")
  File outputDirectory;

  /**
   * Fail the build when the review did not succeed (Claude failed, timed out, or Docker failed).
   * With {@code false} that is a warning. Configuration mistakes always fail.
   */
  @Parameter(property = "zerocred.failOnError", defaultValue = "true")
  boolean failOnError;

  /**
   * Fail the build when a finding is at least this severe: {@code critical}, {@code high}, {@code
   * medium}, {@code low}, {@code info}, or {@code none} (the default) never to fail on findings.
   * Findings come with the built-in prompt only (a custom prompt gets a plain-text review).
   */
  @Parameter(
      property = "zerocred.failOnSeverity",
      defaultValue = ReviewRequest.DEFAULT_FAIL_ON_SEVERITY)
  String failOnSeverity;

  /**
   * Where the proxy runs: {@code auto} (a container for a {@code tcp://} Docker engine, else this
   * process), {@code host} or {@code container}. See the README's "Remote engines".
   */
  @Parameter(property = "zerocred.proxyPlacement", defaultValue = "auto")
  String proxyPlacement;

  /** zerocred's action image, which runs the proxy when it runs in a container on the engine. */
  @Parameter(property = "zerocred.proxyImage", defaultValue = ReviewRequest.DEFAULT_PROXY_IMAGE)
  String proxyImage;

  @Parameter(defaultValue = "${plugin.version}", readonly = true)
  String pluginVersion;

  /** Skip the review. */
  @Parameter(property = "zerocred.skip", defaultValue = "false")
  boolean skip;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  MavenSession session;

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  private final SettingsDecrypter decrypter;

  /**
   * Which of the workspace's files are copied into the container: {@code tracked} (the files git
   * tracks, as they are on disk, and {@code .git}) or {@code all}.
   */
  @Parameter(property = "zerocred.workspaceFiles", defaultValue = "tracked")
  String workspaceFiles;

  @Inject
  public ReviewMojo(SettingsDecrypter decrypter) {
    this.decrypter = decrypter;
  }

  /**
   * Maven's log, with every line made inert for CI runners: most of what is logged quotes Claude.
   */
  @Override
  public Log getLog() {
    return new InertLog(super.getLog());
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping the zerocred review: skip is true (zerocred.skip).");
      return;
    }
    if (!project.isExecutionRoot()) {
      // Bound to a phase in a parent POM, the goal is inherited by every module: review once.
      getLog()
          .info(
              "Skipping the zerocred review in "
                  + project.getArtifactId()
                  + ": it runs once per build, in the project the build started from.");
      return;
    }
    ReviewOutcome outcome;
    // A Mojo gets no signals: Ctrl-C or SIGTERM shut the JVM down. The guard cancels the run then
    // and holds the JVM until the partial output is written and reported here.
    try (ShutdownGuard guard = ShutdownGuard.install("Maven was stopped by SIGINT or SIGTERM")) {
      // A link or someone else's directory is refused here, before anything is written.
      ReviewFiles files =
          ReviewFiles.prepare(
              outputDirectory.toPath(), path(workspace), parameter(ReviewSetting.OUTPUT_DIRECTORY));
      // The files say why when the review cannot start (no credential, a refused setting).
      outcome = ReviewJob.run(files, () -> request(files), guard.cancellation());
      report(outcome);
    } catch (IOException | RuntimeException e) {
      for (Throwable notWritten : e.getSuppressed()) {
        getLog().warn("zerocred: " + notWritten.getMessage());
      }
      throw raise(translate(e));
    }
    if (outcome.failure().isPresent()) {
      AbstractMojoExecutionException failure = translate(outcome.failure().get());
      if (failOnError) {
        throw raise(failure);
      }
      getLog().warn(failure.getMessage() + " (failOnError is false: the build goes on)");
    }
    Optional<String> verdict = outcome.verdict("failOnSeverity");
    if (verdict.isPresent()) {
      // Titles and locations are Claude's text.
      throw new MojoFailureException(InertLog.inert(verdict.get()));
    }
  }

  private ReviewRequest request(ReviewFiles files) {
    CredentialLookup.Found found =
        new CredentialLookup(session.getSettings(), decrypter, environment).find(serverId);
    getLog().info("zerocred: " + found.credential().kind() + " from " + found.source());
    ReviewRequest request =
        ReviewRequest.builder()
            .workspace(path(workspace))
            .prompt(prompt)
            .promptFile(path(promptFile))
            .baseRef(baseRef)
            .model(model)
            .maxTurns(maxTurns)
            // Text: Maven's configurator cannot make a BigDecimal.
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
            .upstreamCas(upstreamCa == null ? List.of() : List.of(upstreamCa.toPath()))
            .credential(found.credential())
            .failOnSeverity(failOnSeverity)
            .toolVersion(pluginVersion)
            .names(ReviewMojo::parameter)
            .claudeCodeVersion(claudeCodeVersion)
            .baseImage(baseImage)
            .npmRegistry(npmRegistry)
            .environment(environment)
            .listener(
                line -> getLog().info("zerocred: " + line),
                warning -> getLog().warn("zerocred proxy: " + warning))
            .files(() -> files)
            .proxyPlacement(proxyPlacement)
            .proxyImage(proxyImage)
            .runtime(runtime)
            .workspaceFiles(workspaceFiles)
            .build();
    getLog()
        .info(
            String.format(
                "zerocred: reviewing %s in %s (timeout %s)",
                request.workspace(),
                image == null ? "the runner image zerocred builds" : image,
                timeout.strip()));
    return request;
  }

  /** A setting as this goal calls it: the parameter and its user property. */
  static String parameter(ReviewSetting setting) {
    String name =
        switch (setting) {
          case WORKSPACE -> "workspace";
          case PROMPT -> "prompt";
          case PROMPT_FILE -> "promptFile";
          case BASE_REF -> "baseRef";
          case MODEL -> "model";
          case MAX_TURNS -> "maxTurns";
          case MAX_BUDGET_USD -> "maxBudgetUsd";
          case MAX_API_REQUESTS -> "maxApiRequests";
          case TIMEOUT -> "timeout";
          case IMAGE -> "image";
          case MEMORY -> "memory";
          case CPUS -> "cpus";
          case ALLOWED_TOOLS -> "allowedTools";
          case ALLOW_HOSTS -> "allowHosts";
          case ALLOW_ENDPOINTS -> "allowEndpoints";
          case ROUTES -> "routes";
          case UPSTREAM_CA -> "upstreamCa";
          case OUTPUT_DIRECTORY -> "outputDirectory";
          case FAIL_ON_ERROR -> "failOnError";
          case FAIL_ON_SEVERITY -> "failOnSeverity";
          case OAUTH_TOKEN, API_KEY -> "the settings.xml server serverId";
          case PROXY_PLACEMENT -> "proxyPlacement";
          case PROXY_IMAGE -> "proxyImage";
          case RUNTIME -> "runtime";
          case CLAUDE_CODE_VERSION -> "claudeCodeVersion";
          case BASE_IMAGE -> "baseImage";
          case NPM_REGISTRY -> "npmRegistry";
          case WORKSPACE_FILES -> "workspaceFiles";
        };
    return switch (setting) {
      case OAUTH_TOKEN -> name + " (zerocred.serverId) or CLAUDE_CODE_OAUTH_TOKEN";
      case API_KEY -> name + " (zerocred.serverId) or ANTHROPIC_API_KEY";
      default -> name + " (zerocred." + name + ")";
    };
  }

  private void report(ReviewOutcome outcome) {
    outcome.findings().warnings().forEach(w -> getLog().warn("zerocred findings: " + w));
    String review = outcome.reviewText().strip();
    if (!review.isEmpty()) {
      getLog().info("");
      getLog().info("---- review ----");
      review.lines().forEach(getLog()::info);
      getLog().info("----------------");
    }
    ReviewFiles files = outcome.files();
    getLog()
        .info(
            String.format(
                "zerocred: written %s, %s, %s",
                files.reviewMarkdown(), files.resultJson(), files.auditLog()));
    getLog().info("zerocred: " + outcome.summary());
  }

  /**
   * The one place failures become Maven's: the user's configuration is a {@link
   * MojoFailureException} whose message names the parameter; Docker, network and I/O trouble is a
   * {@link MojoExecutionException} with its cause.
   */
  static AbstractMojoExecutionException translate(Throwable e) {
    // Maven prints the message in the build log, where a CI runner reads commands: it may quote
    // Claude's text (a Docker error quoting a line, a run's message).
    String message = InertLog.inert(e.getMessage() == null ? e.toString() : e.getMessage());
    if (e instanceof InvalidConfigurationException) {
      return new MojoFailureException(message, e);
    }
    return new MojoExecutionException(message, e);
  }

  /**
   * A review that produced no review: Claude's own failure or the user's limits fail the build like
   * a verdict; Docker trouble is an execution error.
   */
  static AbstractMojoExecutionException translate(ReviewFailure failure) {
    String message =
        "The zerocred review "
            + switch (failure.kind()) {
              case CLAUDE_ERROR, CREDENTIAL_REJECTED -> "failed in Claude Code";
              case TIMED_OUT -> "timed out";
              case INFRASTRUCTURE_FAILURE -> "could not run";
              case CANCELLED -> "was cancelled";
              case BUDGET_EXCEEDED -> "was stopped by the proxy at its budget";
            }
            + ": "
            + InertLog.inert(failure.message());
    return failure.kind() == ReviewFailure.Kind.INFRASTRUCTURE_FAILURE
        ? new MojoExecutionException(message)
        : new MojoFailureException(message);
  }

  /** Throws {@code e} as the checked type it is; returns only to let callers write throw. */
  private static MojoExecutionException raise(AbstractMojoExecutionException e)
      throws MojoFailureException {
    if (e instanceof MojoFailureException f) {
      throw f;
    }
    return (MojoExecutionException) e;
  }

  private static Path path(File file) {
    return file == null ? null : file.toPath();
  }
}
