package io.github.zerocred.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.zerocred.proxy.ZerocredException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few GitHub calls the action makes, from the action's own process: the token never enters
 * Claude's container. {@code GITHUB_API_URL} is honoured, so GitHub Enterprise Server works. Every
 * body posted passes {@link GitHubText#forGitHub}: mentions neutralised, size within GitHub's
 * limit.
 */
public final class GitHubApi {
  private static final JsonMapper JSON = new JsonMapper();
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");
  private static final int MAX_PAGES = 30;

  private final URI apiUrl;
  private final URI graphqlUrl;
  private final String token;
  private final HttpClient http;

  /** A comment on an issue or pull request, and who wrote it ({@code user.login}). */
  public record Comment(long id, String body, String htmlUrl, String author) {}

  /** A file a pull request changes, with its unified diff ({@code patch}; empty when too big). */
  public record PullRequestFile(String filename, String status, String patch) {}

  /** A pull request review: its summary body, and who wrote it. */
  public record Review(long id, String body, String htmlUrl, String author) {}

  /** A comment on a line of a pull request's diff, and who wrote it. */
  public record ReviewComment(
      long id, String body, String path, int line, String htmlUrl, String author) {}

  /**
   * A review comment to make: on line {@code line} of {@code path} on {@code side} of the diff
   * ({@code RIGHT}, the head), from {@code startLine} when it spans several lines.
   */
  public record NewReviewComment(String path, int startLine, int line, String side, String body) {
    public ObjectNode json() {
      ObjectNode c = JSON.createObjectNode();
      c.put("path", path)
          .put("body", GitHubText.forGitHub(body))
          .put("line", line)
          .put("side", side);
      if (startLine < line) {
        c.put("start_line", startLine).put("start_side", side);
      }
      return c;
    }
  }

  /** A pull request's commits and where its head lives. */
  public record PullRequest(
      String baseSha, String headSha, String headRepository, boolean fromFork) {}

  /** GitHub refused or failed a call; {@link #status} is the HTTP status, 0 when none came. */
  public static final class GitHubException extends ZerocredException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public GitHubException(int status, String message, Throwable cause) {
      super(message, cause);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public GitHubApi(String apiUrl, String token) {
    String url = apiUrl == null || apiUrl.isBlank() ? "https://api.github.com" : apiUrl.strip();
    this.apiUrl = URI.create(url.endsWith("/") ? url : url + "/");
    // GitHub: https://api.github.com/graphql; Enterprise Server: https://HOST/api/graphql beside
    // the REST API's https://HOST/api/v3.
    this.graphqlUrl =
        this.apiUrl.getPath().endsWith("/api/v3/")
            ? this.apiUrl.resolve("../graphql")
            : this.apiUrl.resolve("graphql");
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            // Never follow a redirect: the token would go wherever it points.
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The login of the account the token acts as: a person (a personal access token), or an app's bot
   * such as {@code github-actions[bot]} (the job's {@code GITHUB_TOKEN}, an installation token).
   * REST's {@code GET /user} answers 403 "Resource not accessible by integration" to an
   * installation token, and {@code GET /app} wants the app's JWT; GraphQL's {@code viewer} answers
   * both kinds of token.
   */
  public String viewerLogin() {
    ObjectNode query = JSON.createObjectNode().put("query", "query { viewer { login } }");
    JsonNode answer = parse(exchange("POST", graphqlUrl, query.toString()));
    String login = answer.path("data").path("viewer").path("login").asText("");
    if (login.isBlank()) {
      String why = answer.path("errors").path(0).path("message").asText("no login in the answer");
      throw new GitHubException(
          200, "GitHub's GraphQL API did not say who the token is: " + why, null);
    }
    return login;
  }

  public PullRequest pullRequest(String repository, int number) {
    JsonNode pr = send("GET", "repos/" + repository + "/pulls/" + number, null);
    String head = pr.path("head").path("repo").path("full_name").asText("");
    String base = pr.path("base").path("repo").path("full_name").asText(repository);
    return new PullRequest(
        pr.path("base").path("sha").asText(null),
        pr.path("head").path("sha").asText(null),
        head.isEmpty() ? null : head,
        head.isEmpty() || !head.equalsIgnoreCase(base));
  }

  /** Every comment on issue or pull request {@code number}, oldest first. */
  public List<Comment> comments(String repository, int number) {
    List<Comment> all = new ArrayList<>();
    URI next =
        apiUrl.resolve("repos/" + repository + "/issues/" + number + "/comments?per_page=100");
    for (int page = 0; next != null && page < MAX_PAGES; page++) {
      HttpResponse<String> response = exchange("GET", next, null);
      for (JsonNode c : parse(response)) {
        all.add(comment(c));
      }
      next = nextPage(response);
    }
    return all;
  }

  /** The files pull request {@code number} changes, with their patches. */
  public List<PullRequestFile> pullRequestFiles(String repository, int number) {
    List<PullRequestFile> files = new ArrayList<>();
    for (JsonNode f : pages("repos/" + repository + "/pulls/" + number + "/files")) {
      files.add(
          new PullRequestFile(
              f.path("filename").asText(), f.path("status").asText(), f.path("patch").asText("")));
    }
    return files;
  }

  /** The reviews of pull request {@code number}, oldest first. */
  public List<Review> reviews(String repository, int number) {
    List<Review> reviews = new ArrayList<>();
    for (JsonNode r : pages("repos/" + repository + "/pulls/" + number + "/reviews")) {
      reviews.add(review(r));
    }
    return reviews;
  }

  /** The comments on the diff of pull request {@code number}, oldest first. */
  public List<ReviewComment> reviewComments(String repository, int number) {
    List<ReviewComment> comments = new ArrayList<>();
    for (JsonNode c : pages("repos/" + repository + "/pulls/" + number + "/comments")) {
      comments.add(reviewComment(c));
    }
    return comments;
  }

  /** Submits a review ({@code COMMENT}) of {@code commitId} with a body and inline comments. */
  public Review createReview(
      String repository,
      int number,
      String commitId,
      String body,
      List<NewReviewComment> comments) {
    ObjectNode request = JSON.createObjectNode();
    request
        .put("commit_id", commitId)
        .put("body", GitHubText.forGitHub(body))
        .put("event", "COMMENT");
    ArrayNode array = request.putArray("comments");
    comments.forEach(c -> array.add(c.json()));
    return review(
        sendJson("POST", "repos/" + repository + "/pulls/" + number + "/reviews", request));
  }

  public Review updateReview(String repository, int number, long reviewId, String body) {
    ObjectNode request = JSON.createObjectNode().put("body", GitHubText.forGitHub(body));
    return review(
        sendJson(
            "PUT", "repos/" + repository + "/pulls/" + number + "/reviews/" + reviewId, request));
  }

  /** Adds one comment on the diff of {@code commitId}, outside any earlier review. */
  public ReviewComment createReviewComment(
      String repository, int number, String commitId, NewReviewComment comment) {
    ObjectNode request = comment.json().put("commit_id", commitId);
    return reviewComment(
        sendJson("POST", "repos/" + repository + "/pulls/" + number + "/comments", request));
  }

  public ReviewComment updateReviewComment(String repository, long commentId, String body) {
    ObjectNode request = JSON.createObjectNode().put("body", GitHubText.forGitHub(body));
    return reviewComment(
        sendJson("PATCH", "repos/" + repository + "/pulls/comments/" + commentId, request));
  }

  public Comment createComment(String repository, int number, String body) {
    return comment(send("POST", "repos/" + repository + "/issues/" + number + "/comments", body));
  }

  public Comment updateComment(String repository, long commentId, String body) {
    return comment(send("PATCH", "repos/" + repository + "/issues/comments/" + commentId, body));
  }

  private JsonNode send(String method, String path, String commentBody) {
    return sendJson(
        method,
        path,
        commentBody == null
            ? null
            : JSON.createObjectNode().put("body", GitHubText.forGitHub(commentBody)));
  }

  private JsonNode sendJson(String method, String path, ObjectNode body) {
    return parse(exchange(method, apiUrl.resolve(path), body == null ? null : body.toString()));
  }

  /** Every element of a paged list, following {@code Link: rel="next"} within this API. */
  private List<JsonNode> pages(String path) {
    List<JsonNode> all = new ArrayList<>();
    URI next = apiUrl.resolve(path + "?per_page=100");
    for (int page = 0; next != null && page < MAX_PAGES; page++) {
      HttpResponse<String> response = exchange("GET", next, null);
      parse(response).forEach(all::add);
      next = nextPage(response);
    }
    return all;
  }

  private static Review review(JsonNode r) {
    return new Review(
        r.path("id").asLong(),
        r.path("body").asText(""),
        r.path("html_url").asText(""),
        r.path("user").path("login").asText(""));
  }

  private static ReviewComment reviewComment(JsonNode c) {
    return new ReviewComment(
        c.path("id").asLong(),
        c.path("body").asText(""),
        c.path("path").asText(""),
        c.path("line").asInt(0),
        c.path("html_url").asText(""),
        c.path("user").path("login").asText(""));
  }

  private HttpResponse<String> exchange(String method, URI uri, String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("User-Agent", "zerocred-action")
            .header("Authorization", "Bearer " + token);
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new GitHubException(
          0, "GitHub's API at " + apiUrl + " could not be reached (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GitHubException(0, "interrupted while calling GitHub's API", e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new GitHubException(
          response.statusCode(),
          "GitHub answered "
              + response.statusCode()
              + " to "
              + method
              + " "
              + uri.getPath()
              + errorMessage(response.body()).map(m -> ": " + m).orElse(""),
          null);
    }
    return response;
  }

  private static JsonNode parse(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new GitHubException(
          response.statusCode(), "GitHub's API answered something that is not JSON", e);
    }
  }

  private static Optional<String> errorMessage(String body) {
    try {
      String m = JSON.readTree(body).path("message").asText("");
      return m.isBlank() ? Optional.empty() : Optional.of(m);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Comment comment(JsonNode c) {
    return new Comment(
        c.path("id").asLong(),
        c.path("body").asText(""),
        c.path("html_url").asText(""),
        c.path("user").path("login").asText(""));
  }

  private URI nextPage(HttpResponse<String> response) {
    Optional<String> link = response.headers().firstValue("Link");
    if (link.isEmpty()) {
      return null;
    }
    Matcher m = NEXT_LINK.matcher(link.get());
    if (!m.find()) {
      return null;
    }
    URI next = URI.create(m.group(1));
    // The token goes along: only ever to the API we were given.
    boolean sameApi =
        apiUrl.getScheme().equalsIgnoreCase(next.getScheme())
            && apiUrl.getAuthority().equalsIgnoreCase(next.getAuthority());
    return sameApi ? next : null;
  }
}
