package io.github.zerocred.proxy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads credentials from an environment, with one clear message for each way it can be wrong. */
public final class Credentials {
  public static final String OAUTH_VARIABLE = "CLAUDE_CODE_OAUTH_TOKEN";
  public static final String API_KEY_VARIABLE = "ANTHROPIC_API_KEY";
  public static final String GITHUB_VARIABLE = "GITHUB_TOKEN";

  private Credentials() {}

  /**
   * The Anthropic credential ({@code CLAUDE_CODE_OAUTH_TOKEN} or {@code ANTHROPIC_API_KEY}, exactly
   * one) and, when set, {@code GITHUB_TOKEN}.
   *
   * @throws InvalidConfigurationException naming the variable to fix
   */
  public static List<Credential> fromEnvironment(Map<String, String> env) {
    List<Credential> result = new ArrayList<>();
    result.add(anthropicFromEnvironment(env));
    String github = env.get(GITHUB_VARIABLE);
    if (github != null && !github.isBlank()) {
      result.add(Credential.github(github, GITHUB_VARIABLE));
    }
    return List.copyOf(result);
  }

  /** Only the Anthropic credential: exactly one of the two variables must be set. */
  public static Credential anthropicFromEnvironment(Map<String, String> env) {
    String oauth = env.get(OAUTH_VARIABLE);
    String apiKey = env.get(API_KEY_VARIABLE);
    boolean hasOauth = oauth != null && !oauth.isBlank();
    boolean hasKey = apiKey != null && !apiKey.isBlank();
    if (hasOauth && hasKey) {
      throw new InvalidConfigurationException(
          "Both "
              + OAUTH_VARIABLE
              + " and "
              + API_KEY_VARIABLE
              + " are set; set only one, so it is clear which account pays");
    }
    if (hasOauth) {
      return Credential.anthropic(oauth, OAUTH_VARIABLE);
    }
    if (hasKey) {
      return Credential.anthropic(apiKey, API_KEY_VARIABLE);
    }
    throw new InvalidConfigurationException(
        "No Anthropic credential: set "
            + OAUTH_VARIABLE
            + " (run `claude setup-token` to make one) or "
            + API_KEY_VARIABLE
            + " in the environment");
  }
}
