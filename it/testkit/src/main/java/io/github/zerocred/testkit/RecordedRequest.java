package io.github.zerocred.testkit;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * One request as a {@link StandInServer} received it. Bodies larger than {@link #BODY_CAP} keep
 * only their length and SHA-256, so a 20 MB upload costs no memory.
 */
public final class RecordedRequest {

  /** Bodies up to this many bytes are kept whole. */
  public static final int BODY_CAP = 1024 * 1024;

  private final String method;
  private final String uri;
  private final RecordedHeaders headers;
  private final byte[] body;
  private final long bodyLength;
  private final String bodySha256;
  private final long connectionId;
  private final String sniHostName;
  private final Instant receivedAt;

  RecordedRequest(
      String method,
      String uri,
      RecordedHeaders headers,
      byte[] body,
      long bodyLength,
      String bodySha256,
      long connectionId,
      String sniHostName,
      Instant receivedAt) {
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
    this.bodyLength = bodyLength;
    this.bodySha256 = bodySha256;
    this.connectionId = connectionId;
    this.sniHostName = sniHostName;
    this.receivedAt = receivedAt;
  }

  /** The request method, e.g. {@code POST}. */
  public String method() {
    return method;
  }

  /** The request target as sent, including any query string. */
  public String uri() {
    return uri;
  }

  /** The path of {@link #uri()}, without query string. */
  public String path() {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    // An absolute-form target (as sent to a forward proxy) still has a path worth matching on.
    if (path.startsWith("http://") || path.startsWith("https://")) {
      String rawPath = URI.create(path).getRawPath();
      return rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
    }
    return path;
  }

  /** The raw query string, or {@code null} when there is none. */
  public String query() {
    int query = uri.indexOf('?');
    return query < 0 ? null : uri.substring(query + 1);
  }

  /** The request headers (trailers of a chunked body are appended after them). */
  public RecordedHeaders headers() {
    return headers;
  }

  /** The first value of header {@code name}, or {@code null}. */
  public String header(String name) {
    return headers.get(name);
  }

  /**
   * The body bytes if it was at most {@link #BODY_CAP} long; otherwise its first {@link #BODY_CAP}
   * bytes (check {@link #bodyTruncated()}).
   */
  public byte[] body() {
    return body.clone();
  }

  /** The body decoded as UTF-8 (truncated like {@link #body()}). */
  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Whether the body was longer than {@link #BODY_CAP} and only its prefix was kept. */
  public boolean bodyTruncated() {
    return bodyLength > body.length;
  }

  /** The full body length in bytes, however large. */
  public long bodyLength() {
    return bodyLength;
  }

  /** Lower-case hex SHA-256 of the full body. */
  public String bodySha256() {
    return bodySha256;
  }

  /** Identifies the TCP connection; equal ids mean a kept-alive connection was reused. */
  public long connectionId() {
    return connectionId;
  }

  /** The server name the client sent in TLS SNI, if it sent one. */
  public Optional<String> sniHostName() {
    return Optional.ofNullable(sniHostName);
  }

  /** When the last byte of the request arrived. */
  public Instant receivedAt() {
    return receivedAt;
  }

  @Override
  public String toString() {
    return method + " " + uri + " (connection " + connectionId + ", " + bodyLength + " body bytes)";
  }
}
