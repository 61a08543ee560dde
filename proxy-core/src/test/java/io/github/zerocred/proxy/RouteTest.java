package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The one route parser behind {@code --route}, {@code routes} and {@code ProxyConfig.route}. */
class RouteTest {

  @Test
  void parse_hostEqualsIpPort_normalisesTheHost_andTakesIpv6InBrackets() {
    Route v4 = Route.parse("API.Anthropic.com=10.0.0.5:8443", "routes");
    Route v6 = Route.parse("api.anthropic.com=[::1]:443", "routes");

    assertThat(v4.host()).isEqualTo("api.anthropic.com");
    assertThat(v4.address()).isEqualTo(new InetSocketAddress("10.0.0.5", 8443));
    assertThat(v6.address().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void parse_portZeroOrAbove65535_isRefused_namingTheSetting() {
    assertThatThrownBy(() -> Route.parse("api.anthropic.com=10.0.0.5:0", "--route"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("--route: port 0 is out of range");
    assertThatThrownBy(() -> Route.parse("api.anthropic.com=10.0.0.5:65536", "routes"))
        .hasMessage("routes: port 65536 is out of range");
  }

  @Test
  void parse_aNameInsteadOfAnAddress_isRefused_withoutALookup() {
    assertThatThrownBy(() -> Route.parse("api.anthropic.com=gateway.internal:443", "routes"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(
            "routes: 'api.anthropic.com=gateway.internal:443' must name an IP address after '=',"
                + " not a host name");
  }

  @Test
  void parse_malformed_saysWhatAFormLooksLike() {
    for (String spec : new String[] {null, "api.anthropic.com", "=10.0.0.5:443", "h:1=10.0.0.5"}) {
      assertThatThrownBy(() -> Route.parse(spec, "--route"))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("--route: ")
          .hasMessageContaining("must look like HOST=IP:PORT");
    }
    assertThatThrownBy(() -> Route.parse("api.anthropic.com=10.0.0.5:https", "--route"))
        .hasMessageContaining("has no numeric port");
  }

  @Test
  void proxyConfigAndRunConfig_refuseTheSameRoute_eachInItsOwnWords() {
    ProxyConfig.Builder proxy =
        ProxyConfig.builder()
            .credential(Credential.anthropic(ProxyFixture.OAUTH_TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"));

    assertThatThrownBy(() -> proxy.route("api.anthropic.com=10.0.0.5:0"))
        .hasMessage("--route: port 0 is out of range");
    assertThatThrownBy(
            () -> io.github.zerocred.run.RunConfig.builder().route("api.anthropic.com=10.0.0.5:0"))
        .hasMessage("routes: port 0 is out of range");
  }
}
