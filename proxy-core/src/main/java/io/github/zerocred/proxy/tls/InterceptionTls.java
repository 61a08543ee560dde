package io.github.zerocred.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLException;

/**
 * Server-side TLS for intercepted tunnels: one leaf certificate per host, minted on first use and
 * kept for the run. Minting is a millisecond of CPU, so it happens on the caller's thread.
 */
public final class InterceptionTls {
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private final CertificateAuthority ca;
  private final ConcurrentMap<String, SslContext> contexts = new ConcurrentHashMap<>();

  public InterceptionTls(CertificateAuthority ca) {
    this.ca = ca;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  /** The server context presenting {@code host}'s leaf, minted once per run. */
  public SslContext contextFor(String host) {
    return contexts.computeIfAbsent(host, this::mint);
  }

  /** Whether a leaf for {@code host} has been minted already. */
  public boolean hasContextFor(String host) {
    return contexts.containsKey(host);
  }

  private SslContext mint(String host) {
    CertificateAuthority.LeafCertificate leaf = ca.issue(host);
    try {
      return SslContextBuilder.forServer(leaf.key(), leaf.certificate(), ca.certificate())
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build TLS context for " + host, e);
    }
  }
}
