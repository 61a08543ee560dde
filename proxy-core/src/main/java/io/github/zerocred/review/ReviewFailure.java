package io.github.zerocred.review;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.run.RunResult;
import java.util.Locale;
import java.util.Objects;

/**
 * Why a review produced no review, and what the user can do about it, with the settings named in
 * the front end's words. The message can quote Claude's output: front ends make it inert for their
 * medium.
 *
 * @param kind what went wrong
 * @param message what happened and, where the user can act, what to change
 */
public record ReviewFailure(Kind kind, String message) {

  /** What went wrong; the action's {@code conclusion} output is the name in lower case. */
  public enum Kind {
    /** Claude Code failed (an API error, a crash, an error result). */
    CLAUDE_ERROR,
    /** Anthropic refused the credential: expired, revoked or mistyped. */
    CREDENTIAL_REJECTED,
    /** The run reached its timeout. */
    TIMED_OUT,
    /** The run was cancelled (SIGINT, SIGTERM, a cancelled job). */
    CANCELLED,
    /** The proxy stopped the run at its budget or request cap. */
    BUDGET_EXCEEDED,
    /** Docker, the network or the disk failed; the review never got going or was lost. */
    INFRASTRUCTURE_FAILURE;

    /** The name in lower case, as a conclusion or outcome name: {@code timed_out}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ReviewFailure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Classifies a run that did not succeed, with its advice.
   *
   * @param credential the kind of credential the run used, for the advice on a rejected one
   */
  public static ReviewFailure of(RunResult result, Credential.Kind credential, SettingNames names) {
    String detail = result.message() + " " + result.resultText();
    return switch (result.outcome()) {
      case SUCCESS -> throw new IllegalArgumentException("the run succeeded");
      case CLAUDE_ERROR ->
          isAuthenticationFailure(detail)
              ? new ReviewFailure(Kind.CREDENTIAL_REJECTED, rejected(result, credential, names))
              : new ReviewFailure(Kind.CLAUDE_ERROR, result.message());
      case TIMED_OUT ->
          // The run says what happened; the advice names this front end's settings.
          new ReviewFailure(
              Kind.TIMED_OUT,
              result.message()
                  + "; raise "
                  + names.of(ReviewSetting.TIMEOUT)
                  + " or lower "
                  + names.of(ReviewSetting.MAX_TURNS));
      case CANCELLED -> new ReviewFailure(Kind.CANCELLED, result.message());
      case BUDGET_EXCEEDED ->
          new ReviewFailure(
              Kind.BUDGET_EXCEEDED,
              result.message()
                  + "; raise "
                  + names.of(
                      result
                              .proxyUsage()
                              .map(u -> u.refusedOverBudget() == 0 && u.refusedOverRequestCap() > 0)
                              .orElse(false)
                          ? ReviewSetting.MAX_API_REQUESTS
                          : ReviewSetting.MAX_BUDGET_USD)
                  + " or narrow the review");
      case INFRASTRUCTURE_FAILURE ->
          new ReviewFailure(Kind.INFRASTRUCTURE_FAILURE, result.message());
    };
  }

  /** Whether Claude Code's words say that Anthropic refused the credential. */
  public static boolean isAuthenticationFailure(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    return t.contains("api error: 401")
        || t.contains("failed to authenticate")
        || t.contains("authentication_error")
        || t.contains("oauth token has expired")
        || t.contains("invalid x-api-key")
        || t.contains("invalid api key");
  }

  private static String rejected(RunResult result, Credential.Kind kind, SettingNames names) {
    String said = firstLine(result.resultText().isBlank() ? result.message() : result.resultText());
    return kind == Credential.Kind.ANTHROPIC_OAUTH_TOKEN
        ? "The Claude Code OAuth token was rejected ("
            + said
            + "). OAuth tokens expire: run `claude setup-token` again and update the secret in "
            + names.of(ReviewSetting.OAUTH_TOKEN)
            + "."
        : "The Anthropic API key was rejected ("
            + said
            + "). Check the key in the Anthropic Console and update the secret in "
            + names.of(ReviewSetting.API_KEY)
            + ".";
  }

  private static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }
}
