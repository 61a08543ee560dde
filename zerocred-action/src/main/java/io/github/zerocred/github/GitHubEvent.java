package io.github.zerocred.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the action needs from the workflow's event ({@code GITHUB_EVENT_PATH}): the repository, the
 * pull request and the commits to review.
 *
 * @param name {@code GITHUB_EVENT_NAME}
 * @param repository {@code owner/name}
 * @param pullRequest the pull request's number, when the event concerns one
 * @param baseSha the base commit, when the event carries it
 * @param headSha the head commit, when the event carries it
 * @param headRepository the repository the head branch lives in ({@code owner/name}), if known
 * @param fromFork whether the pull request comes from another repository (GitHub then withholds
 *     secrets from {@code pull_request} workflows)
 */
public record GitHubEvent(
    String name,
    String repository,
    Optional<Integer> pullRequest,
    Optional<String> baseSha,
    Optional<String> headSha,
    Optional<String> headRepository,
    boolean fromFork) {

  private static final JsonMapper JSON = new JsonMapper();

  /** Reads the event the runner wrote; {@code repositoryFallback} is {@code GITHUB_REPOSITORY}. */
  public static GitHubEvent read(String name, Path eventFile, String repositoryFallback) {
    JsonNode root;
    try {
      root =
          eventFile == null
              ? JSON.createObjectNode()
              : JSON.readTree(Files.readAllBytes(eventFile));
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          "Cannot read the workflow event GITHUB_EVENT_PATH=" + eventFile + ": " + e.getMessage(),
          e);
    }
    return parse(name, root, repositoryFallback);
  }

  public static GitHubEvent parse(String name, JsonNode root, String repositoryFallback) {
    String eventName = name == null ? "" : name.strip();
    String repository =
        text(root.path("repository").path("full_name"))
            .or(() -> Optional.ofNullable(repositoryFallback).filter(r -> !r.isBlank()))
            .orElse("");
    switch (eventName) {
      case "pull_request", "pull_request_target" -> {
        JsonNode pr = root.path("pull_request");
        Optional<Integer> number =
            pr.path("number").canConvertToInt()
                ? Optional.of(pr.path("number").asInt())
                : Optional.ofNullable(
                    root.path("number").isInt() ? root.path("number").asInt() : null);
        Optional<String> head = text(pr.path("head").path("repo").path("full_name"));
        String base = text(pr.path("base").path("repo").path("full_name")).orElse(repository);
        // A fork whose repository was deleted has no head repo at all: still a fork.
        boolean fork =
            !pr.isMissingNode()
                && (head.isEmpty()
                    || !head.get().equalsIgnoreCase(base)
                    || pr.path("head").path("repo").path("fork").asBoolean(false));
        return new GitHubEvent(
            eventName,
            repository,
            number,
            text(pr.path("base").path("sha")),
            text(pr.path("head").path("sha")),
            head,
            fork);
      }
      case "issue_comment" -> {
        JsonNode issue = root.path("issue");
        boolean onPullRequest = !issue.path("pull_request").isMissingNode();
        if (!onPullRequest) {
          throw new InvalidConfigurationException(
              "This issue_comment event is on an issue, not a pull request: there is nothing to"
                  + " review. Add `if: github.event.issue.pull_request` to the job.");
        }
        return new GitHubEvent(
            eventName,
            repository,
            Optional.of(issue.path("number").asInt()),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false);
      }
      default -> {
        return new GitHubEvent(
            eventName,
            repository,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false);
      }
    }
  }

  /** This event with the commits GitHub's API reported for its pull request. */
  public GitHubEvent withCommits(String base, String head, boolean fork, String headRepo) {
    return new GitHubEvent(
        name,
        repository,
        pullRequest,
        Optional.ofNullable(base),
        Optional.ofNullable(head),
        Optional.ofNullable(headRepo),
        fork);
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isBlank()
        ? Optional.of(node.asText().strip())
        : Optional.empty();
  }

  /** What is reviewed, for the log: the repository, the pull request and the commits. */
  public String describe() {
    GitHubEvent event = this;
    String what =
        event.repository() + event.pullRequest().map(n -> " pull request #" + n).orElse("");
    if (event.baseSha().isPresent() && event.headSha().isPresent()) {
      return what
          + " ("
          + shortSha(event.baseSha().get())
          + ".."
          + shortSha(event.headSha().get())
          + ")";
    }
    return what + event.headSha().map(h -> " (" + shortSha(h) + ")").orElse("");
  }

  private static String shortSha(String sha) {
    return sha.length() > 12 ? sha.substring(0, 12) : sha;
  }
}
