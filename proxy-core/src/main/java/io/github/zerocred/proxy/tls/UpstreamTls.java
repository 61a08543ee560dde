package io.github.zerocred.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Client-side TLS towards real upstreams. Always verified: the system's trust anchors plus any the
 * user added, and the certificate must name the host we mean, even when a route sends the bytes to
 * a different address.
 */
public final class UpstreamTls {
  private final SslContext context;

  private UpstreamTls(SslContext context) {
    this.context = context;
  }

  /**
   * @param extraTrust anchors added to the system's (an internal gateway's CA, a test's CA)
   * @param includeSystemTrust whether the JDK's default trust anchors count too
   */
  public static UpstreamTls create(List<X509Certificate> extraTrust, boolean includeSystemTrust) {
    try {
      List<X509Certificate> anchors = new ArrayList<>(extraTrust);
      if (includeSystemTrust) {
        anchors.addAll(systemAnchors());
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : anchors) {
        store.setCertificateEntry("anchor-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SslContext ctx =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .trustManager(tmf)
              .protocols("TLSv1.3", "TLSv1.2")
              .build();
      return new UpstreamTls(ctx);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up upstream TLS", e);
    }
  }

  /**
   * A handler that speaks TLS to {@code host}: SNI and hostname verification both use the name,
   * whatever address the socket went to.
   */
  public SslHandler newHandler(ByteBufAllocator alloc, String host, int port, Duration timeout) {
    SSLEngine engine = context.newEngine(alloc, host, port);
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeoutMillis(timeout.toMillis());
    return handler;
  }

  private static List<X509Certificate> systemAnchors() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    List<X509Certificate> list = new ArrayList<>();
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        list.addAll(List.of(x.getAcceptedIssuers()));
      }
    }
    return list;
  }
}
