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
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.NameConstraints;
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
}
