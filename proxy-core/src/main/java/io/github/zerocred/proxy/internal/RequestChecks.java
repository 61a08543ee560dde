package io.github.zerocred.proxy.internal;

import io.github.zerocred.proxy.ApiPolicy;
import io.github.zerocred.proxy.HostNames;
import io.github.zerocred.proxy.policy.Refusal;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The stateless checks on an intercepted request's head: framing, authority and target form. Every
 * input here is the container's, hence hostile; each check only reads the head and answers why it
 * must be refused, so {@link InterceptHandler} keeps only the exchange's state.
 */
final class RequestChecks {
  private RequestChecks() {}

  /**
   * Why a request head is refused before any policy looks at it, answered in plain text.
   *
   * @param status the HTTP status the client gets
   * @param reason the audit log's word
   * @param message one line for the client
   */
  record Problem(int status, String reason, String message) {}

  /**
   * Why this request must not go anywhere, whichever host it is for, or null when it may: a head
   * the decoder could not read, framing a later hop could read differently (smuggling), a CONNECT
   * inside the tunnel, or another authority than the tunnel's.
   */
  static Problem headProblem(HttpRequest request, String host, int port) {
    if (request.decoderResult().isFailure()) {
      boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
      return new Problem(tooLong ? 431 : 400, "malformed_request", "malformed request");
    }
    String problem = smugglingProblem(request);
    if (problem != null) {
      return new Problem(400, "bad_framing", problem);
    }
    if (HttpMethod.CONNECT.equals(request.method())) {
      return new Problem(400, "nested_connect", "CONNECT inside a tunnel is not allowed");
    }
    String mismatch = authorityMismatch(request, host, port);
    if (mismatch != null) {
      return new Problem(421, "authority_mismatch", mismatch);
    }
    return null;
  }

  /** Whether the proxy holds and checks this API request's body before it goes upstream. */
  static boolean bodyChecked(String method, String path) {
    return "POST".equals(method)
        && (path.equals(ApiPolicy.Endpoint.MESSAGES)
            || path.equals(ApiPolicy.Endpoint.COUNT_TOKENS));
  }

  /** The refusal of an API endpoint the run's policy does not list; the path is quoted safely. */
  static Refusal endpointNotAllowed(String method, String path) {
    return new Refusal(
        403,
        "permission_error",
        "endpoint_not_allowed",
        method
            + " "
            + printable(path)
            + " is not an endpoint this run may call with the credential"
            + " (widen with --allow-endpoint)");
  }

  /** Why a body to be checked cannot be read as sent, or null. */
  static Refusal bodyFramingProblem(HttpRequest request, long maxBodyBytes) {
    String coding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    if (coding != null && !coding.trim().equalsIgnoreCase("identity")) {
      return new Refusal(
          415,
          "invalid_request_error",
          "body_encoded",
          "a Messages request body must not be compressed: the proxy checks it");
    }
    long length = HttpUtil.getContentLength(request, -1L);
    if (length > maxBodyBytes) {
      return tooLarge(maxBodyBytes);
    }
    return null;
  }

  /** The refusal of a body to be checked that is larger than the proxy holds. */
  static Refusal tooLarge(long maxBodyBytes) {
    return new Refusal(
        413,
        "request_too_large",
        "body_too_large",
        "the request body is larger than the " + maxBodyBytes + " bytes" + " the proxy checks");
  }

  /** Why this request's framing is unsafe to forward, or null when it is fine. */
  static String smugglingProblem(HttpRequest request) {
    HttpHeaders h = request.headers();
    List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!te.isEmpty()) {
      if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
        return "unsupported Transfer-Encoding";
      }
      if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        return "Transfer-Encoding in an HTTP/1.0 request";
      }
      if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        return "both Content-Length and Transfer-Encoding";
      }
    }
    if (h.getAll(HttpHeaderNames.CONTENT_LENGTH).size() > 1) {
      return "more than one Content-Length";
    }
    return null;
  }

  /** Why the request names another authority than the tunnel's, or null when it names the same. */
  static String authorityMismatch(HttpRequest request, String host, int port) {
    List<String> hosts = request.headers().getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return "more than one Host header";
    }
    if (hosts.isEmpty() && !request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      return "missing Host header";
    }
    if (!hosts.isEmpty() && !sameAuthority(hosts.get(0), host, port)) {
      return "Host does not match the tunnel's host " + host;
    }
    String uri = request.uri();
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      URI parsed;
      try {
        parsed = URI.create(uri);
      } catch (IllegalArgumentException e) {
        return "malformed absolute URI";
      }
      if (!"https".equalsIgnoreCase(parsed.getScheme())
          || parsed.getRawAuthority() == null
          || parsed.getRawUserInfo() != null
          || !sameAuthority(parsed.getRawAuthority(), host, port)) {
        return "the request's authority does not match the tunnel's host " + host;
      }
    } else if (!uri.startsWith("/") && !uri.equals("*")) {
      return "request target must be a path";
    }
    return null;
  }

  private static boolean sameAuthority(String authority, String host, int port) {
    String a = authority.trim();
    String named = a;
    int colon = a.lastIndexOf(':');
    if (colon > 0 && a.indexOf(']') < colon) {
      named = a.substring(0, colon);
      if (!a.substring(colon + 1).equals(String.valueOf(port))) {
        return false;
      }
    }
    try {
      return HostNames.normalise(named).equals(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A path the client wrote, safe to quote back: printable ASCII, bounded. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 120; i++) {
      char c = s.charAt(i);
      b.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  /** The request target as a path and query: an absolute URI loses its scheme and authority. */
  static String originForm(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int slash = uri.indexOf('/', uri.indexOf("//") + 2);
      return slash < 0 ? "/" : uri.substring(slash);
    }
    return uri;
  }

  /** The path without the query: queries may carry tokens and never reach the audit log. */
  static String pathOf(String originForm) {
    int q = originForm.indexOf('?');
    int f = originForm.indexOf('#');
    int end = q >= 0 ? q : f >= 0 ? f : originForm.length();
    return originForm.substring(0, end);
  }
}
