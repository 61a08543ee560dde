package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyConfigTest {

  private static ProxyConfig.Builder base() {
    return ProxyConfig.builder()
        .credential(Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"));
  }

  @Test
  void route_parsesHostEqualsIpPort() {
    ProxyConfig c = base().route("API.anthropic.com=10.1.2.3:8443").build();
    assertThat(c.routes().get("api.anthropic.com").getPort()).isEqualTo(8443);
  }

  @Test
  void route_withNameInsteadOfAddress_isRefused() {
    assertThatThrownBy(() -> base().route("api.anthropic.com=gateway.internal:443"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("--route");
    assertThatThrownBy(() -> base().route("api.anthropic.com"))
        .hasMessageContaining("HOST=IP:PORT");
  }

  @Test
  void upstreamCa_missingOrNotPem_namesTheOption(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> base().upstreamCa(dir.resolve("nope.pem")))
        .hasMessageContaining("--upstream-ca")
        .hasMessageContaining("does not exist");
    Path junk = Files.writeString(dir.resolve("junk.pem"), "hello");
    assertThatThrownBy(() -> base().upstreamCa(junk)).hasMessageContaining("no PEM certificate");
  }

  @Test
  void noCredential_isAConfigurationError() {
    assertThatThrownBy(() -> ProxyConfig.builder().build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN");
  }

  @Test
  void listen_takesAnAddressOnly() {
    assertThat(base().listen("127.0.0.1:0").build().listen().getPort()).isZero();
    assertThatThrownBy(() -> base().listen("localhost:80")).hasMessageContaining("IP address");
  }

  @Test
  void interceptedHosts_areExactlyTheCredentialHosts() {
    ProxyConfig c = base().allowHost("downloads.example.com").build();
    assertThat(c.interceptedHosts()).containsExactly("api.anthropic.com");
    assertThat(c.allowHosts()).containsExactly("downloads.example.com");
  }

  @Test
  void proxyThatCannotBind_failsWithAClearMessage() {
    try (ZerocredProxy first = ZerocredProxy.start(base().build())) {
      String taken = "127.0.0.1:" + first.address().getPort();
      assertThatThrownBy(() -> ZerocredProxy.start(base().listen(taken).build()))
          .isInstanceOf(ZerocredException.class)
          .hasMessageContaining("cannot listen on");
    }
  }

  @Test
  void forRun_setsOnlyTheRunIdAndListenAddress() {
    ProxyConfig built =
        base().route("api.anthropic.com=10.1.2.3:8443").allowHost("example.org").build();
    java.net.InetSocketAddress listen = new java.net.InetSocketAddress("127.0.0.1", 0);

    ProxyConfig run = built.forRun("run-1", listen);

    assertThat(run.runId()).isEqualTo("run-1");
    assertThat(run.listen()).isEqualTo(listen);
    assertThat(run.credentials()).isEqualTo(built.credentials());
    assertThat(run.routes()).isEqualTo(built.routes());
    assertThat(run.allowHosts()).isEqualTo(built.allowHosts());
    assertThat(run.apiPolicy()).isEqualTo(built.apiPolicy());
  }
}
