package io.github.zerocred.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A minimal HTTPS client through a proxy: {@code CONNECT} with Basic proxy authentication, TLS
 * trusting only the given CA, one request with {@code Connection: close}. Written out by hand
 * because the JDK's clients refuse Basic proxy authentication for tunnels by default.
 */
final class TunnelClient {
  /** What came back: the CONNECT status line and, if the tunnel opened, the HTTPS response. */
  record Response(String connectStatus, String status, String headersAndBody) {}

  private TunnelClient() {}

  static Response get(String proxyUrl, byte[] caPem, String host, String path, String authorization)
      throws IOException, GeneralSecurityException {
    URI proxy = URI.create(proxyUrl);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(proxy.getHost(), proxy.getPort()), 5_000);
      socket.setSoTimeout(15_000);
      String credentials =
          Base64.getEncoder()
              .encodeToString(proxy.getRawUserInfo().getBytes(StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      out.write(
          ("CONNECT "
                  + host
                  + ":443 HTTP/1.1\r\nHost: "
                  + host
                  + ":443\r\nProxy-Authorization: Basic "
                  + credentials
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String connectHead = readHead(socket.getInputStream());
      String connectStatus = connectHead.lines().findFirst().orElse("");
      if (!connectStatus.contains(" 200")) {
        return new Response(connectStatus, null, null);
      }
      SSLSocket tls =
          (SSLSocket) trusting(caPem).getSocketFactory().createSocket(socket, host, 443, false);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
      tls.startHandshake();
      OutputStream tlsOut = tls.getOutputStream();
      tlsOut.write(
          ("GET "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + host
                  + "\r\nAuthorization: "
                  + authorization
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      tlsOut.flush();
      String response = new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Response(connectStatus, response.lines().findFirst().orElse(""), response);
    }
  }

  private static SSLContext trusting(byte[] caPem) throws GeneralSecurityException, IOException {
    X509Certificate ca =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(caPem));
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    store.setCertificateEntry("run-ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  /** Reads up to the blank line after the headers, byte by byte so no tunnel byte is consumed. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
