package io.github.zerocred.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-HTTP stand-in for the few GitHub endpoints the action calls (issue comments, one pull
 * request's files, reviews and review comments, and GraphQL's {@code viewer}), keeping comments in
 * memory and recording every request. Plain HTTP because the action talks to {@code GITHUB_API_URL}
 * as given, as with GitHub Enterprise Server. Every object has an author: what the token writes is
 * {@link #BOT}'s, and tests can plant objects by other people; like GitHub for a token without the
 * right to, it refuses (403) to edit another author's object.
 */
public final class StandInGitHubApi implements AutoCloseable {
  /** The login the token acts as, as GraphQL's {@code viewer} answers for a job's token. */
  public static final String BOT = "github-actions[bot]";

  private static final JsonMapper JSON = new JsonMapper();
  private static final Pattern ISSUE_COMMENTS =
      Pattern.compile("/repos/([^/]+/[^/]+)/issues/(\\d+)/comments");
  private static final Pattern COMMENT =
      Pattern.compile("/repos/([^/]+/[^/]+)/issues/comments/(\\d+)");

  private static final Pattern PULL_FILES =
      Pattern.compile("/repos/([^/]+/[^/]+)/pulls/(\\d+)/files");
  private static final Pattern REVIEWS =
      Pattern.compile("/repos/([^/]+/[^/]+)/pulls/(\\d+)/reviews");
  private static final Pattern REVIEW =
      Pattern.compile("/repos/([^/]+/[^/]+)/pulls/(\\d+)/reviews/(\\d+)");
  private static final Pattern REVIEW_COMMENTS =
      Pattern.compile("/repos/([^/]+/[^/]+)/pulls/(\\d+)/comments");
  private static final Pattern REVIEW_COMMENT =
      Pattern.compile("/repos/([^/]+/[^/]+)/pulls/comments/(\\d+)");
  private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@");

  /** A file of the pull request, as {@code GET /pulls/N/files} lists it. */
  public record PullFile(String filename, String status, String patch) {}

  /** A submitted review. */
  public record Review(long id, int pull, String commitId, String body, String author) {}

  /**
   * A comment on the diff: on {@code line} (from {@code startLine}, 0 when single) of {@code side}.
   */
  public record ReviewComment(
      long id,
      long reviewId,
      int pull,
      String path,
      int startLine,
      int line,
      String side,
      String body,
      String author) {}

  /** One request as received. */
  public record Request(String method, String path, String authorization, String body) {}

  /** A stored comment. */
  public record Comment(long id, int issue, String body, String author) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<Long, Comment> comments = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(1000);
  private final String expectedToken;
  private volatile boolean refuseComments;
  private final List<PullFile> files = new CopyOnWriteArrayList<>();
  private final Map<Long, Review> reviews = new ConcurrentHashMap<>();
  private final Map<Long, ReviewComment> reviewComments = new ConcurrentHashMap<>();

  public StandInGitHubApi(InetSocketAddress bind, String expectedToken) throws IOException {
    this.expectedToken = expectedToken;
    server = HttpServer.create(bind, 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** {@code http://HOST:PORT} as the action container reaches it. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Answer every comment write with 403, as GitHub does for a read-only token. */
  public void refuseComments() {
    refuseComments = true;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public List<Comment> comments() {
    List<Comment> list = new ArrayList<>(comments.values());
    list.sort((a, b) -> Long.compare(a.id(), b.id()));
    return list;
  }

  /** The pull request's changed files; their patches decide which lines take comments. */
  public void pullRequestFiles(List<PullFile> list) {
    files.clear();
    files.addAll(list);
  }

  public List<Review> reviews() {
    List<Review> list = new ArrayList<>(reviews.values());
    list.sort((a, b) -> Long.compare(a.id(), b.id()));
    return list;
  }

  public List<ReviewComment> reviewComments() {
    List<ReviewComment> list = new ArrayList<>(reviewComments.values());
    list.sort((a, b) -> Long.compare(a.id(), b.id()));
    return list;
  }

  /** Adds a comment as someone else would, e.g. a person discussing the pull request. */
  public void addComment(int issue, String body) {
    addComment(issue, body, "octocat");
  }

  /** Adds a comment by {@code author}; returns its id. */
  public long addComment(int issue, String body, String author) {
    long id = ids.incrementAndGet();
    comments.put(id, new Comment(id, issue, body, author));
    return id;
  }

  /** Adds a review by {@code author}, as a person (or an attacker copying a marker) would. */
  public long addReview(int pull, String body, String author) {
    long id = ids.incrementAndGet();
    reviews.put(id, new Review(id, pull, "0".repeat(40), body, author));
    return id;
  }

  /** Adds a comment on line {@code line} of {@code path} by {@code author}. */
  public long addReviewComment(int pull, String path, int line, String body, String author) {
    long reviewId = addReview(pull, "", author);
    long id = ids.incrementAndGet();
    reviewComments.put(
        id, new ReviewComment(id, reviewId, pull, path, 0, line, "RIGHT", body, author));
    return id;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    requests.add(
        new Request(method, path, exchange.getRequestHeaders().getFirst("Authorization"), body));
    if (!("Bearer " + expectedToken)
        .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      reply(exchange, 401, "{\"message\":\"Bad credentials\"}");
      return;
    }
    if (path.equals("/graphql") && method.equals("POST")) {
      // The one query the action makes: who the token is.
      if (!JSON.readTree(body)
          .path("query")
          .asText()
          .matches("(?s).*\\bviewer\\s*\\{\\s*login.*")) {
        reply(exchange, 400, "{\"errors\":[{\"message\":\"unexpected query\"}]}");
        return;
      }
      reply(exchange, 200, "{\"data\":{\"viewer\":{\"login\":\"" + BOT + "\"}}}");
      return;
    }
    if (pulls(exchange, method, path, body)) {
      return;
    }
    Matcher list = ISSUE_COMMENTS.matcher(path);
    Matcher one = COMMENT.matcher(path);
    if (list.matches() && method.equals("GET")) {
      int issue = Integer.parseInt(list.group(2));
      ArrayNode array = JSON.createArrayNode();
      comments().stream().filter(c -> c.issue() == issue).forEach(c -> array.add(json(c)));
      reply(exchange, 200, array.toString());
    } else if (list.matches() && method.equals("POST")) {
      if (refuseComments) {
        reply(exchange, 403, "{\"message\":\"Resource not accessible by integration\"}");
        return;
      }
      long id = ids.incrementAndGet();
      Comment c = new Comment(id, Integer.parseInt(list.group(2)), text(body), BOT);
      comments.put(id, c);
      reply(exchange, 201, json(c).toString());
    } else if (one.matches() && method.equals("PATCH")) {
      long id = Long.parseLong(one.group(2));
      Comment old = comments.get(id);
      if (old == null) {
        reply(exchange, 404, "{\"message\":\"Not Found\"}");
        return;
      }
      if (refuseComments || !old.author().equals(BOT)) {
        reply(exchange, 403, "{\"message\":\"Resource not accessible by integration\"}");
        return;
      }
      Comment c = new Comment(id, old.issue(), text(body), BOT);
      comments.put(id, c);
      reply(exchange, 200, json(c).toString());
    } else {
      reply(exchange, 404, "{\"message\":\"Not Found\"}");
    }
  }

  /** The pull request review endpoints; false when the path is none of them. */
  private boolean pulls(HttpExchange exchange, String method, String path, String body)
      throws IOException {
    Matcher m;
    if ((m = PULL_FILES.matcher(path)).matches() && method.equals("GET")) {
      ArrayNode array = JSON.createArrayNode();
      for (PullFile f : files) {
        array
            .addObject()
            .put("filename", f.filename())
            .put("status", f.status())
            .put("patch", f.patch());
      }
      reply(exchange, 200, array.toString());
    } else if ((m = REVIEWS.matcher(path)).matches() && method.equals("GET")) {
      int pull = Integer.parseInt(m.group(2));
      ArrayNode array = JSON.createArrayNode();
      reviews().stream().filter(r -> r.pull() == pull).forEach(r -> array.add(json(r)));
      reply(exchange, 200, array.toString());
    } else if ((m = REVIEWS.matcher(path)).matches() && method.equals("POST")) {
      if (refuseComments) {
        reply(exchange, 403, "{\"message\":\"Resource not accessible by integration\"}");
        return true;
      }
      int pull = Integer.parseInt(m.group(2));
      JsonNode request = JSON.readTree(body);
      // GitHub refuses the whole review when one comment is off the diff: check them all first.
      for (JsonNode c : request.path("comments")) {
        String problem = offDiff(c);
        if (problem != null) {
          reply(
              exchange,
              422,
              "{\"message\":\"Unprocessable Entity\",\"errors\":[\"" + problem + "\"]}");
          return true;
        }
      }
      Review review =
          new Review(
              ids.incrementAndGet(),
              pull,
              request.path("commit_id").asText(),
              request.path("body").asText(),
              BOT);
      reviews.put(review.id(), review);
      for (JsonNode c : request.path("comments")) {
        store(review.id(), pull, c);
      }
      reply(exchange, 200, json(review).toString());
    } else if ((m = REVIEW.matcher(path)).matches() && method.equals("PUT")) {
      Review old = reviews.get(Long.parseLong(m.group(3)));
      if (old == null) {
        reply(exchange, 404, "{\"message\":\"Not Found\"}");
        return true;
      }
      if (!old.author().equals(BOT)) {
        reply(exchange, 403, "{\"message\":\"Resource not accessible by integration\"}");
        return true;
      }
      Review review = new Review(old.id(), old.pull(), old.commitId(), text(body), BOT);
      reviews.put(review.id(), review);
      reply(exchange, 200, json(review).toString());
    } else if ((m = REVIEW_COMMENTS.matcher(path)).matches() && method.equals("GET")) {
      int pull = Integer.parseInt(m.group(2));
      ArrayNode array = JSON.createArrayNode();
      reviewComments().stream().filter(c -> c.pull() == pull).forEach(c -> array.add(json(c)));
      reply(exchange, 200, array.toString());
    } else if ((m = REVIEW_COMMENTS.matcher(path)).matches() && method.equals("POST")) {
      JsonNode c = JSON.readTree(body);
      String problem = c.hasNonNull("commit_id") ? offDiff(c) : "commit_id is missing";
      if (problem != null) {
        reply(exchange, 422, "{\"message\":\"" + problem + "\"}");
        return true;
      }
      // GitHub wraps a lone comment in a review of its own.
      long reviewId = ids.incrementAndGet();
      int pull = Integer.parseInt(m.group(2));
      reviews.put(reviewId, new Review(reviewId, pull, c.path("commit_id").asText(), "", BOT));
      reply(exchange, 201, json(store(reviewId, pull, c)).toString());
    } else if ((m = REVIEW_COMMENT.matcher(path)).matches() && method.equals("PATCH")) {
      ReviewComment old = reviewComments.get(Long.parseLong(m.group(2)));
      if (old == null) {
        reply(exchange, 404, "{\"message\":\"Not Found\"}");
        return true;
      }
      if (!old.author().equals(BOT)) {
        reply(exchange, 403, "{\"message\":\"Resource not accessible by integration\"}");
        return true;
      }
      ReviewComment c =
          new ReviewComment(
              old.id(),
              old.reviewId(),
              old.pull(),
              old.path(),
              old.startLine(),
              old.line(),
              old.side(),
              text(body),
              BOT);
      reviewComments.put(c.id(), c);
      reply(exchange, 200, json(c).toString());
    } else {
      return false;
    }
    return true;
  }

  private ReviewComment store(long reviewId, int pull, JsonNode c) {
    ReviewComment comment =
        new ReviewComment(
            ids.incrementAndGet(),
            reviewId,
            pull,
            c.path("path").asText(),
            c.path("start_line").asInt(0),
            c.path("line").asInt(),
            c.path("side").asText("RIGHT"),
            c.path("body").asText(),
            BOT);
    reviewComments.put(comment.id(), comment);
    return comment;
  }

  /** Why GitHub would refuse this comment's position, or null: its lines must be in one hunk. */
  private String offDiff(JsonNode c) {
    String path = c.path("path").asText();
    PullFile file = files.stream().filter(f -> f.filename().equals(path)).findFirst().orElse(null);
    if (file == null) {
      return "path " + path + " is not part of the pull request";
    }
    if (!"RIGHT".equals(c.path("side").asText("RIGHT"))) {
      return "only RIGHT-side comments are expected";
    }
    int line = c.path("line").asInt(-1);
    int start = c.path("start_line").asInt(line);
    for (List<Integer> hunk : hunks(file.patch())) {
      if (hunk.contains(line) && hunk.contains(start)) {
        return null;
      }
    }
    return "pull_request_review_thread.line must be part of the diff";
  }

  /**
   * The head-side lines of each hunk of a unified diff. Written here again on purpose rather than
   * borrowed from the action's DiffLines: the stand-in judges the action, so it keeps its own.
   */
  public static List<List<Integer>> hunks(String patch) {
    List<List<Integer>> hunks = new ArrayList<>();
    List<Integer> current = null;
    int line = 0;
    for (String text : patch.split("\n", -1)) {
      Matcher m = HUNK.matcher(text);
      if (m.find()) {
        current = new ArrayList<>();
        hunks.add(current);
        line = Integer.parseInt(m.group(1));
      } else if (current != null && (text.startsWith("+") || text.startsWith(" "))) {
        current.add(line++);
      }
    }
    return hunks;
  }

  private ObjectNode json(Review r) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", r.id());
    node.put("body", r.body());
    node.put("commit_id", r.commitId());
    node.put("state", "COMMENTED");
    node.putObject("user").put("login", r.author());
    node.put(
        "html_url",
        "https://github.example/acme/widgets/pull/" + r.pull() + "#pullrequestreview-" + r.id());
    return node;
  }

  private ObjectNode json(ReviewComment c) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", c.id());
    node.put("pull_request_review_id", c.reviewId());
    node.put("path", c.path());
    node.put("line", c.line());
    node.put("side", c.side());
    if (c.startLine() > 0) {
      node.put("start_line", c.startLine());
    }
    node.put("body", c.body());
    node.putObject("user").put("login", c.author());
    node.put(
        "html_url",
        "https://github.example/acme/widgets/pull/" + c.pull() + "#discussion_r" + c.id());
    return node;
  }

  private String text(String requestBody) throws IOException {
    return JSON.readTree(requestBody).path("body").asText();
  }

  private ObjectNode json(Comment c) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", c.id());
    node.put("body", c.body());
    node.put(
        "html_url",
        "https://github.example/acme/widgets/pull/" + c.issue() + "#issuecomment-" + c.id());
    node.putObject("user").put("login", c.author());
    return node;
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public static JsonNode parse(String json) throws IOException {
    return JSON.readTree(json);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
