package io.github.zerocred.github;

import io.github.zerocred.proxy.Credentials;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is printed. A user who pastes a token as an argument gets an
 * "unmatched argument" error that would otherwise quote it into a CI log.
 */
public final class SecretScrubber {
  static final String REDACTED = "<redacted>";

  // Anthropic tokens and keys, and GitHub's token shapes; long enough that ordinary words never
  // match.
  private static final Pattern TOKEN_SHAPES =
      Pattern.compile("(sk-ant-[A-Za-z0-9]+-|github_pat_|gh[pousr]_)[A-Za-z0-9_\\-]{8,}");

  private final List<String> secrets;

  private SecretScrubber(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /** Scrubs the token shapes and the values of the credential variables in {@code env}. */
  public static SecretScrubber forEnvironment(Map<String, String> env) {
    List<String> values = new ArrayList<>();
    for (String variable :
        List.of(
            Credentials.OAUTH_VARIABLE,
            Credentials.API_KEY_VARIABLE,
            Credentials.GITHUB_VARIABLE,
            // The GitHub Action's inputs, as the runner passes them.
            "INPUT_CLAUDE_CODE_OAUTH_TOKEN",
            "INPUT_ANTHROPIC_API_KEY",
            "INPUT_GITHUB_TOKEN")) {
      String value = env.get(variable);
      if (value != null) {
        values.add(value);
      }
    }
    return forSecrets(values);
  }

  /** Scrubs the token shapes and these values. */
  public static SecretScrubber forSecrets(List<String> values) {
    List<String> secrets = new ArrayList<>();
    for (String value : values) {
      // Very short values would blank out ordinary words; the shape check still catches tokens.
      if (value != null && value.strip().length() >= 8) {
        secrets.add(value.strip());
      }
    }
    return new SecretScrubber(secrets);
  }

  public String scrub(String text) {
    if (text == null) {
      return "";
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, REDACTED);
    }
    return TOKEN_SHAPES.matcher(result).replaceAll(REDACTED);
  }
}
