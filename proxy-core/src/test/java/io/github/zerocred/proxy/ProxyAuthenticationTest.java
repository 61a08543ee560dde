package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.testkit.TunnelClient;
import org.junit.jupiter.api.Test;

class ProxyAuthenticationTest {

  @Test
  void connect_withoutProxyAuthorization_gets407AndIsAudited() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      TunnelClient.Response r = c.connectTunnel("api.anthropic.com:443", null);

      assertThat(r.status).isEqualTo(407);
      assertThat(r.header("proxy-authenticate")).startsWith("Basic");
      AuditRecord a = f.awaitAudit(1).get(0);
      assertThat(a.decision()).isEqualTo("denied");
      assertThat(a.reason()).isEqualTo("proxy_auth_required");
      assertThat(a.status()).isEqualTo(407);
      assertThat(f.upstream.acceptedConnections()).isZero();
    }
  }

  @Test
  void connect_withWrongPassword_gets407AndIsAudited() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      String wrong = TunnelClient.basic("zerocred", f.proxy.proxyPassword() + "x");
      TunnelClient.Response r = c.connectTunnel("api.anthropic.com:443", wrong);

      assertThat(r.status).isEqualTo(407);
      assertThat(f.awaitAudit(1).get(0).reason()).isEqualTo("proxy_auth_invalid");
      assertThat(f.upstream.acceptedConnections()).isZero();
    }
  }

  @Test
  void connect_withWrongUser_gets407() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      String wrong = TunnelClient.basic("someone", f.proxy.proxyPassword());
      assertThat(c.connectTunnel("api.anthropic.com:443", wrong).status).isEqualTo(407);
    }
  }

  @Test
  void connect_withRightPassword_isEstablished() throws Exception {
    try (ProxyFixture f = ProxyFixture.start();
        TunnelClient c = TunnelClient.connect(f.proxy.address())) {
      TunnelClient.Response r =
          c.connectTunnel("api.anthropic.com:443", ProxyFixture.authorization(f.proxy));
      assertThat(r.status).isEqualTo(200);
    }
  }

  @Test
  void proxyUrl_carriesUserAndPerRunPassword() throws Exception {
    try (ProxyFixture a = ProxyFixture.start();
        ProxyFixture b = ProxyFixture.start()) {
      assertThat(a.proxy.proxyUrl())
          .startsWith("http://zerocred:" + a.proxy.proxyPassword() + "@127.0.0.1:");
      assertThat(a.proxy.proxyPassword())
          .isNotEqualTo(b.proxy.proxyPassword())
          .hasSizeGreaterThan(20);
    }
  }
}
