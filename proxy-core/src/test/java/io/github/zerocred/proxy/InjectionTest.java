package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InjectionTest {

  @Test
  void placeholder_isReplacedByRealOauthToken_upstream() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      TunnelClient.Response r =
          c.get("api.anthropic.com", "/v1/models", "Authorization: Bearer " + f.placeholder());

      assertThat(r.status).isEqualTo(200);
      RecordedRequest got = f.upstream.requests().get(0);
      assertThat(got.headers().getAll("authorization"))
          .containsExactly("Bearer " + ProxyFixture.OAUTH_TOKEN);
      assertThat(got.headers().contains("x-api-key")).isFalse();
      assertThat(got.sniHostName()).contains("api.anthropic.com");
    }
  }

  @Test
  void twoCredentialsForOneHost_areRefusedWhenBuilt() throws Exception {
    try (ProxyFixture f =
        ProxyFixture.start(
            r -> StandInResponse.echo(),
            b ->
                b.credentials(java.util.List.of())
                    .credential(Credential.anthropic(ProxyFixture.API_KEY, "ANTHROPIC_API_KEY")))) {
      throw new AssertionError("expected a configuration error, got " + f.proxy);
    } catch (InvalidConfigurationException e) {
      assertThat(e.getMessage()).contains("Two credentials").contains("api.anthropic.com");
    }
  }

  @Test
  void apiKey_goesOutAsXApiKey() throws Exception {
    io.github.zerocred.testkit.TestPki pki = io.github.zerocred.testkit.TestPki.create();
    try (var upstream =
            io.github.zerocred.testkit.StandInServer.builder()
                .identity(pki.issue("api.anthropic.com"))
                .start();
        ZerocredProxy proxy =
            ZerocredProxy.start(
                ProxyConfig.builder()
                    .credential(Credential.anthropic(ProxyFixture.API_KEY, "ANTHROPIC_API_KEY"))
                    .route("api.anthropic.com", upstream.address())
                    .upstreamTrust(pki.caCertificate())
                    .build());
        TunnelClient c = TunnelClient.connect(proxy.address())) {
      assertThat(c.connectTunnel("api.anthropic.com:443", ProxyFixture.authorization(proxy)).status)
          .isEqualTo(200);
      c.startTls(
          "api.anthropic.com",
          io.github.zerocred.proxy.tls.Pem.parse(proxy.caCertificatePem().getBytes()).get(0));
      String placeholder = proxy.placeholders().get("ANTHROPIC_API_KEY");
      assertThat(placeholder).startsWith("sk-ant-api03-").hasSameSizeAs(ProxyFixture.API_KEY);

      c.get(
          "api.anthropic.com",
          "/api/claude_code/settings",
          "x-api-key: " + placeholder,
          "Authorization: Bearer sk-ant-oat01-smuggled");

      RecordedRequest got = upstream.awaitRequest(r -> true, Duration.ofSeconds(5));
      assertThat(got.headers().getAll("x-api-key")).containsExactly(ProxyFixture.API_KEY);
      assertThat(got.headers().contains("authorization")).isFalse();
    }
  }

  @Test
  void connectionHeader_cannotRemoveInjectedCredential() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.get(
          "api.anthropic.com",
          "/v1/messages",
          "Connection: authorization, x-api-key, content-length",
          "Authorization: Bearer " + f.placeholder());

      RecordedRequest got = f.upstream.requests().get(0);
      assertThat(got.headers().getAll("authorization"))
          .containsExactly("Bearer " + ProxyFixture.OAUTH_TOKEN);
      assertThat(got.headers().contains("connection")).isFalse();
    }
  }

  @Test
  void proxyHeaders_andHopByHopHeaders_neverGoUpstream() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.get(
          "api.anthropic.com",
          "/x",
          "Proxy-Authorization: " + ProxyFixture.authorization(f.proxy),
          "Proxy-Connection: keep-alive",
          "Proxy-Anything: 1",
          "Connection: x-secret-hop",
          "X-Secret-Hop: drop-me",
          "X-Kept: yes");

      RecordedRequest got = f.upstream.requests().get(0);
      assertThat(got.headers().names())
          .noneMatch(n -> n.toLowerCase().startsWith("proxy-"))
          .doesNotContain("x-secret-hop");
      assertThat(got.header("x-kept")).isEqualTo("yes");
      assertThat(got.toString()).doesNotContain(f.proxy.proxyPassword());
    }
  }

  @Test
  void hostHeader_namingAnotherHost_isRefusedWith421() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      TunnelClient.Response r = c.get("evil.example", "/steal");

      assertThat(r.status).isEqualTo(421);
      assertThat(f.upstream.requests()).isEmpty();
      assertThat(f.awaitAudit(1).get(0).reason()).isEqualTo("authority_mismatch");
    }
  }

  @Test
  void absoluteFormAuthority_namingAnotherHost_isRefusedWith421() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.write("GET https://evil.example/v1/x HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n");
      TunnelClient.Response r = c.readResponse(false);

      assertThat(r.status).isEqualTo(421);
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void absoluteFormForTheTunnelHost_isForwardedInOriginForm() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      c.write(
          "GET https://API.anthropic.com./v1/x?q=1 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\n");
      assertThat(c.readResponse(false).status).isEqualTo(200);
      assertThat(f.upstream.requests().get(0).uri()).isEqualTo("/v1/x?q=1");
    }
  }

  @Test
  void githubToken_isBearerForApi_andBasicForGit_andNeverAnthropicsToken() throws Exception {
    io.github.zerocred.testkit.TestPki pki = io.github.zerocred.testkit.TestPki.create();
    try (var upstream =
            io.github.zerocred.testkit.StandInServer.builder()
                .identity(pki.issue("api.anthropic.com", "api.github.com", "github.com"))
                .start();
        ZerocredProxy proxy =
            ZerocredProxy.start(
                ProxyConfig.builder()
                    .credential(
                        Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
                    .credential(Credential.github(ProxyFixture.GITHUB_TOKEN, "GITHUB_TOKEN"))
                    .route("api.anthropic.com", upstream.address())
                    .route("api.github.com", upstream.address())
                    .route("github.com", upstream.address())
                    .upstreamTrust(pki.caCertificate())
                    .build())) {
      var ca = io.github.zerocred.proxy.tls.Pem.parse(proxy.caCertificatePem().getBytes()).get(0);
      String anthropicPlaceholder = proxy.placeholders().get("CLAUDE_CODE_OAUTH_TOKEN");
      String githubPlaceholder = proxy.placeholders().get("GITHUB_TOKEN");
      assertThat(githubPlaceholder).startsWith("ghs_").hasSameSizeAs(ProxyFixture.GITHUB_TOKEN);

      try (TunnelClient c = TunnelClient.connect(proxy.address())) {
        c.connectTunnel("api.github.com:443", ProxyFixture.authorization(proxy));
        c.startTls("api.github.com", ca);
        // The Anthropic placeholder sent to GitHub must not turn into the Anthropic token.
        c.get("api.github.com", "/repos/o/r", "Authorization: Bearer " + anthropicPlaceholder);
      }
      try (TunnelClient c = TunnelClient.connect(proxy.address())) {
        c.connectTunnel("github.com:443", ProxyFixture.authorization(proxy));
        c.startTls("github.com", ca);
        c.get("github.com", "/o/r.git/info/refs?service=git-upload-pack");
      }

      var requests = upstream.requests();
      assertThat(requests).hasSize(2);
      assertThat(requests.get(0).header("authorization"))
          .isEqualTo("Bearer " + ProxyFixture.GITHUB_TOKEN);
      String basic =
          java.util.Base64.getEncoder()
              .encodeToString(("x-access-token:" + ProxyFixture.GITHUB_TOKEN).getBytes());
      assertThat(requests.get(1).header("authorization")).isEqualTo("Basic " + basic);
      assertThat(requests.toString()).doesNotContain(ProxyFixture.OAUTH_TOKEN);
      assertThat(githubPlaceholder).isNotEqualTo(ProxyFixture.GITHUB_TOKEN);
    }
  }

  @Test
  void placeholderInBody_isForwardedUntouched() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      String body = "{\"note\":\"" + f.placeholder() + "\"}";
      c.write(
          "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Type: application/json\r\n"
              + "Content-Length: "
              + body.length()
              + "\r\n\r\n"
              + body);
      assertThat(c.readResponse(false).status).isEqualTo(200);
      assertThat(f.upstream.requests().get(0).bodyAsString()).isEqualTo(body);
    }
  }
}
