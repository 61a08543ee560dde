package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.Credential;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites headers at the proxy boundary. Requests lose hop-by-hop headers, every {@code Proxy-*}
 * header and every credential the client sent, then get the real credential; a {@code Connection}
 * header can name headers to drop, but never the framing or the injected credential.
 */
final class HttpHeadersPolicy {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "proxy-authorization",
          "proxy-authenticate");
  private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "x-api-key");
  private static final Set<String> PROTECTED =
      Set.of("host", "content-length", "authorization", "x-api-key", "content-type");

  private HttpHeadersPolicy() {}

  /**
   * The headers to send upstream.
   *
   * @param chunked whether the body goes out chunked
   */
  static HttpHeaders upstreamRequest(
      HttpHeaders in, String host, Credential.Injection injection, boolean chunked) {
    Set<String> listed = connectionTokens(in);
    HttpHeaders out = new DefaultHttpHeaders();
    for (Map.Entry<String, String> e : in) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name)
          || name.startsWith("proxy-")
          || CREDENTIAL_HEADERS.contains(name)
          || name.equals("host")
          || name.equals("accept-encoding")
          || (listed.contains(name) && !PROTECTED.contains(name))) {
        continue;
      }
      out.add(e.getKey(), e.getValue());
    }
    out.set(HttpHeaderNames.HOST, host);
    // Plain bytes, so a secret echoed in the body is visible to the redactor.
    out.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
    if (chunked) {
      out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    // Last, after every removal above: nothing the client sends can take this away.
    out.set(injection.headerName(), injection.headerValue().reveal());
    return out;
  }

  /** The headers to send the client: hop-by-hop headers dropped, secrets redacted. */
  static HttpHeaders clientResponse(HttpHeaders in, SecretRedactor redactor) {
    Set<String> listed = connectionTokens(in);
    HttpHeaders out = new DefaultHttpHeaders();
    for (Map.Entry<String, String> e : in) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || (listed.contains(name) && !name.equals("content-length"))) {
        continue;
      }
      out.add(e.getKey(), redactor.redact(e.getValue()));
    }
    return out;
  }

  /** Trailers, redacted. */
  static void redactInPlace(HttpHeaders headers, SecretRedactor redactor) {
    for (String name : new HashSet<>(headers.names())) {
      var values = headers.getAll(name).stream().map(redactor::redact).toList();
      headers.set(name, values);
    }
  }

  private static Set<String> connectionTokens(HttpHeaders headers) {
    List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
    if (values.isEmpty()) {
      return Set.of(); // the usual case: no set to build on every request and response
    }
    Set<String> tokens = new HashSet<>();
    for (String v : values) {
      for (String t : v.split(",")) {
        String token = t.trim().toLowerCase(Locale.ROOT);
        if (!token.isEmpty()) {
          tokens.add(token);
        }
      }
    }
    return tokens;
  }
}
