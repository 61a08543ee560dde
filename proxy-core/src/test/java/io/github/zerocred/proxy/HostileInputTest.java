package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HostileInputTest {

  private static TunnelClient.Response send(ProxyFixture f, String raw) throws Exception {
    try (TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.write(raw);
      TunnelClient.Response r = c.readResponse(false);
      assertThat(c.isClosedByPeer()).as("connection closed after refusal").isTrue();
      return r;
    }
  }

  @Test
  void contentLengthWithTransferEncoding_isRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start()) {
      TunnelClient.Response r =
          send(
              f,
              "POST / HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: 4\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n");
      assertThat(r.status).isEqualTo(400);
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void duplicateContentLength_isRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start()) {
      assertThat(
              send(
                      f,
                      "POST / HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: 3\r\n"
                          + "Content-Length: 3\r\n\r\nabc")
                  .status)
          .isEqualTo(400);
      assertThat(
              send(
                      f,
                      "POST / HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: 3, 3\r\n\r\nabc")
                  .status)
          .isEqualTo(400);
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void unusualTransferEncodings_areRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start()) {
      for (String te :
          List.of(
              "chunked, identity",
              "gzip, chunked",
              "xchunked",
              "chunked\r\nTransfer-Encoding: chunked")) {
        TunnelClient.Response r =
            send(
                f,
                "POST / HTTP/1.1\r\nHost: api.anthropic.com\r\nTransfer-Encoding: "
                    + te
                    + "\r\n\r\n0\r\n\r\n");
        assertThat(r.status).as(te).isEqualTo(400);
      }
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void whitespaceBeforeColon_isRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start()) {
      TunnelClient.Response r =
          send(
              f,
              "GET / HTTP/1.1\r\nHost: api.anthropic.com\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n");
      assertThat(r.status).isEqualTo(400);
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void oversizedHeaders_areRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start()) {
      TunnelClient.Response r =
          send(
              f,
              "GET / HTTP/1.1\r\nHost: api.anthropic.com\r\nX-Big: "
                  + "a".repeat(40_000)
                  + "\r\n\r\n");
      assertThat(r.status).isIn(400, 431);
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void malformedConnect_gets400() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      c.write("CONNECT\r\n\r\n");
      assertThat(c.readResponse(false).status).isEqualTo(400);
    }
  }

  @Test
  void garbageConnections_neverKillTheProxy() throws Exception {
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.text(200, "alive"))) {
      Random random = new Random(1);
      List<byte[]> shapes = new ArrayList<>();
      shapes.add(
          "\u0016\u0003\u0001\u0000\u00ff garbage tls".getBytes(StandardCharsets.ISO_8859_1));
      shapes.add("GET / HTTP/9.9\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      shapes.add(
          "CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost:".getBytes(StandardCharsets.US_ASCII));
      shapes.add(new byte[0]);
      for (int i = 0; i < 2000; i++) {
        byte[] payload;
        if (i % 5 == 4) {
          payload = new byte[random.nextInt(4096)];
          random.nextBytes(payload);
        } else {
          payload = shapes.get(i % 4);
        }
        try (Socket s = new Socket()) {
          s.connect(f.proxy.address(), 2000);
          s.setSoLinger(i % 2 == 0, 0); // half of them end with a reset
          s.getOutputStream().write(payload);
        } catch (IOException ignored) {
          // the proxy may close first; that is its right
        }
      }
      try (TunnelClient c = f.tunnel("api.anthropic.com")) {
        assertThat(c.get("api.anthropic.com", "/").bodyText()).isEqualTo("alive");
      }
      // Every garbage connection is gone again; only ours may still be counted while it closes.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (f.proxy.openConnections() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(f.proxy.openConnections()).isZero();
    }
  }

  @Test
  void tooManyConcurrentTunnels_areRefusedWith503() throws Exception {
    try (ProxyFixture f =
        ProxyFixture.start(
            r -> StandInResponse.echo(),
            b -> b.limits(ProxyLimits.DEFAULTS.withMaxConcurrentTunnels(2)))) {
      try (TunnelClient a = f.tunnel("api.anthropic.com");
          TunnelClient b = f.tunnel("api.anthropic.com");
          TunnelClient c = TunnelClient.connect(f.proxy.address())) {
        TunnelClient.Response r = c.readResponse(false);
        assertThat(r.status).isEqualTo(503);
        assertThat(f.awaitAudit(1)).anyMatch(x -> x.reason().equals("too_many_tunnels"));
      }
    }
  }

  @Test
  void clientThatNeverSendsConnect_isDisconnected() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.start(
                r -> StandInResponse.echo(),
                b -> b.limits(ProxyLimits.DEFAULTS.withConnectTimeout(Duration.ofMillis(300))));
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      c.write("CONNECT api.anthropic.com:443 HTTP/1.1\r\n"); // and then nothing
      long start = System.nanoTime();
      assertThat(c.isClosedByPeer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void clientThatNeverFinishesTlsHandshake_isDisconnected() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.start(
                r -> StandInResponse.echo(),
                b -> b.limits(ProxyLimits.DEFAULTS.withHandshakeTimeout(Duration.ofMillis(300))));
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      assertThat(
              c.connectTunnel("api.anthropic.com:443", ProxyFixture.authorization(f.proxy)).status)
          .isEqualTo(200);
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void clientNotTrustingTheRunCa_isAuditedAsTlsFailure() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      c.connectTunnel("api.anthropic.com:443", ProxyFixture.authorization(f.proxy));
      try {
        c.startTls("api.anthropic.com", f.pki.caCertificate()); // the wrong anchor
      } catch (javax.net.ssl.SSLException expected) {
        // the client refuses our leaf
      }
      assertThat(f.awaitAudit(1)).anyMatch(a -> a.reason().equals("client_tls_failed"));
    }
  }
}
