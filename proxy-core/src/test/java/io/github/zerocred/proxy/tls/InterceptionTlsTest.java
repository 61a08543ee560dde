package io.github.zerocred.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/**
 * The leaves the proxy presents, on the native stack and on the JDK's, seen by a strict client (the
 * container's): it trusts only the run's CA and verifies the host name. Hostile input: a client
 * that expects another name, or trusts another CA, must not accept the leaf.
 */
class InterceptionTlsTest {
  private static final String HOST = "api.anthropic.com";

  private final CertificateAuthority ca =
      CertificateAuthority.create(Set.of(HOST), Duration.ofHours(1), "tls-test");

  @BothTlsStacks
  void leaf_verifiesUnderTheRunCa_withHostnameVerification(TlsImplementation impl)
      throws Exception {
    try (InterceptionTls tls = new InterceptionTls(ca, TlsProvider.select(impl))) {
      SSLEngine client = handshake(tls, TlsWarmUp.clientContext(ca), HOST);

      assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
      X509Certificate leaf = (X509Certificate) client.getSession().getPeerCertificates()[0];
      assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, HOST));
    }
  }

  @BothTlsStacks
  void clientTrustingAnotherCa_refusesTheLeaf(TlsImplementation impl) {
    CertificateAuthority other =
        CertificateAuthority.create(Set.of(HOST), Duration.ofHours(1), "someone-else");
    try (InterceptionTls tls = new InterceptionTls(ca, TlsProvider.select(impl))) {
      assertThatThrownBy(() -> handshake(tls, TlsWarmUp.clientContext(other), HOST))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @BothTlsStacks
  void leafShownToAClientExpectingAnotherName_failsHostnameVerification(TlsImplementation impl) {
    try (InterceptionTls tls = new InterceptionTls(ca, TlsProvider.select(impl))) {
      assertThatThrownBy(() -> handshake(tls, TlsWarmUp.clientContext(ca), "evil.example"))
          .isInstanceOf(SSLHandshakeException.class);
    }
  }

  @Test
  void nativeServer_resumesAReturningClientsSession_withATicket() throws Exception {
    try (InterceptionTls tls =
        new InterceptionTls(ca, TlsProvider.select(TlsImplementation.NATIVE))) {
      SSLContext client = TlsWarmUp.clientContext(ca);
      handshake(tls, client, HOST, true);
      handshake(tls, client, HOST, true);

      OpenSslSessionContext sessions =
          (OpenSslSessionContext) tls.contextFor(HOST).sessionContext();
      assertThat(sessions.stats().ticketKeyResume()).isEqualTo(1);
    }
  }

  @Test
  void closedInterception_mintsNothingMore() {
    InterceptionTls tls = new InterceptionTls(ca, TlsProvider.select(TlsImplementation.NATIVE));
    tls.close();
    assertThatThrownBy(() -> tls.contextFor(HOST)).isInstanceOf(IllegalStateException.class);
    assertThat(tls.hasContextFor(HOST)).isFalse();
  }

  @Test
  void auto_choosesNative_whereTheLibraryLoads() {
    TlsProvider chosen = TlsProvider.select(TlsImplementation.AUTO);
    assertThat(chosen.isNative()).isTrue();
    assertThat(chosen.fallbackReason()).isEmpty();
    assertThat(chosen.description()).contains("BoringSSL");
    assertThat(TlsProvider.select(TlsImplementation.JDK).isNative()).isFalse();
  }

  /**
   * One handshake of a strict client (trusts {@code client}'s anchors, verifies {@code name}) with
   * the leaf for {@link #HOST}. The server engine is released; the client returned.
   */
  private static SSLEngine handshake(InterceptionTls tls, SSLContext client, String name)
      throws Exception {
    return handshake(tls, client, name, false);
  }

  /**
   * As {@link #handshake(InterceptionTls, SSLContext, String)}, then with {@code exchange} one
   * record each way, which carries BoringSSL's TLS 1.3 tickets as the first response does through
   * the proxy. (The JDK's server sends its ticket within the handshake flights instead.)
   */
  private static SSLEngine handshake(
      InterceptionTls tls, SSLContext client, String name, boolean exchange) throws Exception {
    SSLEngine clientEngine = client.createSSLEngine(name, 443);
    clientEngine.setUseClientMode(true);
    SSLParameters params = clientEngine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    params.setServerNames(List.of(new SNIHostName(name)));
    clientEngine.setSSLParameters(params);
    SSLEngine server = tls.contextFor(HOST).newEngine(ByteBufAllocator.DEFAULT);
    try {
      TlsWarmUp.handshake(clientEngine, server);
      if (exchange) {
        send(server, clientEngine, "response");
        send(clientEngine, server, "request");
      }
      return clientEngine;
    } finally {
      ReferenceCountUtil.release(server);
    }
  }

  private static void send(SSLEngine from, SSLEngine to, String text) throws Exception {
    ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
    from.wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)), wire);
    wire.flip();
    ByteBuffer app = ByteBuffer.allocate(64 * 1024);
    while (wire.hasRemaining() && to.unwrap(wire, app).bytesConsumed() > 0) {
      // every record the peer sent, tickets included
    }
  }
}
