package io.github.zerocred.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** The head checks alone; {@code HostileInputTest} tries the same requests through a socket. */
class RequestChecksTest {
  private static final String HOST = "api.anthropic.com";

  private static HttpRequest request(HttpMethod method, String uri, String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  @Test
  void headProblem_sameHostAndPort_isNone() {
    assertThat(
            RequestChecks.headProblem(
                request(HttpMethod.GET, "/v1/models", "Host", "API.anthropic.com:443"), HOST, 443))
        .isNull();
  }

  @Test
  void headProblem_bothContentLengthAndChunked_isBadFraming() {
    HttpRequest r =
        request(
            HttpMethod.POST,
            "/v1/messages",
            "Host",
            HOST,
            "Content-Length",
            "5",
            "Transfer-Encoding",
            "chunked");
    assertThat(RequestChecks.headProblem(r, HOST, 443))
        .isEqualTo(
            new RequestChecks.Problem(
                400, "bad_framing", "both Content-Length and Transfer-Encoding"));
  }

  @Test
  void headProblem_tooLongHead_is431() {
    HttpRequest r = request(HttpMethod.GET, "/", "Host", HOST);
    r.setDecoderResult(DecoderResult.failure(new TooLongFrameException("long")));
    assertThat(RequestChecks.headProblem(r, HOST, 443).status()).isEqualTo(431);
  }

  @Test
  void headProblem_nestedConnect_isRefused() {
    assertThat(
            RequestChecks.headProblem(
                    request(HttpMethod.CONNECT, "evil.example:443", "Host", HOST), HOST, 443)
                .reason())
        .isEqualTo("nested_connect");
  }

  @Test
  void headProblem_otherHostOrPortOrUserInfo_isAuthorityMismatch() {
    assertThat(
            RequestChecks.headProblem(
                    request(HttpMethod.GET, "/", "Host", "evil.example"), HOST, 443)
                .status())
        .isEqualTo(421);
    assertThat(
            RequestChecks.headProblem(
                    request(HttpMethod.GET, "/", "Host", HOST + ":8443"), HOST, 443)
                .reason())
        .isEqualTo("authority_mismatch");
    assertThat(
            RequestChecks.headProblem(
                    request(HttpMethod.GET, "https://u@" + HOST + "/", "Host", HOST), HOST, 443)
                .reason())
        .isEqualTo("authority_mismatch");
    assertThat(RequestChecks.headProblem(request(HttpMethod.GET, "/"), HOST, 443).message())
        .isEqualTo("missing Host header");
  }

  @Test
  void pathOf_absoluteUriWithQuery_losesAuthorityAndQuery() {
    assertThat(
            RequestChecks.pathOf(
                RequestChecks.originForm("https://" + HOST + "/v1/messages?key=secret#x")))
        .isEqualTo("/v1/messages");
  }

  @Test
  void endpointNotAllowed_quotesAHostilePathPrintableAndBounded() {
    String message =
        RequestChecks.endpointNotAllowed("GET", "/a\u001b[31m" + "b".repeat(500)).message();
    assertThat(message).doesNotContain("\u001b").startsWith("GET /a?[31mbbb");
    assertThat(message.length()).isLessThan(250);
  }

  @Test
  void bodyChecked_onlyPostsToMessagesAndCountTokens() {
    assertThat(RequestChecks.bodyChecked("POST", "/v1/messages")).isTrue();
    assertThat(RequestChecks.bodyChecked("POST", "/v1/messages/count_tokens")).isTrue();
    assertThat(RequestChecks.bodyChecked("GET", "/v1/messages")).isFalse();
    assertThat(RequestChecks.bodyChecked("POST", "/v1/models")).isFalse();
  }
}
