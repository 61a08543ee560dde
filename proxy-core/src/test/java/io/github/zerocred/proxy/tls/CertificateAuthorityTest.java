package io.github.zerocred.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  private final CertificateAuthority ca =
      CertificateAuthority.create(Set.of("api.anthropic.com"), Duration.ofHours(1), "run-1");

  @Test
  void ca_isEcP256_shortLived_andNameConstrainedToTheInterceptedHosts() throws Exception {
    X509Certificate cert = ca.certificate();
    assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(cert.getBasicConstraints()).isZero();
    assertThat(cert.getCriticalExtensionOIDs()).contains(Extension.nameConstraints.getId());
    assertThat(cert.getNotAfter().getTime() - System.currentTimeMillis())
        .isLessThanOrEqualTo(Duration.ofHours(1).toMillis());

    NameConstraints nc =
        NameConstraints.getInstance(
            new JcaX509CertificateHolder(cert)
                .getExtension(Extension.nameConstraints)
                .getParsedValue());
    assertThat(nc.getPermittedSubtrees()).hasSize(1);
    assertThat(nc.getPermittedSubtrees()[0].getBase().getTagNo()).isEqualTo(GeneralName.dNSName);
    assertThat(nc.getPermittedSubtrees()[0].getBase().getName().toString())
        .isEqualTo("api.anthropic.com");
    assertThat(nc.getExcludedSubtrees()).hasSize(2); // every IPv4 and every IPv6 address
  }

  @Test
  void leaf_validatesUnderTheCa_withSanForTheHost() throws Exception {
    CertificateAuthority.LeafCertificate leaf = ca.issue("api.anthropic.com");
    X509Certificate cert = leaf.certificate();
    assertThat(cert.getSubjectAlternativeNames())
        .containsExactly(List.of(GeneralName.dNSName, "api.anthropic.com"));
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");

    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
  }

  @Test
  void leaf_forAHostOutsideTheConstraints_isNeverMinted() {
    assertThatThrownBy(() -> ca.issue("evil.example")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachRun_getsItsOwnCa() {
    CertificateAuthority other =
        CertificateAuthority.create(Set.of("api.anthropic.com"), Duration.ofHours(1), "run-2");
    assertThat(other.certificate().getPublicKey()).isNotEqualTo(ca.certificate().getPublicKey());
    assertThat(ca.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(ca.certificatePem()).doesNotContain("PRIVATE KEY");
  }

  @Test
  void validityTimes_areUtcTimeTo2049_generalizedTimeFrom2050_inWholeSeconds() throws Exception {
    Time y2049 = CertificateAuthority.time(Instant.parse("2049-12-31T23:59:59.900Z"));
    Time y2050 = CertificateAuthority.time(Instant.parse("2050-01-01T00:00:00Z"));
    Time y2026 = CertificateAuthority.time(Instant.parse("2026-03-04T05:06:07Z"));

    assertThat(y2049.toASN1Primitive()).isInstanceOf(ASN1UTCTime.class);
    assertThat(((ASN1UTCTime) y2049.toASN1Primitive()).getTime())
        .isEqualTo("491231235959GMT+00:00");
    assertThat(y2050.toASN1Primitive()).isInstanceOf(ASN1GeneralizedTime.class);
    assertThat(((ASN1GeneralizedTime) y2050.toASN1Primitive()).getTimeString())
        .isEqualTo("20500101000000Z");
    assertThat(y2026.getDate()).isEqualTo(Date.from(Instant.parse("2026-03-04T05:06:07Z")));
  }

  @Test
  void caValidity_isBackdatedFiveMinutes_andEndsAfterTheValidity() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate cert =
        CertificateAuthority.create(Set.of("api.anthropic.com"), Duration.ofHours(2), "r")
            .certificate();
    Instant after = Instant.now();

    assertThat(cert.getNotBefore().toInstant())
        .isBetween(before.minus(Duration.ofMinutes(5)), after.minus(Duration.ofMinutes(5)));
    assertThat(cert.getNotAfter().toInstant())
        .isBetween(before.plus(Duration.ofHours(2)), after.plus(Duration.ofHours(2)));
  }
}
