package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamingTest {

  @Test
  void sse_firstEventArrives_whileUpstreamIsStillSending() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    String first = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";
    String last = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    try (ProxyFixture f =
            ProxyFixture.start(
                r -> StandInResponse.sseHeld(List.of(first), release, List.of(last)));
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.write(
          "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: 2\r\n\r\n{}");
      String status = c.readLine();
      assertThat(status).contains("200");
      String line;
      boolean chunked = false;
      while (!(line = c.readLine()).isEmpty()) {
        chunked |= line.toLowerCase().startsWith("transfer-encoding: chunked");
      }
      assertThat(chunked).isTrue();
      int size = Integer.parseInt(c.readLine().trim(), 16);
      byte[] event = c.input().readNBytes(size);

      // The upstream has not been allowed to send the rest yet.
      assertThat(release).isNotDone();
      assertThat(new String(event)).isEqualTo(first);
      release.complete(null);
      c.readLine();
      int size2 = Integer.parseInt(c.readLine().trim(), 16);
      assertThat(new String(c.input().readNBytes(size2))).isEqualTo(last);
    }
  }

  @Test
  void download_50MB_isByteExact() throws Exception {
    long length = 50L * 1024 * 1024;
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.large(length, 42));
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.write("GET /big HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n");
      TunnelClient.Response r = c.readResponseHashed();

      assertThat(r.length).isEqualTo(length);
      assertThat(r.sha256).isEqualTo(StandInResponse.expectedSha256(length, 42));
    }
  }

  /**
   * Hostile input: a client (the container) that asks for a large download and stops reading. The
   * proxy must stop reading from upstream once its own buffer towards the client is full, so what
   * it holds is bounded by the water mark and the sockets' buffers, not by the response.
   */
  @Test
  void download_toAClientThatStopsReading_holdsTheUpstreamBack_insteadOfBufferingIt()
      throws Exception {
    long length = 1L << 30;
    AtomicLong generated = new AtomicLong();
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.large(length, 42, generated));
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.write("GET /big HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n");
      assertThat(c.readLine()).contains("200");

      // Read nothing more; wait until the upstream gets no further (or long enough that an
      // unbounded proxy would have read far past the bound).
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      long last = -1;
      while (System.nanoTime() < deadline) {
        Thread.sleep(500);
        long now = generated.get();
        if (now == last) {
          break;
        }
        last = now;
      }
      // Loopback socket buffers on both sides of the proxy hold a few MB each.
      assertThat(generated.get()).isPositive().isLessThan(64L * 1024 * 1024);
    }
  }

  @Test
  void upload_20MB_isByteExact_chunkedAndWithLength() throws Exception {
    int length = 20 * 1024 * 1024;
    byte[] body = new byte[length];
    new Random(7).nextBytes(body);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.text(200, "got it"));
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.write(
          "PUT /up HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: " + length + "\r\n\r\n");
      OutputStream out = c.output();
      for (int off = 0; off < length; off += 1 << 16) {
        out.write(body, off, Math.min(1 << 16, length - off));
      }
      out.flush();
      assertThat(c.readResponse(false).bodyText()).isEqualTo("got it");

      c.write("PUT /up2 HTTP/1.1\r\nHost: api.anthropic.com\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int off = 0; off < length; off += 1 << 20) {
        int n = Math.min(1 << 20, length - off);
        out.write((Integer.toHexString(n) + "\r\n").getBytes());
        out.write(body, off, n);
        out.write("\r\n".getBytes());
      }
      out.write("0\r\n\r\n".getBytes());
      out.flush();
      assertThat(c.readResponse(false).status).isEqualTo(200);

      List<RecordedRequest> got = f.upstream.requests();
      assertThat(got).hasSize(2);
      for (RecordedRequest r : got) {
        assertThat(r.bodyLength()).isEqualTo(length);
        assertThat(r.bodySha256()).isEqualTo(sha);
      }
    }
  }

  @Test
  void keepAlive_sequentialRequests_reuseOneUpstreamConnection() throws Exception {
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.text(200, "ok"));
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      for (int i = 0; i < 5; i++) {
        assertThat(c.get("api.anthropic.com", "/?n=" + i).status).isEqualTo(200);
      }
      assertThat(f.upstream.requests().stream().map(RecordedRequest::connectionId).distinct())
          .hasSize(1);
      assertThat(f.upstream.acceptedConnections()).isEqualTo(1);
    }
  }

  @Test
  void pooledConnection_servesTheNextTunnel() throws Exception {
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.text(200, "ok"))) {
      for (int i = 0; i < 6; i++) {
        try (TunnelClient c = f.tunnel("api.anthropic.com")) {
          assertThat(c.get("api.anthropic.com", "/?n=" + i).status).isEqualTo(200);
        }
      }
      // Pools are per event loop, so at most one upstream connection per loop was needed.
      assertThat(f.upstream.acceptedConnections())
          .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() * 2);
    }
  }

  @Test
  void upstreamClosingWithoutResponse_gives502() throws Exception {
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.closeConnection());
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      assertThat(c.get("api.anthropic.com", "/").status).isEqualTo(502);
      assertThat(f.awaitAudit(1).get(0).status()).isEqualTo(502);
    }
  }

  @Test
  void slowUpstream_doesNotBlockOtherTunnels() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    try (ProxyFixture f =
            ProxyFixture.start(
                r ->
                    r.path().equals("/slow")
                        ? StandInResponse.sseHeld(List.of("data: 1\n\n"), release, List.of())
                        : StandInResponse.text(200, "fast"));
        TunnelClient slow = f.tunnel("api.anthropic.com");
        TunnelClient fast = f.tunnel("api.anthropic.com")) {
      slow.write("GET /slow HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n");
      assertThat(slow.readLine()).contains("200");
      assertThat(fast.get("api.anthropic.com", "/fast").bodyText()).isEqualTo("fast");
      release.complete(null);
    }
    assertThat(Duration.ZERO).isNotNull();
  }
}
