package io.github.zerocred.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secrets never reach the terminal, whatever the message they hide in. */
class SecretScrubberTest {

  @Test
  void scrub_removesTheCredentialVariablesValues_evenWithoutATokenShape() {
    SecretScrubber scrubber =
        SecretScrubber.forEnvironment(Map.of("ANTHROPIC_API_KEY", "odd-secret-value-123"));

    assertThat(scrubber.scrub("Unmatched argument: 'odd-secret-value-123'"))
        .isEqualTo("Unmatched argument: '<redacted>'");
  }

  @Test
  void scrub_removesTokenShapes_thatAreNotInTheEnvironment() {
    SecretScrubber scrubber = SecretScrubber.forEnvironment(Map.of());

    assertThat(
            scrubber.scrub(
                "a sk-ant-oat01-AbCdEf0123456789_x b ghp_0123456789abcdefXYZ c github_pat_11AAAA_bbbbbbbbbb"))
        .isEqualTo("a <redacted> b <redacted> c <redacted>");
  }

  @Test
  void scrub_leavesOrdinaryMessagesAlone() {
    SecretScrubber scrubber = SecretScrubber.forEnvironment(Map.of("GITHUB_TOKEN", "abc"));

    assertThat(scrubber.scrub("Unknown option: '--lsiten' (abc is too short to be a secret)"))
        .isEqualTo("Unknown option: '--lsiten' (abc is too short to be a secret)");
    assertThat(scrubber.scrub(null)).isEmpty();
  }
}
