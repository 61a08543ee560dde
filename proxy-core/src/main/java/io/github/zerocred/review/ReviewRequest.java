package io.github.zerocred.review;

import io.github.zerocred.findings.Severity;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.run.ProxyPlacement;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunSlots;
import io.github.zerocred.runnerimage.ClaudeCodeVersion;
import io.github.zerocred.runnerimage.RunnerImageSpec;
import io.github.zerocred.workspace.WorkspaceFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything one review needs, parsed by a front end from its own inputs: what to review and ask,
 * the run's limits and allowances, the credential, where the files go and how the front end names
 * each setting. Null stands for "not given" wherever the run has its own default.
 *
 * @param workspace the checkout to review
 * @param prompt the user's prompt, or null for the built-in review prompt
 * @param promptFile a file holding the prompt, or null; must lie inside the workspace
 * @param baseRef the built-in prompt reviews the changes from this ref, or null
 * @param headRef ...to this ref (default {@code HEAD})
 * @param model the Claude model, or null for Claude Code's own
 * @param maxTurns stop after this many agent turns, or null
 * @param maxBudgetUsd stop once the run has cost this much, or null
 * @param maxApiRequests the proxy forwards at most this many Messages requests, or null
 * @param timeout kill the run after this long
 * @param image the runner image, or null for the pinned one
 * @param memoryBytes the container's memory limit, or null for the default
 * @param cpus the container's CPU limit, or null for the default
 * @param allowedTools tools Claude may use without asking
 * @param allowHosts further hosts the container may reach on port 443
 * @param allowEndpoints further Anthropic API endpoints, {@code METHOD PATH}
 * @param routes {@code HOST=IP:PORT} routes
 * @param upstreamCas PEM files of further upstream trust anchors
 * @param credential the Anthropic credential
 * @param secretsToKeepOut further secrets (by description) the workspace must not hold
 * @param pullMissingImage pull the image when the engine does not have it
 * @param failOnSeverity findings at least this severe make the verdict fail
 * @param toolVersion zerocred's version, for the SARIF log
 * @param names how the front end calls each setting, for messages
 * @param listener what the front end hears while the review runs
 * @param files opens the output directory; called once the settings and the prompt were accepted
 * @param stageAuditLog the proxy writes its audit log in a private temporary directory, copied into
 *     the output directory after the run (for an output directory inside the workspace)
 * @param proxyPlacement where the proxy runs, or null for {@link ProxyPlacement#AUTO}
 * @param proxyImage the image that runs the proxy in a container, or null for the default
 * @param runtime the container's OCI runtime, such as {@code runsc}, or null for the engine's
 * @param runSlots the embedding code's limit on reviews at once, which this one queues for, or null
 *     for no queue
 * @param runnerImage what the runner image is built from when {@code image} is null
 * @param workspaceFiles which of the workspace's files are copied into the container
 */
public record ReviewRequest(
    Path workspace,
    String prompt,
    Path promptFile,
    String baseRef,
    String headRef,
    String model,
    Integer maxTurns,
    BigDecimal maxBudgetUsd,
    Integer maxApiRequests,
    Duration timeout,
    String image,
    Long memoryBytes,
    Double cpus,
    List<String> allowedTools,
    List<String> allowHosts,
    List<String> allowEndpoints,
    List<String> routes,
    List<Path> upstreamCas,
    Credential credential,
    Map<String, String> secretsToKeepOut,
    boolean pullMissingImage,
    Optional<Severity> failOnSeverity,
    String toolVersion,
    SettingNames names,
    ReviewListener listener,
    FilesOpener files,
    boolean stageAuditLog,
    ProxyPlacement proxyPlacement,
    String proxyImage,
    String runtime,
    RunSlots runSlots,
    RunnerImageSpec runnerImage,
    WorkspaceFiles workspaceFiles) {

  /** The default of {@link ReviewSetting#IMAGE}: the pinned runner image. */
  public static final String DEFAULT_IMAGE = RunConfig.DEFAULT_IMAGE;

  /** The image that runs the proxy when it runs in a container of its own (remote engines). */
  public static final String DEFAULT_PROXY_IMAGE = RunConfig.DEFAULT_PROXY_IMAGE;

  /** The default of {@link ReviewSetting#CLAUDE_CODE_VERSION}. */
  public static final String DEFAULT_CLAUDE_CODE_VERSION = ClaudeCodeVersion.DEFAULT;

  /** The default of {@link ReviewSetting#BASE_IMAGE}. */
  public static final String DEFAULT_BASE_IMAGE = RunnerImageSpec.DEFAULT_BASE_IMAGE;

  /** The default of {@link ReviewSetting#TIMEOUT}, as front ends write it. */
  public static final String DEFAULT_TIMEOUT = "30m";

  /** The default of {@link ReviewSetting#MEMORY}, as front ends write it. */
  public static final String DEFAULT_MEMORY = "4g";

  /** The default of {@link ReviewSetting#CPUS}, as front ends write it. */
  public static final String DEFAULT_CPUS = "2";

  /** The default of {@link ReviewSetting#FAIL_ON_SEVERITY}: never fail on findings. */
  public static final String DEFAULT_FAIL_ON_SEVERITY = "none";

  /** The default of {@link ReviewSetting#WORKSPACE_FILES}: the files git tracks, and .git. */
  public static final WorkspaceFiles DEFAULT_WORKSPACE_FILES = WorkspaceFiles.TRACKED;

  /** Opens the review's output directory (see {@link ReviewFiles}). */
  @FunctionalInterface
  public interface FilesOpener {
    ReviewFiles open() throws IOException;
  }

  public ReviewRequest {
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(files, "files");
    allowedTools = List.copyOf(allowedTools);
    allowHosts = List.copyOf(allowHosts);
    allowEndpoints = List.copyOf(allowEndpoints);
    routes = List.copyOf(routes);
    upstreamCas = List.copyOf(upstreamCas);
    secretsToKeepOut = Map.copyOf(secretsToKeepOut);
    failOnSeverity = Objects.requireNonNullElse(failOnSeverity, Optional.empty());
    toolVersion = toolVersion == null ? "unknown" : toolVersion;
    Objects.requireNonNull(runnerImage, "runnerImage");
    workspaceFiles = Objects.requireNonNullElse(workspaceFiles, DEFAULT_WORKSPACE_FILES);
  }

  /**
   * Whether the review asks for structured findings: the built-in prompt does, through the findings
   * schema; a user's own prompt gets a plain-text review.
   */
  public boolean structured() {
    return (prompt == null || prompt.isBlank()) && promptFile == null;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a request; front ends set what their user gave. */
  public static final class Builder {
    private Path workspace;
    private String prompt;
    private Path promptFile;
    private String baseRef;
    private String headRef;
    private String model;
    private Integer maxTurns;
    private BigDecimal maxBudgetUsd;
    private Integer maxApiRequests;
    private Duration timeout;
    private String timeoutText;
    private String memoryText;
    private String failOnSeverityText;
    private String maxBudgetUsdText;
    private Path outputDirectory;
    private String image;
    private Long memoryBytes;
    private Double cpus;
    private List<String> allowedTools = new ArrayList<>();
    private List<String> allowHosts = new ArrayList<>();
    private List<String> allowEndpoints = new ArrayList<>();
    private List<String> routes = new ArrayList<>();
    private List<Path> upstreamCas = new ArrayList<>();
    private Credential credential;
    private final Map<String, String> secretsToKeepOut = new LinkedHashMap<>();
    private boolean pullMissingImage;
    private Optional<Severity> failOnSeverity = Optional.empty();
    private String toolVersion;
    private SettingNames names;
    private ReviewListener listener;
    private FilesOpener files;
    private boolean stageAuditLog;
    private String proxyPlacementText;
    private ProxyPlacement proxyPlacement;
    private String proxyImage;
    private String runtime;
    private RunSlots runSlots;
    private String claudeCodeVersion;
    private String baseImage;
    private String npmRegistry;
    private Map<String, String> environment = System.getenv();
    private String workspaceFilesText;

    private Builder() {}

    public Builder workspace(Path workspace) {
      this.workspace = workspace;
      return this;
    }

    public Builder prompt(String prompt) {
      this.prompt = prompt;
      return this;
    }

    public Builder promptFile(Path promptFile) {
      this.promptFile = promptFile;
      return this;
    }

    public Builder baseRef(String baseRef) {
      this.baseRef = baseRef;
      return this;
    }

    public Builder headRef(String headRef) {
      this.headRef = headRef;
      return this;
    }

    public Builder model(String model) {
      this.model = model;
      return this;
    }

    public Builder maxTurns(Integer maxTurns) {
      this.maxTurns = maxTurns;
      return this;
    }

    public Builder maxBudgetUsd(BigDecimal maxBudgetUsd) {
      this.maxBudgetUsd = maxBudgetUsd;
      return this;
    }

    /** The budget as the user wrote it ({@code 2.50}; blank for none), checked in build. */
    public Builder maxBudgetUsd(String text) {
      this.maxBudgetUsdText = text == null || text.isBlank() ? null : text;
      return this;
    }

    public Builder maxApiRequests(Integer maxApiRequests) {
      this.maxApiRequests = maxApiRequests;
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * The timeout as the user wrote it ({@code 90s}, {@code 10m}, {@code 1h}), checked in build.
     */
    public Builder timeout(String text) {
      this.timeoutText = text;
      return this;
    }

    /** The memory limit as the user wrote it ({@code 512m}, {@code 4g}), checked in build. */
    public Builder memory(String text) {
      this.memoryText = text;
      return this;
    }

    /**
     * The severity that fails the verdict as the user wrote it ({@code high}, or {@code none}),
     * checked in build.
     */
    public Builder failOnSeverity(String text) {
      this.failOnSeverityText = text;
      return this;
    }

    public Builder image(String image) {
      this.image = image;
      return this;
    }

    public Builder memoryBytes(Long memoryBytes) {
      this.memoryBytes = memoryBytes;
      return this;
    }

    public Builder cpus(Double cpus) {
      this.cpus = cpus;
      return this;
    }

    public Builder allowedTools(List<String> tools) {
      this.allowedTools = tools == null ? new ArrayList<>() : new ArrayList<>(tools);
      return this;
    }

    public Builder allowHosts(List<String> hosts) {
      this.allowHosts = hosts == null ? new ArrayList<>() : new ArrayList<>(hosts);
      return this;
    }

    public Builder allowEndpoints(List<String> endpoints) {
      this.allowEndpoints = endpoints == null ? new ArrayList<>() : new ArrayList<>(endpoints);
      return this;
    }

    public Builder routes(List<String> routes) {
      this.routes = routes == null ? new ArrayList<>() : new ArrayList<>(routes);
      return this;
    }

    public Builder upstreamCas(List<Path> pemFiles) {
      this.upstreamCas = pemFiles == null ? new ArrayList<>() : new ArrayList<>(pemFiles);
      return this;
    }

    public Builder credential(Credential credential) {
      this.credential = credential;
      return this;
    }

    /** A further secret the workspace must not hold, by description; a null value is ignored. */
    public Builder secretToKeepOut(String description, String value) {
      if (value != null) {
        secretsToKeepOut.put(description, value);
      }
      return this;
    }

    public Builder pullMissingImage(boolean pullMissingImage) {
      this.pullMissingImage = pullMissingImage;
      return this;
    }

    public Builder failOnSeverity(Optional<Severity> threshold) {
      this.failOnSeverity = threshold;
      return this;
    }

    public Builder toolVersion(String toolVersion) {
      this.toolVersion = toolVersion;
      return this;
    }

    public Builder names(SettingNames names) {
      this.names = names;
      return this;
    }

    public Builder listener(ReviewListener listener) {
      this.listener = listener;
      return this;
    }

    /** A listener that hears only the progress lines and the proxy's warnings. */
    public Builder listener(Consumer<String> progress, Consumer<String> proxyWarnings) {
      Objects.requireNonNull(progress, "progress");
      Objects.requireNonNull(proxyWarnings, "proxyWarnings");
      return listener(
          new ReviewListener() {
            @Override
            public void progress(String line) {
              progress.accept(line);
            }

            @Override
            public void proxyWarning(String message) {
              proxyWarnings.accept(message);
            }
          });
    }

    public Builder files(FilesOpener files) {
      this.files = files;
      return this;
    }

    /**
     * The output directory: opened through {@link OutputDirectory#open} and prepared (see {@link
     * ReviewFiles#prepare(OutputDirectory)}) once the settings and the prompt were accepted, so
     * that a refused setting writes nothing. Instead of {@link #files}.
     */
    public Builder outputDirectory(Path directory) {
      this.outputDirectory = directory;
      return this;
    }

    public Builder stageAuditLog(boolean stageAuditLog) {
      this.stageAuditLog = stageAuditLog;
      return this;
    }

    /** {@code auto}, {@code host} or {@code container}, as the user wrote it; null for auto. */
    public Builder proxyPlacement(String proxyPlacement) {
      this.proxyPlacementText = proxyPlacement;
      return this;
    }

    public Builder proxyImage(String proxyImage) {
      this.proxyImage = proxyImage;
      return this;
    }

    public Builder runtime(String runtime) {
      this.runtime = runtime;
      return this;
    }

    public Builder runSlots(RunSlots runSlots) {
      this.runSlots = runSlots;
      return this;
    }

    /** The Claude Code version of the runner image zerocred builds; null for the default. */
    public Builder claudeCodeVersion(String version) {
      this.claudeCodeVersion = version;
      return this;
    }

    /** The base of the runner image zerocred builds; null for the default. */
    public Builder baseImage(String baseImage) {
      this.baseImage = baseImage;
      return this;
    }

    /** The npm registry's URL; null for npm's own configuration. */
    public Builder npmRegistry(String npmRegistry) {
      this.npmRegistry = npmRegistry;
      return this;
    }

    /** {@code tracked} or {@code all}, as the user wrote it; null for tracked. */
    public Builder workspaceFiles(String workspaceFiles) {
      this.workspaceFilesText = workspaceFiles;
      return this;
    }

    /** The environment npm's configuration and the cache directory are read from. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * The request.
     *
     * @throws ReviewSettingException when a setting given as text is malformed, named as the front
     *     end calls it
     */
    public ReviewRequest build() {
      Objects.requireNonNull(names, "names");
      if (timeoutText != null) {
        timeout =
            parse(
                ReviewSetting.TIMEOUT,
                () -> Quantities.duration(timeoutText, name(ReviewSetting.TIMEOUT)));
      }
      if (memoryText != null) {
        memoryBytes =
            parse(
                ReviewSetting.MEMORY,
                () -> Quantities.bytes(memoryText, name(ReviewSetting.MEMORY)));
      }
      if (failOnSeverityText != null) {
        failOnSeverity =
            parse(
                ReviewSetting.FAIL_ON_SEVERITY,
                () -> Severity.threshold(failOnSeverityText, name(ReviewSetting.FAIL_ON_SEVERITY)));
      }
      if (maxBudgetUsdText != null) {
        maxBudgetUsd =
            parse(
                ReviewSetting.MAX_BUDGET_USD,
                () -> Quantities.usd(maxBudgetUsdText, name(ReviewSetting.MAX_BUDGET_USD)));
      }
      if (outputDirectory != null) {
        Path directory = outputDirectory;
        Path checkout = workspace;
        String name = name(ReviewSetting.OUTPUT_DIRECTORY);
        files = () -> ReviewFiles.prepare(directory, checkout, name);
      }
      if (proxyPlacementText != null && !proxyPlacementText.isBlank()) {
        try {
          proxyPlacement = ProxyPlacement.parse(proxyPlacementText);
        } catch (IllegalArgumentException e) {
          throw new ReviewSettingException(
              ReviewSetting.PROXY_PLACEMENT,
              name(ReviewSetting.PROXY_PLACEMENT) + ": " + e.getMessage(),
              e);
        }
      }
      return new ReviewRequest(
          workspace,
          prompt,
          promptFile,
          baseRef,
          headRef,
          model,
          maxTurns,
          maxBudgetUsd,
          maxApiRequests,
          timeout,
          image,
          memoryBytes,
          cpus,
          allowedTools,
          allowHosts,
          allowEndpoints,
          routes,
          upstreamCas,
          credential,
          secretsToKeepOut,
          pullMissingImage,
          failOnSeverity,
          toolVersion,
          names,
          listener,
          files,
          stageAuditLog,
          proxyPlacement,
          proxyImage,
          runtime,
          runSlots,
          runnerImage(),
          workspaceFiles());
    }

    private WorkspaceFiles workspaceFiles() {
      if (workspaceFilesText == null || workspaceFilesText.isBlank()) {
        return DEFAULT_WORKSPACE_FILES;
      }
      try {
        return WorkspaceFiles.parse(workspaceFilesText);
      } catch (IllegalArgumentException e) {
        throw new ReviewSettingException(
            ReviewSetting.WORKSPACE_FILES,
            name(ReviewSetting.WORKSPACE_FILES) + ": " + e.getMessage(),
            e);
      }
    }

    private RunnerImageSpec runnerImage() {
      String version =
          claudeCodeVersion == null
              ? null
              : parse(
                  ReviewSetting.CLAUDE_CODE_VERSION,
                  () ->
                      ClaudeCodeVersion.check(
                          claudeCodeVersion.strip(), name(ReviewSetting.CLAUDE_CODE_VERSION)));
      String base =
          baseImage == null
              ? null
              : parse(
                  ReviewSetting.BASE_IMAGE,
                  () -> RunnerImageSpec.checkBaseImage(baseImage, name(ReviewSetting.BASE_IMAGE)));
      return RunnerImageSpec.of(version, base, npmRegistry, environment, names);
    }

    private String name(ReviewSetting setting) {
      return names.of(setting);
    }

    private static <T> T parse(ReviewSetting setting, java.util.function.Supplier<T> parser) {
      try {
        return parser.get();
      } catch (ReviewSettingException e) {
        throw e;
      } catch (InvalidConfigurationException e) {
        throw new ReviewSettingException(setting, e.getMessage(), e);
      }
    }
  }
}
