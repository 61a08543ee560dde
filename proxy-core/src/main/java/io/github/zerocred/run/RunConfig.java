package io.github.zerocred.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.HostNames;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ProxyListener;
import io.github.zerocred.proxy.Route;
import io.github.zerocred.proxy.Secret;
import io.github.zerocred.proxy.tls.Pem;
import io.github.zerocred.workspace.WorkspaceFiles;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything one sandboxed Claude Code run needs, validated and immutable. Build it with {@link
 * #builder()}, run it with {@link ClaudeRun#execute(RunConfig)}.
 *
 * @param workspace the checked-out repository; copied into the container (or bind-mounted read-only
 *     when {@code bindMountWorkspace})
 * @param prompt what Claude is asked to do; passed on standard input, never as an argument
 * @param model the model to ask for, or empty for Claude Code's default
 * @param maxTurns the most agentic turns, or empty for no limit
 * @param maxBudgetUsd the most Claude Code may spend, in US dollars, or empty for no limit
 * @param allowedTools tools Claude may use without asking (Claude Code's {@code --allowedTools})
 * @param disallowedTools tools Claude may not use at all
 * @param timeout the whole run's limit; past it the container is killed
 * @param image the runner image, which must already be on the engine
 * @param memoryBytes the container's memory limit (swap included)
 * @param cpus how many CPUs the container may use
 * @param pidsLimit the most processes the container may hold
 * @param bindMountWorkspace bind-mount the workspace read-only instead of copying it in; a bind
 *     mount keeps the host's owners and modes, so uid 1000 must be able to read it, and it works
 *     only with an engine on this machine
 * @param dockerHost the engine to use; empty means {@code DOCKER_HOST}, else the local socket
 * @param listener receives the run's progress
 * @param progressInterval how often an {@link RunEvent.Elapsed} heartbeat is sent
 * @param jsonSchema a JSON schema for Claude Code's structured output ({@code --json-schema}): the
 *     answer then arrives in the result event's {@code structured_output}, see {@link
 *     RunResult#structuredOutput()}
 * @param pullMissingImage whether an image the engine lacks is pulled rather than reported; off by
 *     default, so a typo in an image name never sends the engine to a registry unasked
 * @param secretsToKeepOut further secrets the front end holds (such as the GitHub token) that must
 *     not reach the container; with the credentials, what the copy into the container is scanned
 *     for
 * @param proxy the run's proxy: the real credentials (the container only ever gets placeholders),
 *     further hosts the container may reach uninspected, routes, upstream trust, the audit log, the
 *     proxy's listener and its API policy (endpoints, budget, request cap); the run sets its id and
 *     listen address with {@link ProxyConfig#forRun}
 * @param proxyPlacement where the proxy runs: this JVM, or a container beside Claude Code's (for a
 *     remote engine); {@link ProxyPlacement#AUTO} picks a container for a {@code tcp://} engine
 * @param proxyImage zerocred's action image, which runs the proxy when it runs in a container; it
 *     must be on the engine
 * @param runtime the OCI runtime of Claude's container, such as {@code runsc} (gVisor), or empty
 *     for the engine's default; it must be registered with the engine (see {@link
 *     ContainerRuntime})
 * @param subnetPool where the run's network takes its subnet from (see {@link SubnetPool})
 * @param runSlots the embedding code's limit on runs at once, which this run queues for, or empty
 *     for no queue (see {@link RunSlots})
 * @param workspaceFiles which of the workspace's files are copied in: the files git tracks plus
 *     {@code .git} (the default), or every file; a bind mount always shows every file
 * @param workspaceFilesSetting what the user calls that setting, for the messages about it
 */
public record RunConfig(
    Path workspace,
    String prompt,
    Optional<String> model,
    Optional<Integer> maxTurns,
    Optional<BigDecimal> maxBudgetUsd,
    List<String> allowedTools,
    List<String> disallowedTools,
    Duration timeout,
    String image,
    long memoryBytes,
    double cpus,
    long pidsLimit,
    boolean bindMountWorkspace,
    Optional<String> dockerHost,
    RunListener listener,
    Duration progressInterval,
    Optional<String> jsonSchema,
    boolean pullMissingImage,
    List<SecretToKeepOut> secretsToKeepOut,
    ProxyConfig proxy,
    ProxyPlacement proxyPlacement,
    String proxyImage,
    Optional<String> runtime,
    SubnetPool subnetPool,
    Optional<RunSlots> runSlots,
    WorkspaceFiles workspaceFiles,
    String workspaceFilesSetting) {

  /** The production runner image (see {@code runner-image/}), tagged with its Claude Code. */
  public static final String DEFAULT_IMAGE = "ghcr.io/zerocred/claude-runner:2.1.330";

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  public static final long DEFAULT_MEMORY_BYTES = 4L * 1024 * 1024 * 1024;
  public static final double DEFAULT_CPUS = 2.0;
  public static final long DEFAULT_PIDS_LIMIT = 512;

  /**
   * zerocred's action image as the repository's Dockerfile builds it: runs a remote run's proxy.
   */
  public static final String DEFAULT_PROXY_IMAGE = "zerocred-action:latest";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TOOL = Pattern.compile("[A-Za-z0-9_.:*()\\- /\"'=,|~@\\[\\]]+");
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._\\-\\[\\]@:/]+");

  /**
   * A secret the container must never see, with the name a refusal reports instead of its value.
   *
   * @param name what to call it, such as {@code the GitHub token}
   * @param secret the value
   */
  public record SecretToKeepOut(String name, Secret secret) {
    public SecretToKeepOut {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(secret, "secret");
    }
  }

  public RunConfig {
    Objects.requireNonNull(workspace, "workspace");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(maxTurns, "maxTurns");
    Objects.requireNonNull(maxBudgetUsd, "maxBudgetUsd");
    allowedTools = List.copyOf(allowedTools);
    disallowedTools = List.copyOf(disallowedTools);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(jsonSchema, "jsonSchema");
    secretsToKeepOut = List.copyOf(secretsToKeepOut);
    Objects.requireNonNull(proxy, "proxy");
    Objects.requireNonNull(proxyPlacement, "proxyPlacement");
    Objects.requireNonNull(proxyImage, "proxyImage");
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(subnetPool, "subnetPool");
    Objects.requireNonNull(runSlots, "runSlots");
    Objects.requireNonNull(workspaceFiles, "workspaceFiles");
    Objects.requireNonNull(workspaceFilesSetting, "workspaceFilesSetting");
  }

  /**
   * Every secret the copy into the container is scanned for: the credentials the proxy injects and
   * the front end's {@link #secretsToKeepOut()}.
   */
  public List<SecretToKeepOut> allSecrets() {
    List<SecretToKeepOut> all = new ArrayList<>();
    for (Credential c : proxy.credentials()) {
      String name =
          switch (c.kind()) {
            case ANTHROPIC_OAUTH_TOKEN -> "the Claude Code OAuth token";
            case ANTHROPIC_API_KEY -> "the Anthropic API key";
            case GITHUB_TOKEN -> "the GitHub token";
          };
      all.add(new SecretToKeepOut(name, c.secret()));
    }
    all.addAll(secretsToKeepOut);
    return List.copyOf(all);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    // Never the prompt (it may quote secrets the user pasted) and never a credential.
    return "RunConfig[workspace="
        + workspace
        + ", image="
        + image
        + ", model="
        + model.orElse("(default)")
        + ", maxTurns="
        + maxTurns.map(String::valueOf).orElse("-")
        + ", timeout="
        + timeout
        + ", credentials="
        + proxy.credentials()
        + "]";
  }

  /**
   * Builds a {@link RunConfig}; {@link #build()} checks it as a whole. The proxy's settings go to
   * an embedded {@link ProxyConfig.Builder}, checked under this builder's setting names first.
   */
  public static final class Builder {
    private Path workspace;
    private String prompt;
    private String model;
    private Integer maxTurns;
    private BigDecimal maxBudgetUsd;
    private final List<String> allowedTools = new ArrayList<>();
    private final List<String> disallowedTools = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private String image = DEFAULT_IMAGE;
    private long memoryBytes = DEFAULT_MEMORY_BYTES;
    private double cpus = DEFAULT_CPUS;
    private long pidsLimit = DEFAULT_PIDS_LIMIT;
    private final ProxyConfig.Builder proxy = ProxyConfig.builder();
    private boolean bindMountWorkspace;
    private String dockerHost;
    private RunListener listener = RunListener.NONE;
    private Duration progressInterval = Duration.ofSeconds(15);
    private ProxyPlacement proxyPlacement = ProxyPlacement.AUTO;
    private String proxyImage = DEFAULT_PROXY_IMAGE;
    private String jsonSchema;
    private boolean pullMissingImage;
    private final List<SecretToKeepOut> secretsToKeepOut = new ArrayList<>();
    private String runtime;
    private SubnetPool subnetPool;
    private RunSlots runSlots;
    private WorkspaceFiles workspaceFiles = WorkspaceFiles.TRACKED;
    private String workspaceFilesSetting = "workspaceFiles";

    private Builder() {}

    public Builder workspace(Path workspace) {
      this.workspace = workspace;
      return this;
    }

    public Builder prompt(String prompt) {
      this.prompt = prompt;
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

    public Builder allowedTool(String tool) {
      allowedTools.add(tool);
      return this;
    }

    public Builder allowedTools(List<String> tools) {
      allowedTools.addAll(tools);
      return this;
    }

    public Builder disallowedTool(String tool) {
      disallowedTools.add(tool);
      return this;
    }

    public Builder disallowedTools(List<String> tools) {
      disallowedTools.addAll(tools);
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder image(String image) {
      this.image = image;
      return this;
    }

    public Builder memoryBytes(long memoryBytes) {
      this.memoryBytes = memoryBytes;
      return this;
    }

    public Builder cpus(double cpus) {
      this.cpus = cpus;
      return this;
    }

    public Builder pidsLimit(long pidsLimit) {
      this.pidsLimit = pidsLimit;
      return this;
    }

    /** A host the container may reach through an uninspected tunnel. */
    public Builder extraAllowedHost(String host) {
      proxy.allowHost(HostNames.normalise(host, "extraAllowedHosts"));
      return this;
    }

    /** Sends traffic for {@code host} to {@code address}, verifying TLS against {@code host}. */
    public Builder route(String host, InetSocketAddress address) {
      Objects.requireNonNull(address, "address");
      proxy.route(HostNames.normalise(host, "routes"), address);
      return this;
    }

    /** A route in the command-line form {@code HOST=IP:PORT}, see {@link Route#parse}. */
    public Builder route(String spec) {
      Route r = Route.parse(spec, "routes");
      proxy.route(r.host(), r.address());
      return this;
    }

    /** Adds the certificates in a PEM file as trust anchors for upstream connections. */
    public Builder upstreamCa(Path pemFile) {
      Pem.readCertificates(pemFile, "upstreamCa").forEach(proxy::upstreamTrust);
      return this;
    }

    public Builder upstreamTrust(X509Certificate certificate) {
      proxy.upstreamTrust(certificate);
      return this;
    }

    public Builder credential(Credential credential) {
      proxy.credential(credential);
      return this;
    }

    public Builder credentials(List<Credential> list) {
      list.forEach(this::credential);
      return this;
    }

    public Builder bindMountWorkspace(boolean bindMountWorkspace) {
      this.bindMountWorkspace = bindMountWorkspace;
      return this;
    }

    /** The engine, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://host:2376}. */
    public Builder dockerHost(String dockerHost) {
      this.dockerHost = dockerHost;
      return this;
    }

    public Builder auditLog(Path auditLog) {
      proxy.auditLog(auditLog);
      return this;
    }

    public Builder listener(RunListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder proxyListener(ProxyListener proxyListener) {
      proxy.listener(Objects.requireNonNull(proxyListener, "proxyListener"));
      return this;
    }

    public Builder progressInterval(Duration progressInterval) {
      this.progressInterval = progressInterval;
      return this;
    }

    /**
     * Asks for structured output matching this JSON schema (a JSON object), or none with {@code
     * null}.
     */
    public Builder jsonSchema(String jsonSchema) {
      this.jsonSchema = jsonSchema;
      return this;
    }

    /** Pull the image when the engine does not have it (CI runners with registry access). */
    public Builder pullMissingImage(boolean pullMissingImage) {
      this.pullMissingImage = pullMissingImage;
      return this;
    }

    /**
     * A secret the front end holds that must never reach the container, such as the GitHub token it
     * posts the review with: the copy into the container is scanned for it (see {@link ClaudeRun}).
     * {@code name} says what it is in a refusal, which never shows the value. A null or blank value
     * is ignored, so an optional token can be passed as it is.
     */
    public Builder secretToKeepOut(String name, String value) {
      Objects.requireNonNull(name, "name");
      if (value != null && !value.isBlank()) {
        secretsToKeepOut.add(new SecretToKeepOut(name, Secret.of(value)));
      }
      return this;
    }

    /**
     * Also lets the container call this Anthropic API endpoint ({@code METHOD PATH}, exact path)
     * with the credential; by default only what Claude Code needs is allowed.
     */
    public Builder allowEndpoint(String methodAndPath) {
      proxy.allowEndpoint(ApiPolicy.Endpoint.parse(methodAndPath, "allowEndpoints"));
      return this;
    }

    /** The most Messages requests the proxy forwards in this run; {@code null} for no limit. */
    public Builder maxApiRequests(Integer maxApiRequests) {
      if (maxApiRequests != null && maxApiRequests < 1) {
        throw new InvalidConfigurationException(
            "maxApiRequests must be at least 1, got " + maxApiRequests);
      }
      proxy.maxRequests(maxApiRequests);
      return this;
    }

    /** Where the proxy runs; {@link ProxyPlacement#AUTO} by default. */
    public Builder proxyPlacement(ProxyPlacement proxyPlacement) {
      this.proxyPlacement = Objects.requireNonNull(proxyPlacement, "proxyPlacement");
      return this;
    }

    /** The image that runs the proxy in a container; {@link #DEFAULT_PROXY_IMAGE} by default. */
    public Builder proxyImage(String proxyImage) {
      this.proxyImage = proxyImage;
      return this;
    }

    /**
     * The OCI runtime for Claude's container, such as {@code runsc} for gVisor; null or blank for
     * the engine's default.
     */
    public Builder runtime(String runtime) {
      this.runtime = runtime;
      return this;
    }

    /**
     * Where the run's network takes its subnet from; by default the pool {@link
     * SubnetPool#ENVIRONMENT_VARIABLE} names, else {@link SubnetPool#DEFAULT}.
     */
    public Builder subnetPool(SubnetPool subnetPool) {
      this.subnetPool = Objects.requireNonNull(subnetPool, "subnetPool");
      return this;
    }

    /** The embedding code's limit on runs at once: the run waits for a slot before it starts. */
    public Builder runSlots(RunSlots runSlots) {
      this.runSlots = runSlots;
      return this;
    }

    /**
     * Which of the workspace's files are copied in; {@link WorkspaceFiles#TRACKED} by default.
     *
     * @param settingName what the user calls this setting, for the messages about it
     */
    public Builder workspaceFiles(WorkspaceFiles workspaceFiles, String settingName) {
      this.workspaceFiles = Objects.requireNonNull(workspaceFiles, "workspaceFiles");
      this.workspaceFilesSetting = Objects.requireNonNull(settingName, "settingName");
      return this;
    }

    /** As {@link #workspaceFiles(WorkspaceFiles, String)}, the setting called workspaceFiles. */
    public Builder workspaceFiles(WorkspaceFiles workspaceFiles) {
      return workspaceFiles(workspaceFiles, "workspaceFiles");
    }

    /**
     * Checks the configuration as a whole.
     *
     * @throws InvalidConfigurationException naming the setting to fix
     */
    public RunConfig build() {
      if (workspace == null) {
        throw new InvalidConfigurationException(
            "workspace is not set: point it at the checked-out repository");
      }
      Path ws = workspace.toAbsolutePath().normalize();
      if (!Files.exists(ws)) {
        throw new InvalidConfigurationException(
            "workspace " + ws + " does not exist: point it at the checked-out repository");
      }
      if (!Files.isDirectory(ws)) {
        throw new InvalidConfigurationException(
            "workspace " + ws + " is not a directory: point it at the checked-out repository");
      }
      if (!Files.isReadable(ws)) {
        throw new InvalidConfigurationException("workspace " + ws + " is not readable");
      }
      if (prompt == null || prompt.isBlank()) {
        throw new InvalidConfigurationException("prompt is empty: say what Claude should do");
      }
      if (model != null && !model.isBlank() && !MODEL.matcher(model.strip()).matches()) {
        throw new InvalidConfigurationException(
            "model '" + model + "' is not a model name, e.g. claude-sonnet-4-5 or sonnet");
      }
      if (maxTurns != null && maxTurns < 1) {
        throw new InvalidConfigurationException("maxTurns must be at least 1, got " + maxTurns);
      }
      if (maxBudgetUsd != null && maxBudgetUsd.signum() <= 0) {
        throw new InvalidConfigurationException(
            "maxBudgetUsd must be positive, got " + maxBudgetUsd.toPlainString());
      }
      checkTools(allowedTools, "allowedTools");
      checkTools(disallowedTools, "disallowedTools");
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new InvalidConfigurationException("timeout must be positive, got " + timeout);
      }
      if (image == null || image.isBlank() || image.strip().chars().anyMatch(c -> c <= ' ')) {
        throw new InvalidConfigurationException(
            "image '" + image + "' is not an image reference, e.g. " + DEFAULT_IMAGE);
      }
      if (memoryBytes < 64L * 1024 * 1024) {
        throw new InvalidConfigurationException(
            "memory must be at least 64 MiB, got " + memoryBytes + " bytes");
      }
      if (!(cpus > 0) || cpus > 1024) {
        throw new InvalidConfigurationException("cpus must be positive, got " + cpus);
      }
      if (pidsLimit < 16) {
        throw new InvalidConfigurationException(
            "pidsLimit must be at least 16 (Claude Code and its tools need processes), got "
                + pidsLimit);
      }
      // The same budget again at the proxy, where the container cannot get around it. Building
      // the proxy's part here checks the credentials (once, there).
      ProxyConfig proxyConfig = proxy.maxBudgetUsd(maxBudgetUsd).build();
      if (progressInterval == null || progressInterval.compareTo(Duration.ofMillis(100)) < 0) {
        throw new InvalidConfigurationException("progressInterval must be at least 100 ms");
      }
      if (jsonSchema != null && !isJsonObject(jsonSchema)) {
        throw new InvalidConfigurationException(
            "jsonSchema must be a JSON schema (a JSON object), got '"
                + (jsonSchema.length() > 80 ? jsonSchema.substring(0, 80) + "…" : jsonSchema)
                + "'");
      }
      String host = dockerHost == null || dockerHost.isBlank() ? null : dockerHost.strip();
      if (proxyImage == null
          || proxyImage.isBlank()
          || proxyImage.strip().chars().anyMatch(c -> c <= ' ')) {
        throw new InvalidConfigurationException(
            "proxyImage '"
                + proxyImage
                + "' is not an image reference, e.g. "
                + DEFAULT_PROXY_IMAGE);
      }
      String runtimeName =
          runtime == null || runtime.isBlank()
              ? null
              : ContainerRuntime.checkName(runtime.strip(), "runtime");
      // The pool is the machine's (like DOCKER_HOST), so the environment is read here, once, for
      // every front end; an embedding program may set it explicitly instead.
      SubnetPool pool =
          subnetPool != null ? subnetPool : SubnetPool.fromEnvironment(System.getenv());
      return new RunConfig(
          ws,
          prompt,
          Optional.ofNullable(model).filter(m -> !m.isBlank()).map(String::strip),
          Optional.ofNullable(maxTurns),
          Optional.ofNullable(maxBudgetUsd),
          allowedTools,
          disallowedTools,
          timeout,
          image.strip(),
          memoryBytes,
          cpus,
          pidsLimit,
          bindMountWorkspace,
          Optional.ofNullable(host),
          listener,
          progressInterval,
          Optional.ofNullable(jsonSchema),
          pullMissingImage,
          secretsToKeepOut,
          proxyConfig,
          proxyPlacement,
          proxyImage.strip(),
          Optional.ofNullable(runtimeName),
          pool,
          Optional.ofNullable(runSlots),
          workspaceFiles,
          workspaceFilesSetting);
    }

    private static boolean isJsonObject(String text) {
      try {
        return JSON.readTree(text) instanceof ObjectNode;
      } catch (JsonProcessingException e) {
        return false;
      }
    }

    private static void checkTools(List<String> tools, String field) {
      for (String tool : tools) {
        if (tool == null || tool.isBlank() || !TOOL.matcher(tool).matches()) {
          throw new InvalidConfigurationException(
              field
                  + " holds '"
                  + tool
                  + "', which is not a tool rule such as Read or Bash(git *)");
        }
      }
    }
  }
}
