package io.github.zerocred.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A stand-in for the Anthropic Messages API, faithful enough that the real Claude Code CLI runs a
 * scripted conversation against it.
 *
 * <p>The main conversation is the requests that offer tools; each takes the next scripted {@link
 * Reply}. Other Messages requests (side requests such as titles) get a short generic text. Every
 * request is recorded, including refused ones.
 *
 * <p>What Claude Code 2.1.330 in print mode was measured to send and need, talking to this class
 * directly ({@code ANTHROPIC_BASE_URL=https://localhost:PORT}, {@code NODE_EXTRA_CA_CERTS}):
 *
 * <ul>
 *   <li>Only {@code POST /v1/messages?beta=true}: with a base URL that is not {@value #API_HOST} it
 *       skips {@code GET /api/claude_code/settings} and {@code /policy_limits} (which it does call
 *       through a proxy to the real host; answer 404 there, an empty 200 costs ~5 s of retries). A
 *       short conversation made no side requests, nor {@code count_tokens} calls.
 *   <li>Every turn streams ({@code "stream": true}), ~49 KB of JSON: 12 tools (Agent, Bash, Edit,
 *       ListAgents, Read, ReportFindings, ScheduleWakeup, Skill, ToolSearch, Workflow,
 *       DeferredToolPlaceholder, Write), {@code max_tokens} 128000, adaptive thinking, {@code
 *       metadata.user_id} (a JSON string with a device id), and messages with role {@code system}
 *       among the user turns. Default model: {@code claude-sonnet-5-5} with an OAuth token, {@code
 *       claude-opus-5-5} with an API key; the CLI prices the usage by that name.
 *   <li>OAuth: {@code Authorization: Bearer} and an {@code anthropic-beta} list containing {@code
 *       oauth-2025-04-20}. API key: {@code x-api-key}, no {@code Authorization}, no OAuth beta.
 *       Also {@code anthropic-version: 2023-06-01}, {@code x-app: cli}, {@code User-Agent:
 *       claude-cli/2.1.330 (external, sdk-cli)}, {@code X-Claude-Code-Session-Id}, {@code
 *       X-Stainless-*} and {@code Accept-Encoding: gzip, deflate, br, zstd} (plain answers work).
 *   <li>Turns reuse one kept-alive TLS connection; SNI is sent even for {@code localhost}.
 *   <li>The {@code tool_result} of {@code Read} is a plain string in {@code cat -n} form: {@code
 *       "1\tfirst line\n2\t"}.
 *   <li>A 401 is retried once, then the run exits 1 with {@code is_error: true}, {@code
 *       api_error_status: 401} and {@code result} "Failed to authenticate. API Error: 401
 *       &lt;message&gt;" — but {@code subtype} still says {@code "success"}.
 *   <li>A 529 is retried 10 times with backoff (about 3 minutes) before the same kind of error
 *       result; {@code CLAUDE_CODE_MAX_RETRIES=0} makes it fail after one request (~2 s).
 *   <li>Print mode waits 3 s for data on stdin unless stdin is closed or at end of input.
 * </ul>
 */
public final class StandInAnthropicApi implements AutoCloseable {

  /** The host name the CLI talks to; the stand-in's certificate always covers it. */
  public static final String API_HOST = "api.anthropic.com";

  static final String OAUTH_BETA = "oauth-2025-04-20";
  static final String EXPIRED_OAUTH_MESSAGE =
      "OAuth token has expired. Please obtain a new token or refresh your existing token.";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Ways to make every Messages request fail, for tests of error handling. */
  public enum Failure {
    /** 529 {@code overloaded_error}, as the API answers under load (clients retry). */
    OVERLOADED(529, "overloaded_error", "Overloaded"),
    /** 401 for an OAuth token past its expiry: the failure CI users meet most. */
    EXPIRED_OAUTH_TOKEN(401, "authentication_error", EXPIRED_OAUTH_MESSAGE),
    /** 401 as for an unknown or revoked API key. */
    INVALID_API_KEY(401, "authentication_error", "invalid x-api-key"),
    /** 429 {@code rate_limit_error}. */
    RATE_LIMITED(429, "rate_limit_error", "This request would exceed your account's rate limit."),
    /** 500 {@code api_error}. */
    INTERNAL_ERROR(500, "api_error", "Internal server error");

    private final int status;
    private final String type;
    private final String message;

    Failure(int status, String type, String message) {
      this.status = status;
      this.type = type;
      this.message = message;
    }

    Reply reply() {
      return Reply.error(status, type, message);
    }
  }

  private final TestPki pki;
  private final StandInServer server;
  private final String expectedToken;
  private final List<Reply> script;
  private final AtomicInteger scriptPosition = new AtomicInteger();
  private final Reply defaultReply;
  private final Reply sideReply;
  private final Predicate<MessagesRequest> mainConversation;
  private final AtomicReference<Failure> failure;
  private final MessagesRendering rendering = new MessagesRendering();
  private final CompletableFuture<Void> hold;
  private final AtomicInteger held = new AtomicInteger();

  private StandInAnthropicApi(Builder builder) {
    this.pki = builder.pki == null ? TestPki.create() : builder.pki;
    this.expectedToken = builder.expectedToken;
    this.script = List.copyOf(builder.script);
    this.defaultReply = builder.defaultReply;
    this.sideReply = builder.sideReply;
    this.mainConversation = builder.mainConversation;
    this.failure = new AtomicReference<>(builder.failure);
    this.hold = builder.hold;
    List<String> names = new ArrayList<>();
    names.add(API_HOST);
    for (String name : builder.extraNames) {
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    this.server =
        StandInServer.builder()
            .identity(pki.issue(names.toArray(String[]::new)))
            .bind(builder.bind)
            .handler(this::respond)
            .start();
  }

  /** Starts configuring a stand-in API; every setting has a default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /** {@code https://localhost:<port>}, for {@code ANTHROPIC_BASE_URL} when talking directly. */
  public String baseUrl() {
    return "https://localhost:" + port();
  }

  /** The CA that issued the stand-in's certificate; clients must trust it. */
  public TestPki pki() {
    return pki;
  }

  /** Writes the CA certificate as PEM (for {@code NODE_EXTRA_CA_CERTS}) and returns the file. */
  public Path writeCaPem(Path file) {
    return pki.writeCaPem(file);
  }

  /** The underlying server: every request, accepted connections, SNI names. */
  public StandInServer server() {
    return server;
  }

  /** A snapshot of every request received, whatever its path or outcome. */
  public List<RecordedRequest> requests() {
    return server.requests();
  }

  /** Every {@code POST /v1/messages} request received (including rejected ones), parsed. */
  public List<MessagesRequest> messagesRequests() {
    List<MessagesRequest> parsed = new ArrayList<>();
    for (RecordedRequest request : server.requests()) {
      if (isMessages(request)) {
        parsed.add(MessagesRequest.parse(request));
      }
    }
    return parsed;
  }

  /** The Messages requests that belong to the scripted main conversation. */
  public List<MessagesRequest> mainConversationRequests() {
    List<MessagesRequest> main = new ArrayList<>();
    for (MessagesRequest request : messagesRequests()) {
      if (mainConversation.test(request)) {
        main.add(request);
      }
    }
    return main;
  }

  /** How many replies {@link Builder#holdReplies} has held so far (released or not). */
  public int heldReplies() {
    return held.get();
  }

  /** How many scripted replies were used so far. */
  public int scriptPosition() {
    return Math.min(scriptPosition.get(), script.size());
  }

  /** Makes every later Messages request fail this way; {@code null} returns to normal. */
  public void failWith(Failure mode) {
    failure.set(mode);
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }

  private static boolean isMessages(RecordedRequest request) {
    return "POST".equals(request.method()) && "/v1/messages".equals(request.path());
  }

  private StandInResponse respond(RecordedRequest request) {
    String requestId = rendering.newId("req_");
    StandInResponse response = route(request, requestId);
    return response.header("request-id", requestId);
  }

  private StandInResponse route(RecordedRequest request, String requestId) {
    String denial = authenticationFailure(request);
    if (denial != null) {
      return error(401, "authentication_error", denial, requestId);
    }
    String path = request.path();
    if ("POST".equals(request.method()) && "/v1/messages/count_tokens".equals(path)) {
      ObjectNode count = JSON.createObjectNode();
      count.put("input_tokens", MessagesRendering.estimateTokens(request.bodyLength()));
      return StandInResponse.json(200, MessagesRendering.write(count));
    }
    if (isMessages(request)) {
      return messages(request, requestId);
    }
    // Settings and policy endpoints included: the CLI takes a 404 as "none" and moves on at once,
    // while an empty 200 made it retry for seconds.
    return error(404, "not_found_error", "Not found: " + request.method() + " " + path, requestId);
  }

  private StandInResponse messages(RecordedRequest recorded, String requestId) {
    MessagesRequest request;
    try {
      request = MessagesRequest.parse(recorded);
    } catch (IllegalArgumentException e) {
      return error(400, "invalid_request_error", e.getMessage(), requestId);
    }
    Failure failing = failure.get();
    Reply reply;
    if (failing != null) {
      reply = failing.reply();
    } else if (mainConversation.test(request)) {
      int position = scriptPosition.getAndIncrement();
      reply = position < script.size() ? script.get(position) : defaultReply;
    } else {
      reply = sideReply;
    }
    try {
      reply = reply.resolve(request);
    } catch (RuntimeException e) {
      return error(500, "api_error", "stand-in dynamic reply failed: " + e, requestId);
    }
    if (reply.kind() == Reply.Kind.ERROR) {
      return error(reply.status(), reply.errorType(), reply.text(), requestId);
    }
    if (reply.kind() == Reply.Kind.TOOL_USE && !request.toolNames().contains(reply.toolName())) {
      // The real model cannot call a tool it was not offered; a test scripting one is wrong.
      return error(
          400,
          "invalid_request_error",
          "stand-in: the script calls "
              + reply.toolName()
              + ", which this request does not offer"
              + (Reply.STRUCTURED_OUTPUT_TOOL.equals(reply.toolName())
                  ? " (run Claude Code with --json-schema)"
                  : ""),
          requestId);
    }
    if (request.stream()) {
      List<String> events = rendering.events(request, reply);
      if (hold != null && mainConversation.test(request) && !hold.isDone()) {
        held.incrementAndGet();
        return StandInResponse.sseHeld(
            events.subList(0, 1), hold, events.subList(1, events.size()));
      }
      return StandInResponse.sse(events, Duration.ZERO);
    }
    return StandInResponse.json(200, rendering.message(request, reply));
  }

  private static StandInResponse error(int status, String type, String message, String requestId) {
    StandInResponse response =
        StandInResponse.json(status, MessagesRendering.errorJson(type, message, requestId));
    if (status == 529 || status == 429) {
      response = response.header("retry-after", "1");
    }
    if ("authentication_error".equals(type)) {
      response = response.header("x-should-retry", "false");
    }
    return response;
  }

  /** Returns why the request's credential is refused, or {@code null} when it is accepted. */
  private String authenticationFailure(RecordedRequest request) {
    if (expectedToken == null) {
      return null;
    }
    String authorization = request.header("authorization");
    String apiKey = request.header("x-api-key");
    boolean oauth = expectedToken.startsWith("sk-ant-oat");
    if (oauth) {
      String expected = "Bearer " + expectedToken;
      if (apiKey != null || !expected.equals(authorization)) {
        return apiKey != null && authorization == null
            ? "invalid x-api-key"
            : EXPIRED_OAUTH_MESSAGE;
      }
      String betas = String.join(",", request.headers().getAll("anthropic-beta"));
      if (!betas.toLowerCase(Locale.ROOT).contains(OAUTH_BETA)) {
        return "OAuth authentication is currently not supported.";
      }
      return null;
    }
    if (authorization != null || !expectedToken.equals(apiKey)) {
      return "invalid x-api-key";
    }
    return null;
  }

  /**
   * Runs the stand-in until killed. Arguments: {@code --bind HOST:PORT} (default {@code
   * 127.0.0.1:0}), {@code --ca-file FILE} (required), {@code --name NAME} (extra certificate names,
   * repeatable), {@code --reply TEXT} (scripted text replies, repeatable), {@code
   * --structured-output JSON} (a scripted structured-output answer, repeatable, in order with the
   * text replies). The expected token, if any, comes from the environment variable {@code
   * STAND_IN_EXPECT_TOKEN} so it never shows in a process list. Prints one JSON line: {@code
   * {"host":..,"port":..,"caFile":..}}.
   */
  public static void main(String[] args) throws InterruptedException {
    Builder builder = builder();
    Path caFile = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (i + 1 >= args.length) {
        usage(System.err, "missing value after " + arg);
        return;
      }
      String value = args[++i];
      switch (arg) {
        case "--bind":
          int colon = value.lastIndexOf(':');
          if (colon < 0) {
            usage(System.err, "--bind needs HOST:PORT, got " + value);
            return;
          }
          builder.bind(
              new InetSocketAddress(
                  value.substring(0, colon), Integer.parseInt(value.substring(colon + 1))));
          break;
        case "--ca-file":
          caFile = Path.of(value);
          break;
        case "--name":
          builder.names(value);
          break;
        case "--reply":
          builder.addScript(Reply.text(value));
          break;
        case "--structured-output":
          // Answered as the model answers under --json-schema: a StructuredOutput tool call.
          builder.addScript(Reply.structuredOutput(value));
          break;
        default:
          usage(System.err, "unknown option " + arg);
          return;
      }
    }
    if (caFile == null) {
      usage(System.err, "--ca-file is required");
      return;
    }
    String token = System.getenv("STAND_IN_EXPECT_TOKEN");
    if (token != null && !token.isEmpty()) {
      builder.expectToken(token);
    }
    StandInAnthropicApi api = builder.start();
    api.writeCaPem(caFile);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  stopped.countDown();
                },
                "stand-in-shutdown"));
    ObjectNode ready = JSON.createObjectNode();
    ready.put("host", api.address().getHostString());
    ready.put("port", api.port());
    ready.put("caFile", caFile.toAbsolutePath().toString());
    System.out.println(MessagesRendering.write(ready));
    System.out.flush();
    stopped.await();
  }

  private static void usage(PrintStream err, String problem) {
    err.println("stand-in Anthropic API: " + problem);
    err.println(
        "usage: StandInAnthropicApi --ca-file FILE [--bind HOST:PORT] [--name NAME]..."
            + " [--reply TEXT]...");
    err.flush();
    System.exit(2);
  }

  /** Configures a {@link StandInAnthropicApi}. */
  public static final class Builder {
    private TestPki pki;
    private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
    private final List<String> extraNames = new ArrayList<>(List.of("localhost", "127.0.0.1"));
    private String expectedToken;
    private final List<Reply> script = new ArrayList<>();
    private Reply defaultReply = Reply.text("Done.");
    private Reply sideReply = Reply.text("Stand-in reply.");
    private Predicate<MessagesRequest> mainConversation = MessagesRequest::hasTools;
    private Failure failure;
    private CompletableFuture<Void> hold;

    private Builder() {}

    /** The CA to issue the certificate from (to share one with other test servers); default new. */
    public Builder pki(TestPki pki) {
      this.pki = Objects.requireNonNull(pki, "pki");
      return this;
    }

    /** Where to listen; default {@code 127.0.0.1:0}. */
    public Builder bind(InetSocketAddress bind) {
      this.bind = Objects.requireNonNull(bind, "bind");
      return this;
    }

    /**
     * More names for the certificate besides {@value #API_HOST}; {@code localhost} and {@code
     * 127.0.0.1} are always included.
     */
    public Builder names(String... names) {
      extraNames.addAll(Arrays.asList(names));
      return this;
    }

    /**
     * Accepts only this credential: an OAuth token ({@code sk-ant-oat…}) as {@code Authorization:
     * Bearer} with the OAuth beta, anything else as {@code x-api-key}. Other requests get 401 (and
     * are recorded). Default: any credential, or none, is accepted.
     */
    public Builder expectToken(String realToken) {
      this.expectedToken = Objects.requireNonNull(realToken, "realToken");
      return this;
    }

    /** The replies to the main conversation's requests, in order (replaces earlier ones). */
    public Builder script(Reply... replies) {
      script.clear();
      script.addAll(Arrays.asList(replies));
      return this;
    }

    /** Appends to the script. */
    public Builder addScript(Reply reply) {
      script.add(Objects.requireNonNull(reply, "reply"));
      return this;
    }

    /** The reply once the script is used up; default the text {@code "Done."}. */
    public Builder defaultReply(Reply reply) {
      this.defaultReply = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /** The reply to side requests (title, topic, quota checks); default a short text. */
    public Builder sideReply(Reply reply) {
      this.sideReply = Objects.requireNonNull(reply, "reply");
      return this;
    }

    /**
     * Which Messages requests take the next scripted reply; default: those offering tools, since
     * the CLI's side requests offer none.
     */
    public Builder mainConversation(Predicate<MessagesRequest> predicate) {
      this.mainConversation = Objects.requireNonNull(predicate, "predicate");
      return this;
    }

    /**
     * Holds every streamed main-conversation reply after its first event until {@code release}
     * completes (replies after that go at once): runs that each wait on one are all alive together,
     * for as long as the test wants. {@link #heldReplies()} counts them.
     */
    public Builder holdReplies(CompletableFuture<Void> release) {
      this.hold = Objects.requireNonNull(release, "release");
      return this;
    }

    /** Makes every Messages request fail this way from the start. */
    public Builder failWith(Failure mode) {
      this.failure = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Starts the stand-in. */
    public StandInAnthropicApi start() {
      return new StandInAnthropicApi(this);
    }
  }
}
