package io.github.zerocred.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** A byte-level HTTPS client for assertions HttpClient hides (chunk framing, Connection, SNI). */
final class RawTlsClient implements AutoCloseable {

  private final SSLSocket socket;

  private RawTlsClient(SSLSocket socket) {
    this.socket = socket;
  }

  static RawTlsClient connect(TestPki pki, int port) throws IOException {
    return connect(pki, port, null);
  }

  static RawTlsClient connect(TestPki pki, int port, String sniName) throws IOException {
    SSLSocket socket =
        (SSLSocket) pki.trustingSslContext().getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    if (sniName != null) {
      parameters.setServerNames(List.of(new SNIHostName(sniName)));
    }
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(10_000);
    return new RawTlsClient(socket);
  }

  /** Sends {@code request} and reads until the server closes the connection. */
  String exchange(String request) throws IOException {
    socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
