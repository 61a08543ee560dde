package io.github.zerocred.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Client-side TLS towards real upstreams. Always verified: the system's trust anchors plus any the
 * user added, and the certificate must name the host we mean, even when a route sends the bytes to
 * a different address.
 *
 * <p>Both providers verify the same way: the chain with the JDK's PKIX trust manager over the same
 * anchors, the name through the engine's endpoint identification ({@code HTTPS}), which the native
 * engine also hands to that trust manager. Both resume sessions per host and port (engines are made
 * with the peer's name), which saves the upstream's signature on a new connection to a known host.
 * The native context is reference counted: {@link #close()} releases it when the run ends.
 */
public final class UpstreamTls implements AutoCloseable {
  private final SslContext context;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UpstreamTls(SslContext context) {
    this.context = context;
  }

  /** Upstream TLS with the JDK's provider. */
  public static UpstreamTls create(List<X509Certificate> extraTrust, boolean includeSystemTrust) {
    return create(extraTrust, includeSystemTrust, TlsProvider.JDK);
  }

  /**
   * @param extraTrust anchors added to the system's (an internal gateway's CA, a test's CA)
   * @param includeSystemTrust whether the JDK's default trust anchors count too
   * @param provider the TLS stack to speak with
   */
  public static UpstreamTls create(
      List<X509Certificate> extraTrust, boolean includeSystemTrust, TlsProvider provider) {
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
              .sslProvider(provider.provider())
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
    // newHandler, not new SslHandler(newEngine(...)): a native engine made by newEngine runs in
    // JDK-compatibility mode (one record per unwrap call), which cost more CPU per request than
    // the JDK's own engine in bench/ workloads 1 and 3.
    SslHandler handler = context.newHandler(alloc, host, port);
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    handler.setHandshakeTimeoutMillis(timeout.toMillis());
    return handler;
  }

  /** Releases the context's native memory, if any; handlers made before keep it until removed. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ReferenceCountUtil.release(context);
    }
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
