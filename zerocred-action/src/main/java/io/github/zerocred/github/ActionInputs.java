package io.github.zerocred.github;

import io.github.zerocred.findings.Severity;
import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.Quantities;
import io.github.zerocred.review.ReviewRequest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The action's inputs, read from {@code INPUT_*} as the runner passes them (input names in upper
 * case; an input left out arrives empty). Every problem names the input to fix.
 *
 * @param prompt the {@code prompt} input, if given
 * @param promptFile the {@code prompt_file} input (relative to the workspace), if given
 * @param oauthToken {@code claude_code_oauth_token}, else the environment's {@code
 *     CLAUDE_CODE_OAUTH_TOKEN}
 * @param apiKey {@code anthropic_api_key}, else the environment's {@code ANTHROPIC_API_KEY}
 * @param githubToken {@code github_token}, else the environment's {@code GITHUB_TOKEN}
 * @param model the {@code model} input, if given
 * @param maxTurns the {@code max_turns} input, if given
 * @param maxBudgetUsd the {@code max_budget_usd} input, if given
 * @param maxApiRequests the {@code max_api_requests} input: the proxy forwards at most this many
 *     Messages requests, if given
 * @param timeout {@code timeout_minutes}; the core's default ({@link
 *     ReviewRequest#DEFAULT_TIMEOUT}) when not given
 * @param memoryBytes the {@code memory} input: the container's memory limit, if given
 * @param cpus the {@code cpus} input: the container's CPU limit, if given
 * @param allowedTools {@code allowed_tools}, comma- or newline-separated
 * @param allowHosts {@code allow_hosts}, comma- or newline-separated
 * @param image the {@code image} input, if given
 * @param commentMode {@code comment_mode}
 * @param failOnError {@code fail_on_error}, true by default
 * @param failOnSeverity {@code fail_on_severity}: fail when a finding is at least this severe
 * @param maxInlineComments {@code max_inline_comments}: at most this many findings are commented on
 *     the diff's lines (25 by default); the rest go in the review's body
 * @param routes {@code ZEROCRED_ROUTES} ({@code HOST=IP:PORT}, comma- or space-separated): an
 *     internal gateway, or a test stand-in
 * @param upstreamCas {@code ZEROCRED_UPSTREAM_CA}: PEM files of further upstream trust anchors
 * @param allowEndpoints {@code allow_endpoints}: further Anthropic API endpoints ({@code METHOD
 *     PATH}, one a line or comma-separated) the container may call with the credential
 * @param runtime the {@code runtime} input: the container's OCI runtime (such as {@code runsc}), if
 *     given
 * @param claudeCodeVersion {@code claude_code_version}: the Claude Code version of the runner image
 *     zerocred builds, checked by the review step
 * @param baseImage {@code base_image}: that image's base
 * @param npmRegistry {@code npm_registry}: where Claude Code is fetched from
 * @param workspaceFiles {@code workspace_files}: {@code tracked} or {@code all}, checked by the
 *     review step
 */
public record ActionInputs(
    Optional<String> prompt,
    Optional<String> promptFile,
    Optional<String> oauthToken,
    Optional<String> apiKey,
    Optional<String> githubToken,
    Optional<String> model,
    Optional<Integer> maxTurns,
    Optional<BigDecimal> maxBudgetUsd,
    Optional<Integer> maxApiRequests,
    Duration timeout,
    Optional<Long> memoryBytes,
    Optional<Double> cpus,
    List<String> allowedTools,
    List<String> allowHosts,
    Optional<String> image,
    CommentMode commentMode,
    boolean failOnError,
    Optional<Severity> failOnSeverity,
    int maxInlineComments,
    List<String> routes,
    List<Path> upstreamCas,
    List<String> allowEndpoints,
    Optional<String> runtime,
    Optional<String> claudeCodeVersion,
    Optional<String> baseImage,
    Optional<String> npmRegistry,
    Optional<String> workspaceFiles) {

  /** What happens to the review on the pull request. */
  public enum CommentMode {
    /** Update the comment an earlier run of this job posted, else post one. */
    STICKY,
    /** Post a new comment every run. */
    NEW,
    /** Post nothing (outputs and step summary only). */
    OFF
  }

  static final int DEFAULT_MAX_INLINE_COMMENTS = 25;

  /** The secrets among the inputs and the environment, to be masked before anything else. */
  public static List<String> secrets(Map<String, String> env) {
    List<String> secrets = new ArrayList<>();
    for (String name :
        List.of(
            "INPUT_CLAUDE_CODE_OAUTH_TOKEN",
            "INPUT_ANTHROPIC_API_KEY",
            "INPUT_GITHUB_TOKEN",
            "CLAUDE_CODE_OAUTH_TOKEN",
            "ANTHROPIC_API_KEY",
            "GITHUB_TOKEN")) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        secrets.add(v.strip());
      }
    }
    return secrets;
  }

  /** Whether {@code fail_on_error} asks to fail; read on its own so even bad inputs honour it. */
  public static boolean failOnError(Map<String, String> env) {
    return input(env, "fail_on_error").map(v -> !v.equalsIgnoreCase("false")).orElse(true);
  }

  public static ActionInputs from(Map<String, String> env) {
    return new ActionInputs(
        input(env, "prompt"),
        input(env, "prompt_file"),
        input(env, "claude_code_oauth_token").or(() -> variable(env, "CLAUDE_CODE_OAUTH_TOKEN")),
        input(env, "anthropic_api_key").or(() -> variable(env, "ANTHROPIC_API_KEY")),
        input(env, "github_token").or(() -> variable(env, "GITHUB_TOKEN")),
        input(env, "model"),
        input(env, "max_turns").map(v -> positiveInt(v, "max_turns")),
        input(env, "max_budget_usd").map(ActionInputs::budget),
        input(env, "max_api_requests").map(v -> positiveInt(v, "max_api_requests")),
        input(env, "timeout_minutes")
            .map(v -> Duration.ofMinutes(positiveInt(v, "timeout_minutes")))
            .orElseGet(() -> Quantities.duration(ReviewRequest.DEFAULT_TIMEOUT, "timeout_minutes")),
        input(env, "memory").map(v -> Quantities.bytes(v, "input memory")),
        input(env, "cpus").map(ActionInputs::cpus),
        list(input(env, "allowed_tools"), "[,\\n]"),
        list(input(env, "allow_hosts"), "[,\\s]"),
        input(env, "image"),
        input(env, "comment_mode").map(ActionInputs::commentMode).orElse(CommentMode.STICKY),
        input(env, "fail_on_error").map(ActionInputs::bool).orElse(true),
        Severity.threshold(input(env, "fail_on_severity").orElse(null), "input fail_on_severity"),
        input(env, "max_inline_comments")
            .map(v -> wholeNumber(v, "max_inline_comments", 0))
            .orElse(DEFAULT_MAX_INLINE_COMMENTS),
        list(variable(env, "ZEROCRED_ROUTES"), "[,\\s]"),
        list(variable(env, "ZEROCRED_UPSTREAM_CA"), "[,\\n]").stream().map(Path::of).toList(),
        list(input(env, "allow_endpoints"), "[,\\n]").stream()
            .map(e -> ApiPolicy.Endpoint.parse(e, "input allow_endpoints").toString())
            .toList(),
        input(env, "runtime"),
        input(env, "claude_code_version"),
        input(env, "base_image"),
        input(env, "npm_registry"),
        input(env, "workspace_files"));
  }

  /**
   * The Anthropic credential from {@code claude_code_oauth_token} or {@code anthropic_api_key}.
   *
   * @throws InvalidConfigurationException when both are set or the one set is malformed, naming the
   *     input
   */
  public Credential anthropicCredential() {
    if (oauthToken.isPresent() && apiKey.isPresent()) {
      throw new InvalidConfigurationException(
          "Both claude_code_oauth_token and anthropic_api_key are set; set only one, so it is"
              + " clear which account pays");
    }
    return oauthToken.isPresent()
        ? Credential.anthropic(oauthToken.get(), "claude_code_oauth_token")
        : Credential.anthropic(
            apiKey.orElseThrow(() -> new InvalidConfigurationException(missingCredential(null))),
            "anthropic_api_key");
  }

  /**
   * What to do when neither credential input arrived: on a pull request from a fork that is GitHub
   * withholding secrets, which no input can fix.
   *
   * @param event the event, or null when it is unknown
   */
  public static String missingCredential(GitHubEvent event) {
    if (event != null && event.fromFork()) {
      return "No Anthropic credential: this pull request comes from the fork "
          + event.headRepository().orElse("(deleted)")
          + ", and GitHub does not give repository secrets to workflows that pull requests"
          + " from forks trigger, so claude_code_oauth_token and anthropic_api_key arrive"
          + " empty. Review fork pull requests with a `pull_request_target` workflow"
          + " (zerocred keeps the secret out of Claude's container, but never build or run"
          + " the pull request's code in that job), or skip forks with `if:"
          + " github.event.pull_request.head.repo.full_name == github.repository`.";
    }
    return "No Anthropic credential: set claude_code_oauth_token: ${{"
        + " secrets.CLAUDE_CODE_OAUTH_TOKEN }} (make the token with `claude setup-token`"
        + " and store it as a repository secret) or anthropic_api_key: ${{"
        + " secrets.ANTHROPIC_API_KEY }}";
  }

  /** An input as the runner passes it: {@code INPUT_} and the name in upper case. */
  public static Optional<String> input(Map<String, String> env, String name) {
    return variable(env, "INPUT_" + name.toUpperCase(Locale.ROOT));
  }

  private static Optional<String> variable(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  private static List<String> list(Optional<String> value, String separators) {
    List<String> items = new ArrayList<>();
    value.ifPresent(
        v -> {
          for (String item : v.split(separators)) {
            if (!item.isBlank()) {
              items.add(item.strip());
            }
          }
        });
    return items;
  }

  private static int positiveInt(String value, String input) {
    return wholeNumber(value, input, 1);
  }

  private static int wholeNumber(String value, String input, int min) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidConfigurationException(
        "input " + input + " must be a whole number of at least " + min + ", got '" + value + "'");
  }

  private static BigDecimal budget(String value) {
    try {
      BigDecimal b = new BigDecimal(value);
      if (b.signum() > 0) {
        return b;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidConfigurationException(
        "input max_budget_usd must be a positive amount in US dollars such as 2.50, got '"
            + value
            + "'");
  }

  private static double cpus(String value) {
    try {
      double n = Double.parseDouble(value);
      if (n > 0 && Double.isFinite(n)) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidConfigurationException(
        "input cpus must be a positive number of CPUs such as 2 or 0.5, got '" + value + "'");
  }

  private static CommentMode commentMode(String value) {
    try {
      return CommentMode.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(
          "input comment_mode must be sticky, new or off, got '" + value + "'", e);
    }
  }

  private static boolean bool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new InvalidConfigurationException(
              "input fail_on_error must be true or false, got '" + value + "'");
    };
  }
}
