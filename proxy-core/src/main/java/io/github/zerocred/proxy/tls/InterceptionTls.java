package io.github.zerocred.proxy.tls;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.netty.util.ReferenceCountUtil;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Server-side TLS for intercepted tunnels: one leaf certificate per host, minted on first use and
 * kept for the run. Minting is a millisecond of CPU, so it happens on the caller's thread.
 *
 * <p>With the native provider each context holds native memory and is reference counted: {@link
 * #close()} releases them all when the run ends (engines keep their context alive until the {@link
 * io.netty.handler.ssl.SslHandler} that owns them is gone), and no context is minted after that.
 * Clients may resume sessions: the JDK issues TLS 1.3 tickets by default; BoringSSL gets per-run
 * ticket keys made here, held only in memory, so a resumed handshake skips the ECDSA signature.
 */
public final class InterceptionTls implements AutoCloseable {
  private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CertificateAuthority ca;
  private final TlsProvider provider;
  private final ConcurrentMap<String, SslContext> contexts = new ConcurrentHashMap<>();
  private boolean closed; // guarded by this

  /** Interception with the JDK's TLS. */
  public InterceptionTls(CertificateAuthority ca) {
    this(ca, TlsProvider.JDK);
  }

  public InterceptionTls(CertificateAuthority ca, TlsProvider provider) {
    this.ca = ca;
    this.provider = provider;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public TlsProvider provider() {
    return provider;
  }

  /**
   * The server context presenting {@code host}'s leaf, minted once per run.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public SslContext contextFor(String host) {
    SslContext ctx = contexts.get(host);
    if (ctx != null) {
      return ctx;
    }
    // Minting is rare (once per host); the lock makes "closed" and "minted" exclusive, so a
    // context minted by a late tunnel can never outlive close() unreleased.
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the proxy run has ended");
      }
      return contexts.computeIfAbsent(host, this::mint);
    }
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
      KeyManagerFactory factory = new KeyManagerFactoryWrapper(keyManager);
      if (provider.isNative()) {
        // Converts the key and chain to BoringSSL's form once, not on every handshake.
        factory = new OpenSslCachingX509KeyManagerFactory(factory);
      }
      SslContext ctx =
          SslContextBuilder.forServer(factory)
              .sslProvider(provider.provider())
              .protocols(PROTOCOLS)
              .build();
      if (ctx.sessionContext() instanceof OpenSslSessionContext openSsl) {
        // Netty turns tickets off for native servers unless keys are set.
        openSsl.setTicketKeys(newTicketKey());
      }
      return ctx;
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build TLS context for " + host, e);
    }
  }

  private static OpenSslSessionTicketKey newTicketKey() {
    byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
    byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
    byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
    RANDOM.nextBytes(name);
    RANDOM.nextBytes(hmac);
    RANDOM.nextBytes(aes);
    return new OpenSslSessionTicketKey(name, hmac, aes);
  }

  /** Releases every context (native memory); later {@link #contextFor} calls fail. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    contexts.values().forEach(ReferenceCountUtil::release);
    contexts.clear();
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
