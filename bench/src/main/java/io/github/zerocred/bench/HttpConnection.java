package io.github.zerocred.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A blocking HTTP/1.1 keep-alive connection over TLS, straight to the upstream or through a proxy
 * tunnel (CONNECT with proxy authentication). Deliberately minimal — one thread per connection, no
 * pipelining, bodies handed to a sink and never kept — so that the client costs the same whichever
 * way it goes.
 */
final class HttpConnection implements AutoCloseable {
  private static final int SOCKET_TIMEOUT_MILLIS = 120_000;

  private final Socket raw;
  private final SSLSocket tls;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] line = new byte[8192];

  private HttpConnection(Socket raw, SSLSocket tls) throws IOException {
    this.raw = raw;
    this.tls = tls;
    this.in = new BufferedInputStream(tls.getInputStream(), 64 * 1024);
    this.out = tls.getOutputStream();
  }

  /** Opens a connection to {@code host} the given way: TCP, CONNECT if proxied, TLS handshake. */
  static HttpConnection open(Way way, String host) throws IOException {
    Socket raw = new Socket();
    try {
      raw.setTcpNoDelay(true);
      raw.connect(way.dial(), 10_000);
      raw.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      if (way.proxied()) {
        connect(raw, way, host);
      }
      SSLSocket tls = (SSLSocket) way.trust().getSocketFactory().createSocket(raw, host, 443, true);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(host)));
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
      tls.startHandshake();
      return new HttpConnection(raw, tls);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private static void connect(Socket raw, Way way, String host) throws IOException {
    String request =
        "CONNECT "
            + host
            + ":443 HTTP/1.1\r\nHost: "
            + host
            + ":443\r\nProxy-Authorization: "
            + way.proxyAuthorization()
            + "\r\n\r\n";
    raw.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    raw.getOutputStream().flush();
    // Read in blocks, not bytes: nothing follows the proxy's answer until our ClientHello.
    InputStream rawIn = raw.getInputStream();
    byte[] buffer = new byte[4096];
    int length = 0;
    while (indexOfHeaderEnd(buffer, length) < 0) {
      if (length == buffer.length) {
        throw new IOException("CONNECT answer too long");
      }
      int n = rawIn.read(buffer, length, buffer.length - length);
      if (n < 0) {
        throw new EOFException("proxy closed the connection after CONNECT");
      }
      length += n;
    }
    String answer = new String(buffer, 0, length, StandardCharsets.ISO_8859_1);
    if (!answer.startsWith("HTTP/1.1 200") && !answer.startsWith("HTTP/1.0 200")) {
      throw new IOException("CONNECT refused: " + answer.lines().findFirst().orElse(answer));
    }
  }

  private static int indexOfHeaderEnd(byte[] b, int length) {
    for (int i = 3; i < length; i++) {
      if (b[i - 3] == '\r' && b[i - 2] == '\n' && b[i - 1] == '\r' && b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Sends a GET and reads the response into {@code sink}; returns the status. */
  int get(String host, String path, String authorization, BodySink sink) throws IOException {
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nAuthorization: "
            + authorization
            + "\r\nAccept: */*\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readResponse(sink);
  }

  /** Sends a POST of {@code length} bytes from {@code block}, repeated; returns the status. */
  int post(String host, String path, String authorization, long length, byte[] block, BodySink sink)
      throws IOException {
    String request =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nAuthorization: "
            + authorization
            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: "
            + length
            + "\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    long remaining = length;
    while (remaining > 0) {
      int n = (int) Math.min(block.length, remaining);
      out.write(block, 0, n);
      remaining -= n;
    }
    out.flush();
    return readResponse(sink);
  }

  private int readResponse(BodySink sink) throws IOException {
    String status = readLine();
    if (status == null) {
      throw new EOFException("connection closed before a response");
    }
    int code = Integer.parseInt(status.split(" ", 3)[1]);
    long contentLength = -1;
    boolean chunked = false;
    String header;
    while ((header = readLine()) != null && !header.isEmpty()) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equals("transfer-encoding")) {
        chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
      }
    }
    if (chunked) {
      readChunked(sink);
    } else if (contentLength >= 0) {
      readFixed(contentLength, sink);
    } else {
      readFixed(Long.MAX_VALUE, sink);
    }
    return code;
  }

  private void readFixed(long length, BodySink sink) throws IOException {
    byte[] buffer = sink.buffer();
    long remaining = length;
    while (remaining > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
      if (n < 0) {
        if (length == Long.MAX_VALUE) {
          return;
        }
        throw new EOFException("body ended " + remaining + " bytes early");
      }
      sink.accept(buffer, n, System.nanoTime());
      remaining -= n;
    }
  }

  private void readChunked(BodySink sink) throws IOException {
    while (true) {
      String sizeLine = readLine();
      if (sizeLine == null) {
        throw new EOFException("chunked body ended early");
      }
      int semicolon = sizeLine.indexOf(';');
      long size =
          Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        String trailer;
        while ((trailer = readLine()) != null && !trailer.isEmpty()) {
          // trailers are not used
        }
        return;
      }
      readFixed(size, sink);
      readLine(); // the CRLF after the chunk
    }
  }

  private String readLine() throws IOException {
    int length = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return length == 0 ? null : new String(line, 0, length, StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        if (length > 0 && line[length - 1] == '\r') {
          length--;
        }
        return new String(line, 0, length, StandardCharsets.ISO_8859_1);
      }
      if (length == line.length) {
        throw new IOException("header line too long");
      }
      line[length++] = (byte) b;
    }
  }

  @Override
  public void close() {
    try {
      tls.close();
    } catch (IOException e) {
      // closing after a benchmark: nothing to do about it
    }
    try {
      raw.close();
    } catch (IOException e) {
      // as above
    }
  }

  /** Receives a response body as it arrives; never keeps what it does not need. */
  interface BodySink {
    /** The buffer the connection reads into (reused). */
    byte[] buffer();

    /** {@code length} bytes at the start of {@link #buffer()} arrived at {@code nanoTime}. */
    void accept(byte[] data, int length, long nanoTime);
  }

  /** Counts and discards. */
  static final class Discard implements BodySink {
    private final byte[] buffer = new byte[64 * 1024];
    long bytes;

    @Override
    public byte[] buffer() {
      return buffer;
    }

    @Override
    public void accept(byte[] data, int length, long nanoTime) {
      bytes += length;
    }
  }
}
