package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.tls.TlsImplementation;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start-up preload: it finishes on its own, whatever the TLS choice, and a proxy starts after
 * it.
 */
class ProxyPreloadTest {

  @Test
  void preload_finishes_forEveryTlsChoice_andAProxyStartsAfterIt() throws Exception {
    for (TlsImplementation tls : TlsImplementation.values()) {
      assertThat(ProxyPreload.start(tls).await(60, TimeUnit.SECONDS)).as("%s", tls).isTrue();
    }
    ProxyConfig config =
        ProxyConfig.builder()
            .credentials(List.of(Credential.anthropic(token(), "test")))
            .listen("127.0.0.1:0")
            .build();
    try (ZerocredProxy proxy = ZerocredProxy.start(config)) {
      assertThat(proxy.address().getPort()).isPositive();
    }
  }

  private static String token() {
    return "sk-ant-oat01-" + "a".repeat(80);
  }
}
