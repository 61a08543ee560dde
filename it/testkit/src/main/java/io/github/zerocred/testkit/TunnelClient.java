package io.github.zerocred.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A deliberately low-level client for proxy tests: it writes exactly the bytes a test asks for, so
 * hostile shapes (smuggling, foreign Host headers, garbage) reach the proxy unmodified. Hand-made
 * also because the JDK's HTTP clients refuse Basic proxy authentication for tunnels by default.
 */
public final class TunnelClient implements AutoCloseable {
  private final Socket raw;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private TunnelClient(Socket raw) throws IOException {
    this.raw = raw;
    this.socket = raw;
    this.in = raw.getInputStream();
    this.out = raw.getOutputStream();
  }

  public static TunnelClient connect(InetSocketAddress proxy) throws IOException {
    Socket s = new Socket();
    s.connect(proxy, 5000);
    s.setSoTimeout(20_000);
    return new TunnelClient(s);
  }

  public static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.US_ASCII));
  }

  /** Sends CONNECT with the given Proxy-Authorization (or none) and reads the proxy's answer. */
  public Response connectTunnel(String authority, String proxyAuthorization) throws IOException {
    StringBuilder req = new StringBuilder();
    req.append("CONNECT ").append(authority).append(" HTTP/1.1\r\n");
    req.append("Host: ").append(authority).append("\r\n");
    if (proxyAuthorization != null) {
      req.append("Proxy-Authorization: ").append(proxyAuthorization).append("\r\n");
    }
    req.append("\r\n");
    write(req.toString());
    return readResponse(true);
  }

  /** Starts TLS inside the tunnel, trusting only {@code trustAnchor}, with SNI {@code host}. */
  public void startTls(String host, X509Certificate trustAnchor) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("anchor", trustAnchor);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, 443, true);
    SSLParameters p = tls.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(host)));
    p.setEndpointIdentificationAlgorithm("HTTPS");
    tls.setSSLParameters(p);
    tls.startHandshake();
    socket = tls;
    in = tls.getInputStream();
    out = tls.getOutputStream();
  }

  public X509Certificate peerCertificate() throws Exception {
    return (X509Certificate) ((SSLSocket) socket).getSession().getPeerCertificates()[0];
  }

  public void write(String s) throws IOException {
    write(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  public void write(byte[] b) throws IOException {
    out.write(b);
    out.flush();
  }

  public OutputStream output() {
    return out;
  }

  public InputStream input() {
    return in;
  }

  /** A simple GET with the given extra header lines. */
  public Response get(String host, String path, String... headerLines) throws IOException {
    StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String h : headerLines) {
      req.append(h).append("\r\n");
    }
    req.append("\r\n");
    write(req.toString());
    return readResponse(false);
  }

  /** A POST with a {@code Content-Length} body and the given extra header lines. */
  public Response post(String host, String path, byte[] body, String... headerLines)
      throws IOException {
    StringBuilder req = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String h : headerLines) {
      req.append(h).append("\r\n");
    }
    req.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    write(req.toString());
    write(body);
    return readResponse(false);
  }

  /** Reads one response; the body is read fully unless it is a CONNECT answer. */
  public Response readResponse(boolean connectAnswer) throws IOException {
    String status = readLine();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int c = line.indexOf(':');
      headers
          .computeIfAbsent(
              line.substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(c + 1).trim());
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    Response r = new Response(code, headers);
    r.statusLine = status;
    if (connectAnswer && code == 200) {
      return r;
    }
    r.body = readBody(headers, new DigestingSink());
    return r;
  }

  /** Reads the body of a response whose headers were read, hashing rather than keeping it. */
  public Response readResponseHashed() throws IOException {
    String status = readLine();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int c = line.indexOf(':');
      headers
          .computeIfAbsent(
              line.substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(line.substring(c + 1).trim());
    }
    Response r = new Response(Integer.parseInt(status.split(" ")[1]), headers);
    DigestingSink sink = new DigestingSink();
    sink.keep = false;
    readBody(headers, sink);
    r.length = sink.length;
    r.sha256 = HexFormat.of().formatHex(sink.digest.digest());
    r.body = new byte[0];
    return r;
  }

  private byte[] readBody(Map<String, List<String>> headers, DigestingSink sink)
      throws IOException {
    List<String> te = headers.getOrDefault("transfer-encoding", List.of());
    if (!te.isEmpty() && te.get(0).equalsIgnoreCase("chunked")) {
      while (true) {
        String sizeLine = readLine();
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
          while (!readLine().isEmpty()) {
            // trailers
          }
          break;
        }
        copy(size, sink);
        readLine();
      }
    } else if (headers.containsKey("content-length")) {
      copy(Long.parseLong(headers.get("content-length").get(0)), sink);
    } else if (headers.getOrDefault("connection", List.of()).contains("close")) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        sink.accept(buf, n);
      }
    }
    return sink.bytes.toByteArray();
  }

  private void copy(long n, DigestingSink sink) throws IOException {
    byte[] buf = new byte[65536];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new IOException("body ended early");
      }
      sink.accept(buf, r);
      left -= r;
    }
  }

  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] l = line.toByteArray();
        int len = l.length > 0 && l[l.length - 1] == '\r' ? l.length - 1 : l.length;
        return new String(l, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whether the peer has closed: the next read sees end of stream (or a reset). */
  public boolean isClosedByPeer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    raw.close();
  }

  /** A response: status, lower-cased header names, and the body (or its length and hash). */
  public static final class Response {
    public final int status;
    public final Map<String, List<String>> headers;

    /** The status line as received, reason phrase included. */
    public String statusLine;

    public byte[] body;
    public long length;
    public String sha256;

    Response(int status, Map<String, List<String>> headers) {
      this.status = status;
      this.headers = headers;
    }

    public String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final class DigestingSink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final MessageDigest digest;
    boolean keep = true;
    long length;

    DigestingSink() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    void accept(byte[] b, int n) {
      if (keep) {
        bytes.write(b, 0, n);
      }
      digest.update(b, 0, n);
      length += n;
    }
  }
}
