package io.github.zerocred.findings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class SeverityTest {
  @Test
  void threshold_acceptsSeveritiesAndNone_andNamesTheSettingOtherwise() {
    assertThat(Severity.threshold("High", "failOnSeverity")).contains(Severity.HIGH);
    assertThat(Severity.threshold("none", "failOnSeverity")).isEmpty();
    assertThat(Severity.threshold(" ", "failOnSeverity")).isEmpty();
    assertThatThrownBy(() -> Severity.threshold("urgent", "fail_on_severity"))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage(
            "fail_on_severity must be one of none, critical, high, medium, low, info; got"
                + " 'urgent'");
  }

  @Test
  void atLeast_ordersMostSevereFirst() {
    assertThat(Severity.CRITICAL.atLeast(Severity.HIGH)).isTrue();
    assertThat(Severity.HIGH.atLeast(Severity.HIGH)).isTrue();
    assertThat(Severity.MEDIUM.atLeast(Severity.HIGH)).isFalse();
  }
}
