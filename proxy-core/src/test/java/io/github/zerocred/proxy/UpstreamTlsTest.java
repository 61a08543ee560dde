package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.tls.BothTlsStacks;
import io.github.zerocred.proxy.tls.TlsImplementation;
import io.github.zerocred.testkit.StandInServer;
import io.github.zerocred.testkit.TestPki;
import io.github.zerocred.testkit.TunnelClient;

/**
 * Upstream verification, on the native stack and on the JDK's: each must refuse the same things.
 */
class UpstreamTlsTest {

  private static TunnelClient.Response requestThrough(ZerocredProxy proxy) throws Exception {
    try (TunnelClient c = TunnelClient.connect(proxy.address())) {
      c.connectTunnel("api.anthropic.com:443", ProxyFixture.authorization(proxy));
      c.startTls(
          "api.anthropic.com",
          io.github.zerocred.proxy.tls.Pem.parse(proxy.caCertificatePem().getBytes()).get(0));
      return c.get(
          "api.anthropic.com",
          "/api/claude_code/settings",
          "Authorization: Bearer " + proxy.placeholders().get("CLAUDE_CODE_OAUTH_TOKEN"));
    }
  }

  private static ZerocredProxy proxyTo(
      StandInServer upstream, TestPki trusted, TlsImplementation tls) {
    return ZerocredProxy.start(
        ProxyConfig.builder()
            .tls(tls)
            .credential(Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
            .route("api.anthropic.com", upstream.address())
            .upstreamTrust(trusted.caCertificate())
            .build());
  }

  @BothTlsStacks
  void untrustedUpstreamCertificate_gives502_andNothingIsSent(TlsImplementation tls)
      throws Exception {
    TestPki trusted = TestPki.create();
    try (StandInServer upstream =
            StandInServer.builder().identity(TestPki.untrusted("api.anthropic.com")).start();
        ZerocredProxy proxy = proxyTo(upstream, trusted, tls)) {
      TunnelClient.Response r = requestThrough(proxy);

      assertThat(r.status).isEqualTo(502);
      assertThat(r.bodyText())
          .contains("could not verify the TLS certificate of api.anthropic.com");
      assertThat(r.bodyText()).doesNotContain(ProxyFixture.OAUTH_TOKEN);
      assertThat(upstream.requests()).isEmpty();
    }
  }

  @BothTlsStacks
  void upstreamCertificateForAnotherName_gives502_evenThoughRouted(TlsImplementation tls)
      throws Exception {
    TestPki trusted = TestPki.create();
    try (StandInServer upstream =
            StandInServer.builder().identity(trusted.issue("other.example")).start();
        ZerocredProxy proxy = proxyTo(upstream, trusted, tls)) {
      TunnelClient.Response r = requestThrough(proxy);

      assertThat(r.status).isEqualTo(502);
      assertThat(upstream.requests()).isEmpty();
    }
  }

  @BothTlsStacks
  void upstreamCaOption_isWhatMakesTheStandInTrusted(TlsImplementation tls) throws Exception {
    TestPki trusted = TestPki.create();
    try (StandInServer upstream =
            StandInServer.builder().identity(trusted.issue("api.anthropic.com")).start();
        ZerocredProxy proxy = proxyTo(upstream, trusted, tls)) {
      assertThat(requestThrough(proxy).status).isEqualTo(200);
      assertThat(upstream.requests()).hasSize(1);
    }
  }
}
