package io.github.zerocred.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.proxy.HostNames;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ProxyListener;
import io.github.zerocred.proxy.Secret;
import io.github.zerocred.proxy.tls.Pem;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * @param extraAllowedHosts further hosts the container may reach, tunnelled without interception
 * @param routes hosts whose traffic goes to a fixed address, still verified against the host name
 * @param upstreamTrust trust anchors added to the system's for upstream connections
 * @param credentials the real credentials; the container only ever gets placeholders
 * @param bindMountWorkspace bind-mount the workspace read-only instead of copying it in; a bind
 *     mount keeps the host's owners and modes, so uid 1000 must be able to read it, and it works
 *     only with an engine on this machine
 * @param dockerHost the engine to use; empty means {@code DOCKER_HOST}, else the local socket
 * @param auditLog where the proxy's JSON Lines audit log goes, if anywhere
 * @param listener receives the run's progress
 * @param proxyListener receives the proxy's own events (each request, refusals, warnings)
 * @param progressInterval how often an {@link RunEvent.Elapsed} heartbeat is sent
 * @param jsonSchema a JSON schema for Claude Code's structured output ({@code --json-schema}): the
 *     answer then arrives in the result event's {@code structured_output}, see {@link
 *     RunResult#structuredOutput()}
 * @param pullMissingImage whether an image the engine lacks is pulled rather than reported; off by
 *     default, so a typo in an image name never sends the engine to a registry unasked
 * @param secretsToKeepOut further secrets the front end holds (such as the GitHub token) that must
 *     not reach the container; with the credentials, what the copy into the container is scanned
 *     for
 * @param allowEndpoints further Anthropic API endpoints ({@code METHOD PATH}) the container may
 *     call with the credential, besides what Claude Code needs
 * @param maxApiRequests the most Messages requests the proxy forwards, or empty for no limit
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
    Set<String> extraAllowedHosts,
    Map<String, InetSocketAddress> routes,
    List<X509Certificate> upstreamTrust,
    List<Credential> credentials,
    boolean bindMountWorkspace,
    Optional<String> dockerHost,
    Optional<Path> auditLog,
    RunListener listener,
    ProxyListener proxyListener,
    Duration progressInterval,
    Optional<String> jsonSchema,
    boolean pullMissingImage,
    List<SecretToKeepOut> secretsToKeepOut,
    List<String> allowEndpoints,
    Optional<Integer> maxApiRequests) {

  /** The production runner image (see {@code runner-image/}), tagged with its Claude Code. */
  public static final String DEFAULT_IMAGE = "ghcr.io/zerocred/claude-runner:2.1.330";

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  public static final long DEFAULT_MEMORY_BYTES = 4L * 1024 * 1024 * 1024;
  public static final double DEFAULT_CPUS = 2.0;
  public static final long DEFAULT_PIDS_LIMIT = 512;

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
    allowEndpoints = List.copyOf(allowEndpoints);
    Objects.requireNonNull(maxApiRequests, "maxApiRequests");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(image, "image");
    extraAllowedHosts = Set.copyOf(extraAllowedHosts);
    routes = Map.copyOf(routes);
    upstreamTrust = List.copyOf(upstreamTrust);
    credentials = List.copyOf(credentials);
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(auditLog, "auditLog");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(proxyListener, "proxyListener");
    Objects.requireNonNull(progressInterval, "progressInterval");
    Objects.requireNonNull(jsonSchema, "jsonSchema");
    secretsToKeepOut = List.copyOf(secretsToKeepOut);
  }

  /**
   * Every secret the copy into the container is scanned for: the credentials the proxy injects and
   * the front end's {@link #secretsToKeepOut()}.
   */
  public List<SecretToKeepOut> allSecrets() {
    List<SecretToKeepOut> all = new ArrayList<>();
    for (Credential c : credentials) {
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
        + credentials
        + "]";
  }

  /** Builds a {@link RunConfig}; {@link #build()} checks it as a whole. */
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
    private final Set<String> extraAllowedHosts = new LinkedHashSet<>();
    private final Map<String, InetSocketAddress> routes = new LinkedHashMap<>();
    private final List<X509Certificate> upstreamTrust = new ArrayList<>();
    private final List<Credential> credentials = new ArrayList<>();
    private boolean bindMountWorkspace;
    private String dockerHost;
    private Path auditLog;
    private RunListener listener = RunListener.NONE;
    private ProxyListener proxyListener = ProxyListener.NONE;
    private Duration progressInterval = Duration.ofSeconds(15);
    private String jsonSchema;
    private boolean pullMissingImage;
    private final List<SecretToKeepOut> secretsToKeepOut = new ArrayList<>();
    private final List<String> allowEndpoints = new ArrayList<>();
    private Integer maxApiRequests;

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
      extraAllowedHosts.add(normalise(host, "extraAllowedHosts"));
      return this;
    }

    /** Sends traffic for {@code host} to {@code address}, verifying TLS against {@code host}. */
    public Builder route(String host, InetSocketAddress address) {
      Objects.requireNonNull(address, "address");
      routes.put(normalise(host, "routes"), address);
      return this;
    }

    /** A route in the command-line form {@code HOST=IP:PORT}. */
    public Builder route(String spec) {
      int eq = spec == null ? -1 : spec.indexOf('=');
      int colon = spec == null ? -1 : spec.lastIndexOf(':');
      if (eq <= 0 || colon < eq) {
        throw new InvalidConfigurationException(
            "routes: '"
                + spec
                + "' must look like HOST=IP:PORT, e.g. api.anthropic.com=10.0.0.5:443");
      }
      String ip = spec.substring(eq + 1, colon).replace("[", "").replace("]", "");
      if (!HostNames.isIpLiteral(ip)) {
        throw new InvalidConfigurationException(
            "routes: '" + spec + "' must name an IP address after '=', not a host name");
      }
      int port;
      try {
        port = Integer.parseInt(spec.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new InvalidConfigurationException("routes: '" + spec + "' has no numeric port", e);
      }
      if (port < 1 || port > 65535) {
        throw new InvalidConfigurationException("routes: port " + port + " is out of range");
      }
      try {
        return route(spec.substring(0, eq), new InetSocketAddress(InetAddress.getByName(ip), port));
      } catch (UnknownHostException e) {
        throw new InvalidConfigurationException("routes: '" + ip + "' is not an IP address", e);
      }
    }

    /** Adds the certificates in a PEM file as trust anchors for upstream connections. */
    public Builder upstreamCa(Path pemFile) {
      upstreamTrust.addAll(Pem.readCertificates(pemFile, "upstreamCa"));
      return this;
    }

    public Builder upstreamTrust(X509Certificate certificate) {
      upstreamTrust.add(Objects.requireNonNull(certificate, "certificate"));
      return this;
    }

    public Builder credential(Credential credential) {
      credentials.add(Objects.requireNonNull(credential, "credential"));
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
      this.auditLog = auditLog;
      return this;
    }

    public Builder listener(RunListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder proxyListener(ProxyListener proxyListener) {
      this.proxyListener = Objects.requireNonNull(proxyListener, "proxyListener");
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
      allowEndpoints.add(ApiPolicy.Endpoint.parse(methodAndPath, "allowEndpoints").toString());
      return this;
    }

    /** The most Messages requests the proxy forwards in this run; {@code null} for no limit. */
    public Builder maxApiRequests(Integer maxApiRequests) {
      if (maxApiRequests != null && maxApiRequests < 1) {
        throw new InvalidConfigurationException(
            "maxApiRequests must be at least 1, got " + maxApiRequests);
      }
      this.maxApiRequests = maxApiRequests;
      return this;
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
      if (credentials.isEmpty()) {
        throw new InvalidConfigurationException(
            "No credential configured: set "
                + Credentials.OAUTH_VARIABLE
                + " or "
                + Credentials.API_KEY_VARIABLE);
      }
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
          extraAllowedHosts,
          routes,
          upstreamTrust,
          credentials,
          bindMountWorkspace,
          Optional.ofNullable(host),
          Optional.ofNullable(auditLog),
          listener,
          proxyListener,
          progressInterval,
          Optional.ofNullable(jsonSchema),
          pullMissingImage,
          secretsToKeepOut,
          allowEndpoints,
          Optional.ofNullable(maxApiRequests));
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

    private static String normalise(String host, String field) {
      try {
        return HostNames.normalise(host);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException(field + ": " + e.getMessage(), e);
      }
    }
  }
}
