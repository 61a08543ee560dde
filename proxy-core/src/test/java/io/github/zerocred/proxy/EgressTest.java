package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import org.junit.jupiter.api.Test;

class EgressTest {

  @Test
  void connect_toUnlistedHost_isRefusedAndAudited() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      TunnelClient.Response r =
          c.connectTunnel("paste.example:443", ProxyFixture.authorization(f.proxy));

      assertThat(r.status).isEqualTo(403);
      AuditRecord a = f.awaitAudit(1).get(0);
      assertThat(a.host()).isEqualTo("paste.example");
      assertThat(a.reason()).isEqualTo("host_not_allowed");
      assertThat(a.decision()).isEqualTo("denied");
    }
  }

  @Test
  void connect_toIpLiteral_isRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start()) {
      for (String target : new String[] {"127.0.0.1:443", "[::1]:443", "2130706433:443"}) {
        try (TunnelClient c = TunnelClient.connect(f.proxy.address())) {
          TunnelClient.Response r = c.connectTunnel(target, ProxyFixture.authorization(f.proxy));
          assertThat(r.status).as(target).isEqualTo(403);
        }
      }
      assertThat(f.awaitAudit(3)).allMatch(a -> a.reason().equals("ip_literal"));
      assertThat(f.upstream.acceptedConnections()).isZero();
    }
  }

  @Test
  void connect_toOtherPort_isRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      TunnelClient.Response r =
          c.connectTunnel("api.anthropic.com:8443", ProxyFixture.authorization(f.proxy));

      assertThat(r.status).isEqualTo(403);
      assertThat(f.awaitAudit(1).get(0).reason()).isEqualTo("port_not_allowed");
    }
  }

  @Test
  void hostNames_areNormalised_caseAndTrailingDot() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      TunnelClient.Response r =
          c.connectTunnel("API.Anthropic.COM.:443", ProxyFixture.authorization(f.proxy));
      assertThat(r.status).isEqualTo(200);
    }
  }

  @Test
  void plainHttpProxyRequest_isRefused() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      c.write(
          "GET http://api.anthropic.com/v1/models HTTP/1.1\r\nHost: api.anthropic.com\r\n"
              + "Proxy-Authorization: "
              + ProxyFixture.authorization(f.proxy)
              + "\r\n\r\n");
      TunnelClient.Response r = c.readResponse(false);

      assertThat(r.status).isEqualTo(403);
      assertThat(f.awaitAudit(1).get(0).reason()).isEqualTo("plain_http_refused");
      assertThat(f.upstream.requests()).isEmpty();
    }
  }

  @Test
  void allowedHostWithoutCredential_isTunnelledWithoutInterception() throws Exception {
    io.github.zerocred.testkit.TestPki pki = io.github.zerocred.testkit.TestPki.create();
    try (var upstream =
            io.github.zerocred.testkit.StandInServer.builder()
                .identity(pki.issue("passthrough.example"))
                .handler(r -> StandInResponse.text(200, "direct"))
                .start();
        ZerocredProxy proxy =
            ZerocredProxy.start(
                ProxyConfig.builder()
                    .credential(
                        Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
                    .allowHost("passthrough.example")
                    .route("passthrough.example", upstream.address())
                    .build());
        TunnelClient c = TunnelClient.connect(proxy.address())) {
      assertThat(
              c.connectTunnel("passthrough.example:443", ProxyFixture.authorization(proxy)).status)
          .isEqualTo(200);
      // The client sees the upstream's own certificate: the proxy did not terminate TLS.
      c.startTls("passthrough.example", pki.caCertificate());
      assertThat(c.peerCertificate().getIssuerX500Principal())
          .isEqualTo(pki.caCertificate().getSubjectX500Principal());
      TunnelClient.Response r =
          c.get("passthrough.example", "/file", "Authorization: Bearer mine", "Connection: close");
      assertThat(r.bodyText()).isEqualTo("direct");
      assertThat(upstream.requests().get(0).header("authorization")).isEqualTo("Bearer mine");
    }
  }

  @Test
  void allowedName_resolvingToLoopback_isRefusedUnlessRouted() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.start(r -> StandInResponse.echo(), b -> b.allowHost("localhost"));
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      TunnelClient.Response r =
          c.connectTunnel("localhost:443", ProxyFixture.authorization(f.proxy));

      assertThat(r.status).isEqualTo(403);
      assertThat(r.bodyText()).contains("loopback");
      assertThat(f.awaitAudit(1).get(0).reason()).isEqualTo("private_address");
    }
  }
}
