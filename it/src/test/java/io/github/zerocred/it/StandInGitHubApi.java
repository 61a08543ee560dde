package io.github.zerocred.it;

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
 * A plain-HTTP stand-in for the few GitHub REST endpoints the action calls (issue comments and one
 * pull request), keeping comments in memory and recording every request. Plain HTTP because the
 * action talks to {@code GITHUB_API_URL} as given, as with GitHub Enterprise Server.
 */
final class StandInGitHubApi implements AutoCloseable {
  private static final JsonMapper JSON = new JsonMapper();
  private static final Pattern ISSUE_COMMENTS =
      Pattern.compile("/repos/([^/]+/[^/]+)/issues/(\\d+)/comments");
  private static final Pattern COMMENT =
      Pattern.compile("/repos/([^/]+/[^/]+)/issues/comments/(\\d+)");

  /** One request as received. */
  record Request(String method, String path, String authorization, String body) {}

  /** A stored comment. */
  record Comment(long id, int issue, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<Long, Comment> comments = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong(1000);
  private final String expectedToken;
  private volatile boolean refuseComments;

  StandInGitHubApi(InetSocketAddress bind, String expectedToken) throws IOException {
    this.expectedToken = expectedToken;
    server = HttpServer.create(bind, 16);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** {@code http://HOST:PORT} as the action container reaches it. */
  String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Answer every comment write with 403, as GitHub does for a read-only token. */
  void refuseComments() {
    refuseComments = true;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Comment> comments() {
    List<Comment> list = new ArrayList<>(comments.values());
    list.sort((a, b) -> Long.compare(a.id(), b.id()));
    return list;
  }

  /** Adds a comment as someone else would, e.g. a person discussing the pull request. */
  void addComment(int issue, String body) {
    long id = ids.incrementAndGet();
    comments.put(id, new Comment(id, issue, body));
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
      Comment c = new Comment(id, Integer.parseInt(list.group(2)), text(body));
      comments.put(id, c);
      reply(exchange, 201, json(c).toString());
    } else if (one.matches() && method.equals("PATCH")) {
      long id = Long.parseLong(one.group(2));
      Comment old = comments.get(id);
      if (old == null) {
        reply(exchange, 404, "{\"message\":\"Not Found\"}");
        return;
      }
      if (refuseComments) {
        reply(exchange, 403, "{\"message\":\"Resource not accessible by integration\"}");
        return;
      }
      Comment c = new Comment(id, old.issue(), text(body));
      comments.put(id, c);
      reply(exchange, 200, json(c).toString());
    } else {
      reply(exchange, 404, "{\"message\":\"Not Found\"}");
    }
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
    node.putObject("user").put("login", "github-actions[bot]");
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

  static JsonNode parse(String json) throws IOException {
    return JSON.readTree(json);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
