package io.github.zerocred.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

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
      // Our own key manager, not forServer(key, chain): that path puts the key into a PKCS#12
      // store and takes it out again, two PBKDF2 runs of 10,000 iterations that cost 10-20 ms of
      // a first tunnel's handshake (measured in bench/), against ~0.1 ms for this.
      LeafKeyManager keyManager =
          new LeafKeyManager(
              leaf.key(), new X509Certificate[] {leaf.certificate(), ca.certificate()});
      return SslContextBuilder.forServer(new KeyManagerFactoryWrapper(keyManager))
          .sslProvider(SslProvider.JDK)
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build TLS context for " + host, e);
    }
  }

  /** Presents one leaf certificate for every server handshake; never used on the client side. */
  private static final class LeafKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "leaf";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    LeafKeyManager(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return fits(keyType) ? ALIAS : null;
    }

    /** The TLS stack asks per signature scheme ("EC", "RSA", ...); only the leaf's own fits. */
    private boolean fits(String keyType) {
      return key.getAlgorithm().equals(keyType);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }
  }
}
