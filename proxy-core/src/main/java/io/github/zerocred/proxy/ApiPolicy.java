package io.github.zerocred.proxy;

import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the Anthropic credential may be used for: which endpoints, which request bodies, how much
 * spend and how many calls. The container is hostile (a pull request drives it), so the credential
 * is usable for exactly what Claude Code needs in print mode and nothing else.
 *
 * @param extraEndpoints endpoints allowed besides {@link #DEFAULT_ENDPOINTS}
 * @param allowWebSearch whether the server-side web search tool may be used; off by default,
 *     because it makes Anthropic's servers fetch what the agent asks for (an exfiltration channel)
 * @param modelFamily if present, the only model family requests may name (e.g. {@code
 *     claude-sonnet})
 * @param maxTokens if present, the largest {@code max_tokens} a request may ask for
 * @param maxRequestBodyBytes largest Messages request body buffered and checked; larger is refused
 * @param maxBudgetUsd if present, spend (priced at the proxy from the responses' usage) after which
 *     further Messages requests are refused
 * @param maxRequests if present, Messages requests forwarded after which further ones are refused
 */
public record ApiPolicy(
    Set<Endpoint> extraEndpoints,
    boolean allowWebSearch,
    Optional<String> modelFamily,
    OptionalInt maxTokens,
    long maxRequestBodyBytes,
    Optional<BigDecimal> maxBudgetUsd,
    OptionalInt maxRequests) {

  /** Anthropic's own request size limit for the Messages API. */
  public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 32L * 1024 * 1024;

  /**
   * What Claude Code 2.1.330 calls in print mode, measured from the audit log with the real CLI
   * (plain, tool use, {@code --json-schema}, {@code --model}, OAuth token and API key): the two
   * settings reads at start and the Messages API. {@code count_tokens} was not seen but is allowed:
   * the CLI has it for context sizing, it costs nothing and its body is checked like a message's.
   */
  public static final Set<Endpoint> DEFAULT_ENDPOINTS =
      Set.of(
          new Endpoint("GET", "/api/claude_code/settings"),
          new Endpoint("GET", "/api/claude_code/policy_limits"),
          new Endpoint("POST", Endpoint.MESSAGES),
          new Endpoint("POST", Endpoint.COUNT_TOKENS));

  /** The defaults: measured endpoints, no web search, no pin, no budget. */
  public static final ApiPolicy DEFAULTS =
      new ApiPolicy(
          Set.of(),
          false,
          Optional.empty(),
          OptionalInt.empty(),
          DEFAULT_MAX_REQUEST_BODY_BYTES,
          Optional.empty(),
          OptionalInt.empty());

  public ApiPolicy {
    extraEndpoints = Set.copyOf(extraEndpoints);
    Objects.requireNonNull(modelFamily, "modelFamily");
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(maxBudgetUsd, "maxBudgetUsd");
    Objects.requireNonNull(maxRequests, "maxRequests");
    if (maxRequestBodyBytes < 1024 || maxRequestBodyBytes > Integer.MAX_VALUE - 8) {
      throw new InvalidConfigurationException(
          "the largest Messages request body must be between 1 KiB and 2 GiB");
    }
    if (maxBudgetUsd.isPresent() && maxBudgetUsd.get().signum() <= 0) {
      throw new InvalidConfigurationException(
          "--max-budget-usd must be positive, got " + maxBudgetUsd.get().toPlainString());
    }
    if (maxRequests.isPresent() && maxRequests.getAsInt() < 1) {
      throw new InvalidConfigurationException(
          "--max-requests must be positive, got " + maxRequests.getAsInt());
    }
    if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
      throw new InvalidConfigurationException(
          "the max_tokens cap must be positive, got " + maxTokens.getAsInt());
    }
    if (modelFamily.isPresent() && !MODEL_FAMILY.matcher(modelFamily.get()).matches()) {
      throw new InvalidConfigurationException(
          "the model family must look like claude-sonnet, got '" + modelFamily.get() + "'");
    }
  }

  private static final Pattern MODEL_FAMILY = Pattern.compile("[a-z0-9][a-z0-9.-]{1,63}");

  /** Whether {@code method path} may be called with the credential. */
  public boolean allows(String method, String path) {
    Endpoint e = new Endpoint(method, path);
    return DEFAULT_ENDPOINTS.contains(e) || extraEndpoints.contains(e);
  }

  /** Every allowed endpoint, defaults first. */
  public Set<Endpoint> endpoints() {
    Set<Endpoint> all = new LinkedHashSet<>(DEFAULT_ENDPOINTS);
    all.addAll(extraEndpoints);
    return all;
  }

  /**
   * One HTTP method and exact path (no query string, no wildcard: a prefix would let {@code
   * /v1/messages/batches} in with {@code /v1/messages}).
   */
  public record Endpoint(String method, String path) {
    /** The Messages API. */
    public static final String MESSAGES = "/v1/messages";

    /** Token counting for a would-be Messages request. */
    public static final String COUNT_TOKENS = "/v1/messages/count_tokens";

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_\\-./~]{0,500}");

    public Endpoint {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
    }

    /**
     * Parses {@code METHOD PATH}, as given to {@code --allow-endpoint}.
     *
     * @param setting the user's name for the setting, for the message
     */
    public static Endpoint parse(String spec, String setting) {
      String s = spec == null ? "" : spec.strip();
      int space = s.indexOf(' ');
      if (space <= 0) {
        throw new InvalidConfigurationException(
            setting + " must look like 'METHOD PATH', e.g. 'GET /v1/models', got '" + s + "'");
      }
      return of(s.substring(0, space), s.substring(space + 1).strip(), setting);
    }

    /** A checked endpoint. */
    public static Endpoint of(String method, String path, String setting) {
      String m = method.strip().toUpperCase(Locale.ROOT);
      if (!METHOD.matcher(m).matches() || m.equals("CONNECT")) {
        throw new InvalidConfigurationException(
            setting + ": '" + method + "' is not an HTTP method such as GET or POST");
      }
      if (!PATH.matcher(path).matches()
          || path.contains("//")
          || path.contains("/./")
          || path.contains("/../")
          || path.endsWith("/.")
          || path.endsWith("/..")) {
        throw new InvalidConfigurationException(
            setting
                + ": '"
                + path
                + "' must be an exact path such as /v1/models (no query, no wildcard, no dot"
                + " segments)");
      }
      return new Endpoint(m, path);
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }
}
