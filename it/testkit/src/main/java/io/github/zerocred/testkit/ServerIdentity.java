package io.github.zerocred.testkit;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A server's private key and certificate chain (leaf first), ready for a Netty TLS server. */
public final class ServerIdentity {

  private final PrivateKey key;
  private final X509Certificate[] chain;
  private final SslContext serverSslContext;

  ServerIdentity(PrivateKey key, X509Certificate[] chain) {
    this.key = key;
    this.chain = chain.clone();
    try {
      // JDK provider: no native library to find, and no reference-counted context to release.
      this.serverSslContext =
          SslContextBuilder.forServer(key, this.chain).sslProvider(SslProvider.JDK).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build a server TLS context", e);
    }
  }

  /** The leaf's private key. */
  public PrivateKey key() {
    return key;
  }

  /** The chain a server presents: the leaf, then the issuing CA unless self-signed. */
  public X509Certificate[] chain() {
    return chain.clone();
  }

  /** The leaf certificate. */
  public X509Certificate certificate() {
    return chain[0];
  }

  /** The leaf certificate in PEM. */
  public String certificatePem() {
    return TestPki.toPem(chain[0]);
  }

  /** A server TLS context for HTTP/1.1 (no ALPN) presenting this identity. */
  public SslContext serverSslContext() {
    return serverSslContext;
  }
}
