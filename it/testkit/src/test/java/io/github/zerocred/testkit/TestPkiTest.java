package io.github.zerocred.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPkiTest {

  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  @Test
  void issue_putsDnsNamesAndIpLiteralsInTheRightSanTypes() throws Exception {
    TestPki pki = TestPki.create();
    ServerIdentity identity = pki.issue("api.anthropic.com", "localhost", "127.0.0.1", "::1");

    X509Certificate leaf = identity.certificate();
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(
            List.of(DNS_NAME, "api.anthropic.com"),
            List.of(DNS_NAME, "localhost"),
            List.of(IP_ADDRESS, "127.0.0.1"),
            List.of(IP_ADDRESS, "0:0:0:0:0:0:0:1"));
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) leaf.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    leaf.verify(pki.caCertificate().getPublicKey());
    assertThat(identity.chain()).containsExactly(leaf, pki.caCertificate());
    assertThat(identity.key().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void caCertificate_isACaAndWritesAsPem(@TempDir Path tmp) throws Exception {
    TestPki pki = TestPki.create();

    assertThat(pki.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    Path written = pki.writeCaPem(tmp.resolve("nested/ca.pem"));
    assertThat(Files.readString(written))
        .isEqualTo(pki.caCertificatePem())
        .startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(TestPki.trustingSslContext(written)).isNotNull();
  }

  @Test
  void untrusted_isSelfSignedAndNotFromAnyTestCa() throws Exception {
    ServerIdentity identity = TestPki.untrusted("localhost");

    X509Certificate leaf = identity.certificate();
    assertThat(identity.chain()).containsExactly(leaf);
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(leaf.getSubjectX500Principal());
    leaf.verify(leaf.getPublicKey());
  }

  @Test
  void everyCa_isDistinct() {
    assertThat(TestPki.create().caCertificate()).isNotEqualTo(TestPki.create().caCertificate());
  }

  @Test
  void issue_withoutNames_isRefused() {
    assertThatThrownBy(() -> TestPki.create().issue()).isInstanceOf(IllegalArgumentException.class);
  }
}
