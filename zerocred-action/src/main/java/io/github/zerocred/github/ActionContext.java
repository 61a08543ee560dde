package io.github.zerocred.github;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.OutputDirectory;
import io.github.zerocred.review.ReviewFiles;
import io.github.zerocred.review.ReviewSetting;
import io.github.zerocred.review.SettingNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What one run of the action works with, read and checked before anything runs: the inputs, the
 * event (with its pull request's commits, asked from GitHub when the event lacks them), the
 * Anthropic credential, the GitHub client when the run posts or reads, the workspace and its {@code
 * .zerocred} output directory. Every problem is an {@link ActionFailure} naming the input.
 *
 * <p>Hostile input: the event file and the pull request's fields come from the pull request's
 * author ({@link GitHubEvent} parses them as data); the workspace's {@code .zerocred} may be a link
 * the pull request planted ({@link OutputDirectory} refuses it, before anything is written).
 *
 * @param inputs the action's inputs
 * @param event the event, with the commits to review when it concerns a pull request
 * @param credential the Anthropic credential
 * @param github the GitHub client, when the review is posted or the commits had to be asked for
 * @param workspace {@code GITHUB_WORKSPACE}, the checkout to review
 * @param outputDirectory the workspace's {@code .zerocred}
 * @param names how the action calls each setting
 */
public record ActionContext(
    ActionInputs inputs,
    GitHubEvent event,
    Credential credential,
    Optional<GitHubApi> github,
    Path workspace,
    OutputDirectory outputDirectory,
    SettingNames names) {

  /** The action's output directory, in the workspace. */
  public static final String OUTPUT_DIR = ".zerocred";

  /**
   * Reads the runner's environment.
   *
   * @throws ActionFailure when an input, the credential, the token or the output directory is wrong
   */
  public static ActionContext read(Map<String, String> env, SettingNames names) {
    ActionInputs inputs;
    GitHubEvent event;
    try {
      inputs = ActionInputs.from(env);
      event =
          GitHubEvent.read(
              env.getOrDefault("GITHUB_EVENT_NAME", ""),
              Optional.ofNullable(env.get("GITHUB_EVENT_PATH"))
                  .filter(p -> !p.isBlank())
                  .map(Path::of)
                  .orElse(null),
              env.get("GITHUB_REPOSITORY"));
    } catch (InvalidConfigurationException e) {
      throw ActionFailure.invalidInput("Invalid input", e.getMessage());
    }
    Credential credential = credential(inputs, event);
    Optional<GitHubApi> github = Optional.empty();
    if (event.pullRequest().isPresent() && (posting(inputs) || event.headSha().isEmpty())) {
      String token =
          inputs
              .githubToken()
              .orElseThrow(
                  () ->
                      ActionFailure.invalidInput(
                          "No GitHub token",
                          "The github_token input is empty: leave it at its default"
                              + " (${{ github.token }}) or pass a token that may write pull"
                              + " request comments, or set comment_mode: off"));
      github = Optional.of(new GitHubApi(env.get("GITHUB_API_URL"), token));
    }
    if (event.pullRequest().isPresent() && event.headSha().isEmpty()) {
      event = withCommitsFromApi(github.get(), event);
    }
    Path workspace = workspace(env);
    // Checked before anything runs: a refused .zerocred means nothing is written at all.
    OutputDirectory outputDirectory = outputDirectory(workspace, names);
    return new ActionContext(inputs, event, credential, github, workspace, outputDirectory, names);
  }

  /** Whether the review goes to the pull request ({@code comment_mode} is not {@code off}). */
  public boolean posting() {
    return posting(inputs);
  }

  /** The review's files in {@link #outputDirectory}, keeping the audit log copied there. */
  public ReviewFiles files() {
    return ReviewFiles.in(outputDirectory);
  }

  /** Names no secret: the inputs hold the tokens. */
  @Override
  public String toString() {
    return "ActionContext[event=" + event.describe() + ", workspace=" + workspace + "]";
  }

  private static boolean posting(ActionInputs inputs) {
    return inputs.commentMode() != ActionInputs.CommentMode.OFF;
  }

  private static Credential credential(ActionInputs inputs, GitHubEvent event) {
    if (inputs.oauthToken().isEmpty() && inputs.apiKey().isEmpty()) {
      throw new ActionFailure(
          "credential_missing",
          "Anthropic credential missing",
          ActionInputs.missingCredential(event),
          ActionFailure.Exit.CREDENTIALS);
    }
    try {
      return inputs.anthropicCredential();
    } catch (InvalidConfigurationException e) {
      throw new ActionFailure(
          "credential_missing",
          "Anthropic credential unusable",
          e.getMessage(),
          ActionFailure.Exit.CREDENTIALS);
    }
  }

  private static GitHubEvent withCommitsFromApi(GitHubApi github, GitHubEvent event) {
    try {
      GitHubApi.PullRequest pr = github.pullRequest(event.repository(), event.pullRequest().get());
      return event.withCommits(pr.baseSha(), pr.headSha(), pr.fromFork(), pr.headRepository());
    } catch (GitHubApi.GitHubException e) {
      throw new ActionFailure(
          "github_error",
          "Cannot read the pull request",
          e.getMessage() + " (the job needs `permissions: pull-requests: read`)",
          ActionFailure.Exit.RUNTIME_FAILURE);
    }
  }

  private static Path workspace(Map<String, String> env) {
    String ws = env.get("GITHUB_WORKSPACE");
    return Path.of(ws == null || ws.isBlank() ? "." : ws).toAbsolutePath().normalize();
  }

  /** The workspace's {@code .zerocred}: created, or verified to be zerocred's own directory. */
  private static OutputDirectory outputDirectory(Path workspace, SettingNames names) {
    try {
      return OutputDirectory.open(
          workspace.resolve(OUTPUT_DIR), workspace, names.of(ReviewSetting.OUTPUT_DIRECTORY));
    } catch (InvalidConfigurationException e) {
      throw ActionFailure.invalidInput("Output directory refused", e.getMessage());
    } catch (IOException e) {
      throw ActionFailure.infrastructure(
          "Cannot create " + OUTPUT_DIR + " in the workspace: " + e.getMessage());
    }
  }
}
