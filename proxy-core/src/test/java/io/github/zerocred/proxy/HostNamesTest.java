package io.github.zerocred.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostNamesTest {

  @Test
  void normalise_lowersCaseAndDropsTrailingDot() {
    assertThat(HostNames.normalise("API.Anthropic.COM.")).isEqualTo("api.anthropic.com");
  }

  @Test
  void ipLiterals_areRecognised_inTheirObscureForms() {
    assertThat(HostNames.isIpLiteral("127.0.0.1")).isTrue();
    assertThat(HostNames.isIpLiteral("[::1]")).isTrue();
    assertThat(HostNames.isIpLiteral("2130706433")).isTrue();
    assertThat(HostNames.isIpLiteral("127.1")).isTrue();
    assertThat(HostNames.isIpLiteral("0x7f.1")).isTrue();
    assertThat(HostNames.isIpLiteral("api.anthropic.com")).isFalse();
  }

  @Test
  void invalidNames_areRefused() {
    assertThatThrownBy(() -> HostNames.normalise("bad_host.example"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostNames.normalise("a..b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HostNames.normalise("10.0.0.1")).hasMessageContaining("IP address");
  }
}
