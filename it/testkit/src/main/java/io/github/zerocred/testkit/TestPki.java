package io.github.zerocred.testkit;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/** An in-memory certificate authority (EC P-256) that issues server identities for tests. */
public final class TestPki {

  // Short-lived on purpose: a test CA that outlives the JVM by days is a CA nobody should trust.
  private static final Duration VALIDITY = Duration.ofDays(2);
  // Clocks of containers and hosts disagree by a little; a certificate that starts "now" can be
  // rejected as not yet valid.
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

  private final KeyPair caKeys;
  private final X509Certificate caCertificate;
  private final X500Name caName;

  private TestPki(KeyPair caKeys, X509Certificate caCertificate, X500Name caName) {
    this.caKeys = caKeys;
    this.caCertificate = caCertificate;
    this.caName = caName;
  }

  /** Creates a fresh CA whose private key exists only in this JVM's memory. */
  public static TestPki create() {
    try {
      KeyPair keys = newKeyPair();
      X500Name name =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, "zerocred tests")
              .addRDN(
                  BCStyle.CN, "zerocred test CA " + UUID.randomUUID().toString().substring(0, 8))
              .build();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              name,
              randomSerial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(VALIDITY)),
              name,
              keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys);
      return new TestPki(keys, certificate, name);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create the test CA", e);
    }
  }

  /**
   * Issues a leaf for the given names, signed by this CA. A name that is an IP literal becomes an
   * IP-address SAN, every other name a DNS-name SAN.
   */
  public ServerIdentity issue(String... names) {
    return issueLeaf(names, caName, caKeys, caCertificate, KeyPurposeId.id_kp_serverAuth);
  }

  /**
   * Issues a client certificate (extended key usage clientAuth) named {@code name}, signed by this
   * CA: for a TLS server that verifies its clients, such as a Docker engine's TCP socket.
   */
  public ServerIdentity issueClient(String name) {
    return issueLeaf(
        new String[] {name}, caName, caKeys, caCertificate, KeyPurposeId.id_kp_clientAuth);
  }

  /**
   * Returns a self-signed identity that no {@link TestPki} trusts, for tests that expect an
   * upstream certificate to be rejected.
   */
  public static ServerIdentity untrusted(String... names) {
    return issueLeaf(names, null, null, null, KeyPurposeId.id_kp_serverAuth);
  }

  /** The CA certificate that clients must trust. */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The CA certificate in PEM, the format {@code NODE_EXTRA_CA_CERTS} and curl expect. */
  public String caCertificatePem() {
    return toPem(caCertificate);
  }

  /** Writes the CA certificate as PEM to {@code file} (creating parent folders) and returns it. */
  public Path writeCaPem(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, caCertificatePem(), StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the test CA to " + file, e);
    }
  }

  /** A JDK TLS context that trusts only this CA, for {@code java.net.http.HttpClient} and peers. */
  public SSLContext trustingSslContext() {
    return trustingSslContext(List.of(caCertificate));
  }

  /**
   * A JDK TLS context that trusts only the certificates in a PEM file, e.g. the CA a proxy or a
   * standalone stand-in wrote for its clients.
   */
  public static SSLContext trustingSslContext(Path caPemFile) {
    try (InputStream in = Files.newInputStream(caPemFile)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate :
          CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("no certificate in " + caPemFile);
      }
      return trustingSslContext(certificates);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + caPemFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot parse the certificates in " + caPemFile, e);
    }
  }

  private static SSLContext trustingSslContext(List<X509Certificate> anchors) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers(anchors).getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context trusting " + anchors, e);
    }
  }

  /** A Netty client TLS context that trusts only this CA. */
  public SslContext nettyClientSslContext() {
    try {
      // The JDK provider keeps the context free of reference counting, so the leak check stays
      // quiet about contexts that tests never release.
      return SslContextBuilder.forClient()
          .sslProvider(SslProvider.JDK)
          .trustManager(caCertificate)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build a Netty TLS context trusting the test CA", e);
    }
  }

  private static TrustManagerFactory trustManagers(List<X509Certificate> anchors)
      throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory;
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static ServerIdentity issueLeaf(
      String[] names,
      X500Name issuer,
      KeyPair issuerKeys,
      X509Certificate issuerCertificate,
      KeyPurposeId purpose) {
    Objects.requireNonNull(names, "names");
    if (names.length == 0) {
      throw new IllegalArgumentException("at least one DNS name or IP address is required");
    }
    try {
      KeyPair keys = newKeyPair();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, names[0]).build();
      boolean selfSigned = issuer == null;
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              selfSigned ? subject : issuer,
              randomSerial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(VALIDITY)),
              subject,
              keys.getPublic());
      GeneralName[] sans = new GeneralName[names.length];
      for (int i = 0; i < names.length; i++) {
        String name = Objects.requireNonNull(names[i], "names[" + i + "]");
        sans[i] =
            IPAddress.isValid(name)
                ? new GeneralName(GeneralName.iPAddress, name)
                : new GeneralName(GeneralName.dNSName, name);
      }
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      PublicKey authorityKey = selfSigned ? keys.getPublic() : issuerKeys.getPublic();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(keys.getPublic()))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(authorityKey));
      X509Certificate leaf = sign(builder, selfSigned ? keys : issuerKeys);
      X509Certificate[] chain =
          selfSigned
              ? new X509Certificate[] {leaf}
              : new X509Certificate[] {leaf, issuerCertificate};
      return new ServerIdentity(keys.getPrivate(), chain);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  private static BigInteger randomSerial() {
    // Positive and 127 bits: unique enough that no client caches one certificate for another.
    return new BigInteger(127, new SecureRandom()).setBit(0);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signingKeys)
      throws OperatorCreationException, GeneralSecurityException {
    // The JDK's own EC implementation signs, so no Bouncy Castle provider is registered globally.
    ContentSigner signer =
        new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKeys.getPrivate());
    X509CertificateHolder holder = builder.build(signer);
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  static String toPem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
