package io.github.zerocred.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TlsWarmUpTest {

  @Test
  void warmUp_mintsEveryInterceptedHost_andCompletesARealHandshake() throws Exception {
    InterceptionTls tls =
        new InterceptionTls(
            CertificateAuthority.create(
                Set.of("api.anthropic.com", "api.github.com"), Duration.ofHours(1), "warm"));

    TlsWarmUp.run(tls, Set.of("api.anthropic.com", "api.github.com"));

    assertThat(tls.hasContextFor("api.anthropic.com")).isTrue();
    assertThat(tls.hasContextFor("api.github.com")).isTrue();
  }

  @Test
  void handshake_inMemory_finishesOnBothSides() throws Exception {
    InterceptionTls tls =
        new InterceptionTls(
            CertificateAuthority.create(Set.of("api.anthropic.com"), Duration.ofHours(1), "warm"));
    var server =
        tls.contextFor("api.anthropic.com").newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("ca", tls.ca().certificate());
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    ctx.init(null, tmf.getTrustManagers(), null);
    var client = ctx.createSSLEngine("api.anthropic.com", 443);
    client.setUseClientMode(true);

    TlsWarmUp.handshake(client, server);

    assertThat(client.getSession().getPeerCertificates()).isNotEmpty();
    assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
  }
}
