package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void duration_acceptsHumanAndIsoForms() {
    assertThat(Quantities.duration("500ms", "t")).isEqualTo(Duration.ofMillis(500));
    assertThat(Quantities.duration(" 90s ", "t")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Quantities.duration("10M", "t")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Quantities.duration("1h", "t")).isEqualTo(Duration.ofHours(1));
    assertThat(Quantities.duration("45", "t")).isEqualTo(Duration.ofSeconds(45));
    assertThat(Quantities.duration("PT2M", "t")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void duration_refusesNonsenseNamingTheSetting() {
    assertThatThrownBy(() -> Quantities.duration("soon", "timeout (zerocred.timeout)"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(
            "timeout (zerocred.timeout) must be a duration like 90s, 10m or 1h, got 'soon'");
    assertThatThrownBy(() -> Quantities.duration("0s", "--timeout"))
        .hasMessage("--timeout must be positive, got '0s'");
    assertThatThrownBy(() -> Quantities.duration("-5m", "--timeout"))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> Quantities.duration(" ", "--timeout"))
        .hasMessageContaining("--timeout is empty");
  }

  @Test
  void bytes_readsDockerStyleSizes() {
    assertThat(Quantities.bytes("4g", "m")).isEqualTo(4L << 30);
    assertThat(Quantities.bytes("512m", "m")).isEqualTo(512L << 20);
    assertThat(Quantities.bytes("2GB", "m")).isEqualTo(2L << 30);
    assertThat(Quantities.bytes("64k", "m")).isEqualTo(64L << 10);
    assertThat(Quantities.bytes("1048576", "m")).isEqualTo(1L << 20);
  }

  @Test
  void bytes_refusesNonsenseNamingTheSetting() {
    assertThatThrownBy(() -> Quantities.bytes("lots", "memory (zerocred.memory)"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("memory (zerocred.memory) must be a size like 512m or 4g, got 'lots'");
    assertThatThrownBy(() -> Quantities.bytes("0g", "memory"))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> Quantities.bytes("99999999999t", "memory"))
        .hasMessageContaining("must be a size");
  }
}
