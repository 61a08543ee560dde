package io.github.zerocred.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.zerocred.review.SettingNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the action checks before anything runs, each problem naming the input to fix. */
class ActionContextTest {
  private static final String TOKEN = "sk-ant-oat01-" + "a".repeat(80) + "AA";
  private static final SettingNames NAMES = s -> s.name().toLowerCase(Locale.ROOT);

  @TempDir Path dir;

  @Test
  void noCredential_onAPullRequestFromAFork_isCredentialMissing_sayingGitHubWithholdsSecrets()
      throws IOException {
    Map<String, String> env =
        pullRequest(
            """
            {"pull_request": {"number": 7,
              "base": {"sha": "b1", "repo": {"full_name": "owner/repo"}},
              "head": {"sha": "h1", "repo": {"full_name": "attacker/repo", "fork": true}}}}
            """);

    ActionFailure f = failure(env);

    assertThat(f.conclusion()).isEqualTo("credential_missing");
    assertThat(f.exit()).isEqualTo(ActionFailure.Exit.CREDENTIALS);
    assertThat(f.getMessage()).contains("comes from the fork attacker/repo");
    assertThat(dir.resolve(".zerocred")).doesNotExist();
  }

  @Test
  void aPullRequestToCommentOn_withoutAGitHubToken_isInvalidInputNamingIt() throws IOException {
    Map<String, String> env = pullRequest(sameRepositoryPullRequest());
    env.put("INPUT_CLAUDE_CODE_OAUTH_TOKEN", TOKEN);

    ActionFailure f = failure(env);

    assertThat(f.conclusion()).isEqualTo("invalid_input");
    assertThat(f.title()).isEqualTo("No GitHub token");
    assertThat(f.getMessage()).contains("github_token").contains("comment_mode: off");
    assertThat(f.exit()).isEqualTo(ActionFailure.Exit.USAGE);
  }

  @Test
  void zerocredDirectoryThatIsALink_isRefused_andNothingIsWrittenThrough() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path workspace = Files.createDirectories(dir.resolve("ws"));
    Files.createSymbolicLink(workspace.resolve(".zerocred"), elsewhere);
    Map<String, String> env = dispatch(workspace);

    ActionFailure f = failure(env);

    assertThat(f.conclusion()).isEqualTo("invalid_input");
    assertThat(f.title()).isEqualTo("Output directory refused");
    assertThat(f.getMessage()).contains("output_directory");
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void aRunNotAboutAPullRequest_needsNoGitHubToken_andCreatesZerocred_namingNoSecret()
      throws IOException {
    Path workspace = Files.createDirectories(dir.resolve("ws"));

    ActionContext context = ActionContext.read(dispatch(workspace), NAMES);

    assertThat(context.github()).isEmpty();
    assertThat(context.workspace()).isEqualTo(workspace.toAbsolutePath().normalize());
    assertThat(workspace.resolve(".zerocred")).isDirectory();
    assertThat(context.files().directory()).isEqualTo(context.outputDirectory().path());
    assertThat(context.toString()).doesNotContain(TOKEN);
  }

  private Map<String, String> dispatch(Path workspace) {
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_EVENT_NAME", "workflow_dispatch");
    env.put("GITHUB_REPOSITORY", "owner/repo");
    env.put("GITHUB_WORKSPACE", workspace.toString());
    env.put("INPUT_CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
    return env;
  }

  private Map<String, String> pullRequest(String event) throws IOException {
    Path file = Files.writeString(dir.resolve("event.json"), event);
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_EVENT_NAME", "pull_request");
    env.put("GITHUB_EVENT_PATH", file.toString());
    env.put("GITHUB_REPOSITORY", "owner/repo");
    env.put("GITHUB_WORKSPACE", dir.toString());
    return env;
  }

  private static String sameRepositoryPullRequest() {
    return """
        {"pull_request": {"number": 7,
          "base": {"sha": "b1", "repo": {"full_name": "owner/repo"}},
          "head": {"sha": "h1", "repo": {"full_name": "owner/repo"}}}}
        """;
  }

  private static ActionFailure failure(Map<String, String> env) {
    return catchThrowableOfType(() -> ActionContext.read(env, NAMES), ActionFailure.class);
  }
}
