package io.github.zerocred.proxy.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The per-run certificate authority: EC P-256, made in memory, its private key never written
 * anywhere. Name constraints limit it to the hosts this run intercepts, and exclude every IP
 * address, so even a leaked CA cannot vouch for any other site.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SIGNATURE = "SHA256withECDSA";

  private final KeyPair keyPair;
  private final X509Certificate certificate;
  private final Set<String> permittedHosts;
  private final Instant notAfter;

  private CertificateAuthority(
      KeyPair keyPair, X509Certificate certificate, Set<String> hosts, Instant notAfter) {
    this.keyPair = keyPair;
    this.certificate = certificate;
    this.permittedHosts = hosts;
    this.notAfter = notAfter;
  }

  /**
   * Makes a fresh CA that may only issue for {@code hosts}.
   *
   * @param runId written into the subject, so a user who finds the certificate knows its run
   */
  public static CertificateAuthority create(Set<String> hosts, Duration validity, String runId) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("a CA needs at least one permitted host");
    }
    try {
      KeyPair keys = newKeyPair();
      Instant now = Instant.now();
      // A little back-dating absorbs clock skew between this host and the container.
      Instant notBefore = now.minus(Duration.ofMinutes(5));
      Instant notAfter = now.plus(validity);
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, "zerocred")
              .addRDN(BCStyle.CN, "zerocred run CA " + runId)
              .build();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      List<GeneralSubtree> permitted = new ArrayList<>();
      for (String host : hosts) {
        permitted.add(new GeneralSubtree(new GeneralName(GeneralName.dNSName, host)));
      }
      GeneralSubtree[] excluded = {
        new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(new byte[8]))),
        new GeneralSubtree(new GeneralName(GeneralName.iPAddress, new DEROctetString(new byte[32])))
      };
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject, serial(), time(notBefore), time(notAfter), subject, keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.nameConstraints,
                  true,
                  new NameConstraints(permitted.toArray(GeneralSubtree[]::new), excluded))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(builder, keys.getPrivate());
      return new CertificateAuthority(keys, cert, Set.copyOf(hosts), notAfter);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot create the run's CA", e);
    }
  }

  /** The CA certificate the container is told to trust. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate as PEM. */
  public String certificatePem() {
    return Pem.encode(certificate);
  }

  /** Issues a leaf for one permitted host: EC P-256, SAN = the host, server authentication only. */
  public LeafCertificate issue(String host) {
    if (!permittedHosts.contains(host)) {
      // The name constraints would make such a leaf useless anyway; refuse to mint it at all.
      throw new IllegalArgumentException("this run's CA does not issue for " + host);
    }
    try {
      KeyPair keys = newKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, host).build();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                  serial(),
                  time(now.minus(Duration.ofMinutes(5))),
                  time(notAfter),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new DERSequence(new GeneralName(GeneralName.dNSName, host)))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(certificate))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new LeafCertificate(keys.getPrivate(), sign(builder, keyPair.getPrivate()));
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + host, e);
    }
  }

  /** A leaf's key and certificate, held only in memory. */
  public record LeafCertificate(PrivateKey key, X509Certificate certificate) {}

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  /**
   * A certificate's validity time as RFC 5280 wants it: UTCTime up to 2049, GeneralizedTime from
   * 2050, in whole seconds, UTC. Encoded here rather than from a {@link java.util.Date}, which
   * Bouncy Castle formats with a {@code SimpleDateFormat}: that loads the JDK's locale data, a
   * tenth of a second of a cold proxy start spent before the CA exists (issue 14).
   */
  static Time time(Instant instant) throws java.io.IOException {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    boolean utcTime = t.getYear() >= 1950 && t.getYear() < 2050;
    StringBuilder text = new StringBuilder(15);
    if (utcTime) {
      twoDigits(text, t.getYear() % 100);
    } else {
      text.append(t.getYear());
    }
    twoDigits(text, t.getMonthValue());
    twoDigits(text, t.getDayOfMonth());
    twoDigits(text, t.getHour());
    twoDigits(text, t.getMinute());
    twoDigits(text, t.getSecond());
    text.append('Z');
    byte[] der = new byte[2 + text.length()];
    der[0] = (byte) (utcTime ? BERTags.UTC_TIME : BERTags.GENERALIZED_TIME);
    der[1] = (byte) text.length();
    for (int i = 0; i < text.length(); i++) {
      der[2 + i] = (byte) text.charAt(i);
    }
    return new Time(ASN1Primitive.fromByteArray(der));
  }

  private static void twoDigits(StringBuilder text, int value) {
    text.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
      X509CertificateHolder holder = builder.build(signer);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
