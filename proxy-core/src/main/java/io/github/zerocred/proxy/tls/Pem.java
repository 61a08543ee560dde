package io.github.zerocred.proxy.tls;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM in and out, for certificates only: private keys are never written anywhere. */
public final class Pem {
  private Pem() {}

  /** One certificate as PEM text. */
  public static String encode(X509Certificate certificate) {
    try {
      String b64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode certificate", e);
    }
  }

  /**
   * Every certificate in a PEM file.
   *
   * @param option what the user configured, named in the error if the file is unusable
   */
  public static List<X509Certificate> readCertificates(Path file, String option) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigurationException(option + ": " + file + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidConfigurationException(option + ": cannot read " + file + ": " + e, e);
    }
    List<X509Certificate> certs = parse(bytes);
    if (certs.isEmpty()) {
      throw new InvalidConfigurationException(
          option + ": " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certs;
  }

  /** Parses PEM or DER certificates; an empty list when there are none. */
  public static List<X509Certificate> parse(byte[] bytes) {
    try (InputStream in = new ByteArrayInputStream(bytes)) {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> list = new ArrayList<>();
      for (Certificate c : factory.generateCertificates(in)) {
        list.add((X509Certificate) c);
      }
      return list;
    } catch (CertificateException | IOException e) {
      return List.of();
    }
  }
}
