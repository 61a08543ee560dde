package io.github.zerocred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StandInServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestPki pki;
  private static ServerIdentity identity;
  private static HttpClient client;

  @BeforeAll
  static void createPki() {
    pki = TestPki.create();
    identity = pki.issue("localhost", "127.0.0.1");
    client =
        HttpClient.newBuilder()
            .sslContext(pki.trustingSslContext())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  private static StandInServer start(StandInHandler handler) {
    return StandInServer.builder().identity(identity).handler(handler).start();
  }

  private static URI uri(StandInServer server, String path) {
    return URI.create("https://localhost:" + server.port() + path);
  }

  @Test
  void echo_reportsMethodUriHeadersAndBody() throws Exception {
    try (StandInServer server = start(request -> StandInResponse.echo())) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri(server, "/v1/things?x=1"))
                  .header("X-Secret", "one")
                  .header("X-Secret", "two")
                  .POST(BodyPublishers.ofString("hello body"))
                  .build(),
              BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode echo = JSON.readTree(response.body());
      assertThat(echo.get("method").asText()).isEqualTo("POST");
      assertThat(echo.get("uri").asText()).isEqualTo("/v1/things?x=1");
      assertThat(echo.get("body").asText()).isEqualTo("hello body");
      assertThat(echo.at("/headers/x-secret").toString()).isEqualTo("[\"one\",\"two\"]");

      RecordedRequest recorded = server.requests().get(0);
      assertThat(recorded.path()).isEqualTo("/v1/things");
      assertThat(recorded.query()).isEqualTo("x=1");
      assertThat(recorded.headers().getAll("x-SECRET")).containsExactly("one", "two");
      assertThat(recorded.bodyAsString()).isEqualTo("hello body");
      assertThat(recorded.bodySha256())
          .isEqualTo(sha256("hello body".getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void sequentialRequests_reuseOneKeptAliveConnection() throws Exception {
    try (StandInServer server = start(request -> StandInResponse.text(200, "ok"))) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(uri(server, "/n/" + i)).build(), BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("ok");
      }

      List<RecordedRequest> requests = server.requests();
      assertThat(requests).hasSize(3);
      assertThat(requests)
          .extracting(RecordedRequest::connectionId)
          .containsOnly(requests.get(0).connectionId());
      assertThat(server.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void connectionCloseRequested_usesNewConnectionEachTime() throws Exception {
    try (StandInServer server = start(request -> StandInResponse.status(204))) {
      // HttpClient refuses to set Connection itself; a raw client shows the server honours it.
      for (int i = 0; i < 2; i++) {
        try (RawTlsClient raw = RawTlsClient.connect(pki, server.port())) {
          String response =
              raw.exchange("GET /a HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
          assertThat(response).startsWith("HTTP/1.1 204").containsIgnoringCase("connection: close");
        }
      }
      assertThat(server.requests())
          .extracting(RecordedRequest::connectionId)
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void sse_firstEventArrives_beforeRestIsReleased() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    String first = "event: ping\ndata: {\"n\":1}\n\n";
    String second = "event: ping\ndata: {\"n\":2}\n\n";
    String third = "event: done\ndata: {}\n\n";
    try (StandInServer server =
        start(
            request -> StandInResponse.sseHeld(List.of(first), release, List.of(second, third)))) {
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(uri(server, "/stream")).build(), BodyHandlers.ofInputStream());
      assertThat(response.headers().firstValue("content-type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      try (InputStream body = response.body()) {
        byte[] firstBytes = body.readNBytes(first.length());
        assertThat(new String(firstBytes, StandardCharsets.UTF_8)).isEqualTo(first);
        assertThat(release).isNotDone();

        release.complete(null);
        assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo(second + third);
      }
    }
  }

  @Test
  void close_whileAnEventStreamIsHeld_doesNotHang() throws Exception {
    CompletableFuture<Void> neverReleased = new CompletableFuture<>();
    StandInServer server =
        start(
            request ->
                StandInResponse.sseHeld(
                    List.of("data: 1\n\n"), neverReleased, List.of("data: 2\n\n")));
    HttpResponse<InputStream> response =
        client.send(
            HttpRequest.newBuilder(uri(server, "/held")).build(), BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      assertThat(body.readNBytes(9)).asString(StandardCharsets.UTF_8).isEqualTo("data: 1\n\n");
      long started = System.nanoTime();
      server.close();
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(5);
      neverReleased.complete(null); // after shutdown: must be harmless
    }
  }

  @Test
  void sse_eventsAreSpacedByGap() throws Exception {
    List<String> events = List.of("data: 1\n\n", "data: 2\n\n", "data: 3\n\n");
    try (StandInServer server =
        start(request -> StandInResponse.sse(events, Duration.ofMillis(150)))) {
      long started = System.nanoTime();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri(server, "/stream")).build(), BodyHandlers.ofString());
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(response.body()).isEqualTo(String.join("", events));
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(280);
    }
  }

  @Test
  void large_downloadIsByteExactAndStreamed() throws Exception {
    long length = 50L * 1024 * 1024 + 3; // not a multiple of the 8-byte generator block
    long seed = 42;
    try (StandInServer server = start(request -> StandInResponse.large(length, seed))) {
      HttpResponse<InputStream> response =
          client.send(
              HttpRequest.newBuilder(uri(server, "/big")).build(), BodyHandlers.ofInputStream());
      assertThat(response.headers().firstValueAsLong("content-length")).hasValue(length);
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      long received = 0;
      try (InputStream body = response.body()) {
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = body.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
          received += n;
        }
      }
      assertThat(received).isEqualTo(length);
      assertThat(HexFormat.of().formatHex(digest.digest()))
          .isEqualTo(StandInResponse.expectedSha256(length, seed));
    }
  }

  @Test
  void expectedSha256_differsBySeedAndLength() {
    assertThat(StandInResponse.expectedSha256(1000, 1))
        .isNotEqualTo(StandInResponse.expectedSha256(1000, 2));
    assertThat(StandInResponse.expectedSha256(1000, 1))
        .isNotEqualTo(StandInResponse.expectedSha256(999, 1));
    assertThat(StandInResponse.expectedSha256(0, 1)).isEqualTo(sha256(new byte[0]));
  }

  @Test
  void upload20Mb_recordsLengthAndHashButKeepsOnlyTheCap() throws Exception {
    byte[] upload = new byte[20 * 1024 * 1024];
    new java.util.Random(7).nextBytes(upload);
    try (StandInServer server = start(request -> StandInResponse.status(201))) {
      HttpResponse<Void> response =
          client.send(
              HttpRequest.newBuilder(uri(server, "/upload"))
                  .PUT(BodyPublishers.ofByteArray(upload))
                  .build(),
              BodyHandlers.discarding());
      assertThat(response.statusCode()).isEqualTo(201);

      RecordedRequest recorded =
          server.awaitRequest(r -> r.path().equals("/upload"), Duration.ofSeconds(5));
      assertThat(recorded.bodyLength()).isEqualTo(upload.length);
      assertThat(recorded.bodySha256()).isEqualTo(sha256(upload));
      assertThat(recorded.bodyTruncated()).isTrue();
      assertThat(recorded.body()).hasSize(RecordedRequest.BODY_CAP);
    }
  }

  @Test
  void chunkedText_keepsChunkBoundariesOnTheWire() throws Exception {
    List<String> chunks = List.of("sk-ant-", "oat01-", "secret-tail");
    try (StandInServer server = start(request -> StandInResponse.chunkedText(chunks))) {
      try (RawTlsClient raw = RawTlsClient.connect(pki, server.port())) {
        String response =
            raw.exchange("GET /c HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).containsIgnoringCase("transfer-encoding: chunked");
        String body = response.substring(response.indexOf("\r\n\r\n") + 4);
        assertThat(body).isEqualTo("7\r\nsk-ant-\r\n6\r\noat01-\r\nb\r\nsecret-tail\r\n0\r\n\r\n");
      }
    }
  }

  @Test
  void closeConnection_dropsWithoutResponse() throws Exception {
    try (StandInServer server = start(request -> StandInResponse.closeConnection())) {
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(uri(server, "/gone")).build(),
                      BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);
      assertThat(server.requests()).extracting(RecordedRequest::path).contains("/gone");
    }
  }

  @Test
  void responseHeaders_areAddedToEveryKindOfResponse() throws Exception {
    try (StandInServer server =
        start(
            request ->
                StandInResponse.json(418, "{\"a\":1}").header("x-one", "1").header("x-one", "2"))) {
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(uri(server, "/")).build(), BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(418);
      assertThat(response.headers().allValues("x-one")).containsExactly("1", "2");
      assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(response.body()).isEqualTo("{\"a\":1}");
    }
  }

  @Test
  void handlerThatThrows_answers500AndStillRecords() throws Exception {
    try (StandInServer server =
        start(
            request -> {
              throw new IllegalStateException("boom");
            })) {
      HttpResponse<String> response =
          client.send(HttpRequest.newBuilder(uri(server, "/x")).build(), BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body()).contains("boom");
      assertThat(server.requests()).hasSize(1);
    }
  }

  @Test
  void untrustedIdentity_isRejectedByAClientTrustingTheTestCa() {
    try (StandInServer server =
        StandInServer.builder().identity(TestPki.untrusted("localhost")).start()) {
      assertThatThrownBy(
              () ->
                  client.send(
                      HttpRequest.newBuilder(uri(server, "/")).build(), BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX");
      assertThat(server.requests()).isEmpty();
      assertThat(server.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void concurrentClients_areAllAnsweredAndRecorded() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (StandInServer server = start(request -> StandInResponse.echo())) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = i;
        Supplier<Integer> call =
            () -> {
              try {
                return client
                    .send(
                        HttpRequest.newBuilder(uri(server, "/c/" + n))
                            .POST(BodyPublishers.ofString("b" + n))
                            .build(),
                        BodyHandlers.ofString())
                    .statusCode();
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            };
        results.add(pool.submit(call::get));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      }
      assertThat(server.requests()).hasSize(20);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void awaitRequest_timesOutWithWhatArrived() {
    try (StandInServer server = start(request -> StandInResponse.status(200))) {
      assertThatThrownBy(() -> server.awaitRequest(r -> true, Duration.ofMillis(50)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("no matching request");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
