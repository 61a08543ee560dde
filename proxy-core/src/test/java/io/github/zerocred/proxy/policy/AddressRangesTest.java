package io.github.zerocred.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressRangesTest {

  private static String range(String ip) throws Exception {
    return AddressRanges.specialRange(InetAddress.getByName(ip)).orElse("public");
  }

  @Test
  void specialRanges_areRecognised() throws Exception {
    assertThat(range("127.0.0.1")).isEqualTo("loopback");
    assertThat(range("10.1.2.3")).isEqualTo("private");
    assertThat(range("172.16.0.1")).isEqualTo("private");
    assertThat(range("172.31.255.255")).isEqualTo("private");
    assertThat(range("192.168.1.1")).isEqualTo("private");
    assertThat(range("169.254.169.254")).isEqualTo("link-local");
    assertThat(range("100.64.0.1")).isEqualTo("carrier-grade NAT");
    assertThat(range("0.0.0.0")).isEqualTo("unspecified");
    assertThat(range("::1")).isEqualTo("loopback");
    assertThat(range("fe80::1")).isEqualTo("link-local");
    assertThat(range("fd00::1")).isEqualTo("unique-local");
    assertThat(range("::ffff:10.0.0.1")).isEqualTo("private");
  }

  @Test
  void publicAddresses_arePublic() throws Exception {
    assertThat(range("160.79.104.10")).isEqualTo("public");
    assertThat(range("172.32.0.1")).isEqualTo("public");
    assertThat(range("100.128.0.1")).isEqualTo("public");
    assertThat(range("2607:6bc0::10")).isEqualTo("public");
  }
}
