package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.testkit.StandInResponse;
import io.github.zerocred.testkit.TunnelClient;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void upstreamEchoingTheToken_showsTheClientOnlyThePlaceholder() throws Exception {
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.echo());
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      TunnelClient.Response r =
          c.get("api.anthropic.com", "/echo", "Authorization: Bearer " + f.placeholder());

      // The echo holds the headers the upstream received, which include the real token.
      assertThat(f.upstream.requests().get(0).header("authorization"))
          .contains(ProxyFixture.OAUTH_TOKEN);
      assertThat(r.bodyText()).doesNotContain(ProxyFixture.OAUTH_TOKEN).contains(f.placeholder());
      assertThat(Long.parseLong(r.header("content-length"))).isEqualTo(r.body.length);
    }
  }

  @Test
  void tokenSplitAcrossChunks_isStillReplaced() throws Exception {
    String t = ProxyFixture.OAUTH_TOKEN;
    List<String> chunks =
        List.of(
            "data: {\"leak\":\"" + t.substring(0, 1),
            t.substring(1, 10),
            t.substring(10, t.length() - 1),
            t.charAt(t.length() - 1) + "\"}\n\n",
            "s", // a lone prefix byte that never becomes the token
            "k-ant-no\n");
    try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.chunkedText(chunks));
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      TunnelClient.Response r = c.get("api.anthropic.com", "/stream");

      assertThat(r.bodyText())
          .isEqualTo("data: {\"leak\":\"" + f.placeholder() + "\"}\n\nsk-ant-no\n");
    }
  }

  @Test
  void tokenInResponseHeader_isReplaced() throws Exception {
    try (ProxyFixture f =
            ProxyFixture.start(
                r ->
                    StandInResponse.text(200, "ok")
                        .header("x-debug-auth", "Bearer " + ProxyFixture.OAUTH_TOKEN));
        TunnelClient c = f.tunnel("api.anthropic.com")) {
      TunnelClient.Response r = c.get("api.anthropic.com", "/h");

      assertThat(r.header("x-debug-auth")).isEqualTo("Bearer " + f.placeholder());
    }
  }

  @Test
  void tokenAtEveryChunkBoundary_neverReachesTheClient() throws Exception {
    String t = ProxyFixture.OAUTH_TOKEN;
    for (int split = 1; split < t.length(); split += 7) {
      List<String> chunks = List.of("a" + t.substring(0, split), t.substring(split) + "z");
      try (ProxyFixture f = ProxyFixture.start(r -> StandInResponse.chunkedText(chunks));
          TunnelClient c = f.tunnel("api.anthropic.com")) {
        assertThat(c.get("api.anthropic.com", "/").bodyText())
            .as("split at %d", split)
            .isEqualTo("a" + f.placeholder() + "z");
      }
    }
  }
}
