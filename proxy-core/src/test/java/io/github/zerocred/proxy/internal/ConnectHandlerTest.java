package io.github.zerocred.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.ProxyConfig;
import io.github.zerocred.proxy.ProxyListener;
import io.github.zerocred.proxy.audit.AuditLog;
import io.github.zerocred.proxy.tls.CertificateAuthority;
import io.github.zerocred.proxy.tls.InterceptionTls;
import io.github.zerocred.proxy.tls.UpstreamTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ConnectHandlerTest {

  private static EmbeddedChannel channel(ProxyRuntime rt) throws Exception {
    EmbeddedChannel ch = new EmbeddedChannel(false, false);
    ch.pipeline().addLast("timeout", new io.netty.channel.ChannelInboundHandlerAdapter());
    ch.pipeline().addLast("http", new ServerCodec(8192));
    ch.pipeline().addLast("connect", new ConnectHandler(rt));
    ch.register();
    return ch;
  }

  private static ProxyRuntime runtime() throws Exception {
    ProxyConfig config =
        ProxyConfig.builder()
            .credential(
                Credential.anthropic("sk-ant-oat01-" + "r".repeat(60), "CLAUDE_CODE_OAUTH_TOKEN"))
            .build();
    return new ProxyRuntime(
        config,
        new InterceptionTls(
            CertificateAuthority.create(Set.of("api.anthropic.com"), Duration.ofHours(1), "t")),
        UpstreamTls.create(java.util.List.of(), false),
        new AuditLog(Optional.empty(), ProxyListener.NONE, "t"),
        Executors.newSingleThreadExecutor(),
        "Basic dTpw");
  }

  private static String readAll(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }

  @Test
  void connectWithoutAuth_answers407AndCloses() throws Exception {
    ProxyRuntime rt = runtime();
    EmbeddedChannel ch = channel(rt);
    ch.writeInbound(
        Unpooled.copiedBuffer(
            "CONNECT api.anthropic.com:443 HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
    String out = readAll(ch);
    assertThat(out).startsWith("HTTP/1.1 407").containsIgnoringCase("proxy-authenticate: Basic");
    assertThat(ch.isOpen()).isFalse();
    assertThat(ch.finishAndReleaseAll()).isFalse();
    assertThat(rt.openTunnels.get()).isZero();
    rt.audit.close();
    rt.resolver.shutdownNow();
  }

  @Test
  void garbage_answers400AndReleasesEverything() throws Exception {
    ProxyRuntime rt = runtime();
    EmbeddedChannel ch = channel(rt);
    ch.writeInbound(
        Unpooled.copiedBuffer(
            new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, '\r', '\n', '\r', '\n'}));
    String out = readAll(ch);
    assertThat(out).startsWith("HTTP/1.1 400");
    ch.finishAndReleaseAll();
    rt.audit.close();
    rt.resolver.shutdownNow();
  }
}
