package io.github.zerocred.proxy;

import io.github.zerocred.proxy.tls.Pem;
import io.github.zerocred.proxy.tls.TlsImplementation;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * Everything one proxy run needs, validated and immutable. Build it with {@link #builder()}, start
 * it with {@link ZerocredProxy#start(ProxyConfig)}.
 *
 * @param runId names this run in the audit log and in container labels
 * @param listen where to listen; port 0 picks a free one
 * @param credentials the real credentials and the hosts they are injected for
 * @param allowHosts further hosts the container may reach, tunnelled without interception
 * @param routes hosts whose traffic goes to a fixed address, still verified against the host name
 * @param upstreamTrust trust anchors added to the system's for upstream connections
 * @param auditLog where the JSON Lines audit log goes, if anywhere
 * @param listener receives events; called off the network threads
 * @param limits bounds against hostile clients
 * @param caValidity how long the per-run CA and its leaves are valid
 * @param apiPolicy what the Anthropic credential may be used for: endpoints, bodies, budget
 * @param tls which TLS stack to use; {@link TlsImplementation#AUTO} by default
 */
public record ProxyConfig(
    String runId,
    InetSocketAddress listen,
    List<Credential> credentials,
    Set<String> allowHosts,
    Map<String, InetSocketAddress> routes,
    List<X509Certificate> upstreamTrust,
    Optional<Path> auditLog,
    ProxyListener listener,
    ProxyLimits limits,
    Duration caValidity,
    ApiPolicy apiPolicy,
    TlsImplementation tls) {

  public ProxyConfig {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(listen, "listen");
    credentials = List.copyOf(credentials);
    allowHosts = Set.copyOf(allowHosts);
    routes = Map.copyOf(routes);
    upstreamTrust = List.copyOf(upstreamTrust);
    Objects.requireNonNull(auditLog, "auditLog");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(caValidity, "caValidity");
    Objects.requireNonNull(apiPolicy, "apiPolicy");
    Objects.requireNonNull(tls, "tls");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * This configuration for one run: its id and where it listens, which only the run knows (a
   * sandboxed run listens on its own network's gateway).
   */
  public ProxyConfig forRun(String runId, InetSocketAddress listen) {
    return new ProxyConfig(
        runId,
        listen,
        credentials,
        allowHosts,
        routes,
        upstreamTrust,
        auditLog,
        listener,
        limits,
        caValidity,
        apiPolicy,
        tls);
  }

  /** Every host the proxy terminates TLS for: the hosts that carry a credential. */
  public Set<String> interceptedHosts() {
    Set<String> hosts = new LinkedHashSet<>();
    for (Credential c : credentials) {
      c.injections().forEach(i -> hosts.add(i.host()));
    }
    return hosts;
  }

  /** The hosts the {@link ApiPolicy} governs: those the Anthropic credential is injected for. */
  public Set<String> apiHosts() {
    Set<String> hosts = new LinkedHashSet<>();
    for (Credential c : credentials) {
      if (c.kind() != Credential.Kind.GITHUB_TOKEN) {
        c.injections().forEach(i -> hosts.add(i.host()));
      }
    }
    return hosts;
  }

  /** Builds a {@link ProxyConfig}; {@link #build()} checks it as a whole. */
  public static final class Builder {
    private String runId = UUID.randomUUID().toString();
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final List<Credential> credentials = new ArrayList<>();
    private final Set<String> allowHosts = new LinkedHashSet<>();
    private final Map<String, InetSocketAddress> routes = new LinkedHashMap<>();
    private final List<X509Certificate> upstreamTrust = new ArrayList<>();
    private Path auditLog;
    private ProxyListener listener = ProxyListener.NONE;
    private ProxyLimits limits = ProxyLimits.DEFAULTS;
    private Duration caValidity = Duration.ofHours(24);
    private final Set<ApiPolicy.Endpoint> extraEndpoints = new LinkedHashSet<>();
    private boolean allowWebSearch;
    private String modelFamily;
    private Integer maxTokens;
    private long maxRequestBodyBytes = ApiPolicy.DEFAULT_MAX_REQUEST_BODY_BYTES;
    private BigDecimal maxBudgetUsd;
    private Integer maxRequests;
    private TlsImplementation tls = TlsImplementation.AUTO;

    private Builder() {}

    public Builder runId(String runId) {
      this.runId = Objects.requireNonNull(runId, "runId");
      return this;
    }

    public Builder listen(InetSocketAddress listen) {
      this.listen = Objects.requireNonNull(listen, "listen");
      return this;
    }

    /**
     * Where to listen, as {@code IP:PORT} ({@code [v6]:PORT} for IPv6). Only addresses, no names:
     * the proxy must bind exactly where the container is told to look.
     */
    public Builder listen(String ipAndPort) {
      return listen(Addresses.parseSocketAddress(ipAndPort, "--listen"));
    }

    public Builder credential(Credential credential) {
      credentials.add(Objects.requireNonNull(credential, "credential"));
      return this;
    }

    public Builder credentials(List<Credential> list) {
      list.forEach(this::credential);
      return this;
    }

    /** A host the container may reach through an uninspected tunnel. */
    public Builder allowHost(String host) {
      try {
        allowHosts.add(HostNames.normalise(host));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigurationException("--allow-host " + e.getMessage(), e);
      }
      return this;
    }

    /** Sends traffic for {@code host} to {@code address}, verifying TLS against {@code host}. */
    public Builder route(String host, InetSocketAddress address) {
      routes.put(HostNames.normalise(host, "--route"), Objects.requireNonNull(address, "address"));
      return this;
    }

    /** A route in the command-line form {@code HOST=IP:PORT}, see {@link Route#parse}. */
    public Builder route(String spec) {
      Route r = Route.parse(spec, "--route");
      routes.put(r.host(), r.address());
      return this;
    }

    /** Adds the certificates in a PEM file as trust anchors for upstream connections. */
    public Builder upstreamCa(Path pemFile) {
      upstreamTrust.addAll(Pem.readCertificates(pemFile, "--upstream-ca"));
      return this;
    }

    public Builder upstreamTrust(X509Certificate certificate) {
      upstreamTrust.add(Objects.requireNonNull(certificate, "certificate"));
      return this;
    }

    public Builder auditLog(Path file) {
      this.auditLog = file;
      return this;
    }

    public Builder listener(ProxyListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public Builder limits(ProxyLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Builder caValidity(Duration validity) {
      if (validity.compareTo(Duration.ofMinutes(5)) < 0
          || validity.compareTo(Duration.ofDays(90)) > 0) {
        throw new InvalidConfigurationException(
            "the CA validity must be between 5 minutes and 90 days");
      }
      this.caValidity = validity;
      return this;
    }

    /**
     * Also lets the container call {@code METHOD PATH} on the Anthropic API with the credential,
     * besides what Claude Code needs ({@link ApiPolicy#DEFAULT_ENDPOINTS}). Exact path, no query.
     */
    public Builder allowEndpoint(String method, String path) {
      extraEndpoints.add(ApiPolicy.Endpoint.of(method, path, "--allow-endpoint"));
      return this;
    }

    /** An endpoint the front end already checked under its own setting's name. */
    public Builder allowEndpoint(ApiPolicy.Endpoint endpoint) {
      extraEndpoints.add(Objects.requireNonNull(endpoint, "endpoint"));
      return this;
    }

    /** {@link #allowEndpoint(String, String)} in the form {@code "METHOD PATH"}. */
    public Builder allowEndpoint(String spec) {
      extraEndpoints.add(ApiPolicy.Endpoint.parse(spec, "--allow-endpoint"));
      return this;
    }

    /**
     * Lets requests use Anthropic's server-side web search tool. Off by default: the search runs on
     * Anthropic's servers with queries the agent chooses, a way out around the egress lockdown.
     */
    public Builder allowWebSearch(boolean allow) {
      this.allowWebSearch = allow;
      return this;
    }

    /** Refuses requests for models outside this family (e.g. {@code claude-sonnet}). */
    public Builder modelFamily(String family) {
      this.modelFamily = family;
      return this;
    }

    /** Refuses requests asking for more than this many output tokens. */
    public Builder maxTokens(Integer cap) {
      this.maxTokens = cap;
      return this;
    }

    /** Largest Messages request body the proxy buffers and checks; larger ones are refused. */
    public Builder maxRequestBodyBytes(long bytes) {
      this.maxRequestBodyBytes = bytes;
      return this;
    }

    /**
     * Spend in US dollars, priced at the proxy from every response's usage, after which further
     * Messages requests are refused; {@code null} for none.
     */
    public Builder maxBudgetUsd(BigDecimal usd) {
      this.maxBudgetUsd = usd;
      return this;
    }

    /** Messages requests forwarded after which further ones are refused; {@code null} for none. */
    public Builder maxRequests(Integer n) {
      this.maxRequests = n;
      return this;
    }

    /** Which TLS stack to use (tests pin one; runs keep {@link TlsImplementation#AUTO}). */
    public Builder tls(TlsImplementation implementation) {
      this.tls = Objects.requireNonNull(implementation, "implementation");
      return this;
    }

    /**
     * Checks the configuration as a whole.
     *
     * @throws InvalidConfigurationException saying what to fix
     */
    public ProxyConfig build() {
      if (credentials.isEmpty()) {
        throw new InvalidConfigurationException(
            "No credential configured: set "
                + Credentials.OAUTH_VARIABLE
                + " or "
                + Credentials.API_KEY_VARIABLE);
      }
      Set<String> injected = new LinkedHashSet<>();
      for (Credential c : credentials) {
        for (Credential.Injection i : c.injections()) {
          if (!injected.add(i.host())) {
            throw new InvalidConfigurationException(
                "Two credentials are configured for " + i.host() + "; keep one");
          }
        }
      }
      return new ProxyConfig(
          runId,
          listen,
          credentials,
          allowHosts,
          routes,
          upstreamTrust,
          Optional.ofNullable(auditLog),
          listener,
          limits,
          caValidity,
          new ApiPolicy(
              extraEndpoints,
              allowWebSearch,
              Optional.ofNullable(modelFamily),
              maxTokens == null ? OptionalInt.empty() : OptionalInt.of(maxTokens),
              maxRequestBodyBytes,
              Optional.ofNullable(maxBudgetUsd),
              maxRequests == null ? OptionalInt.empty() : OptionalInt.of(maxRequests)),
          tls);
    }
  }
}
