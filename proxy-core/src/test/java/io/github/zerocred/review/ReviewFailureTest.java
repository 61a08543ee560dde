package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The failure of a review names the front end's settings, never a core word for them. */
class ReviewFailureTest {
  private static final SettingNames CLI =
      s -> "--" + s.name().toLowerCase(Locale.ROOT).replace('_', '-');

  @Test
  void timedOutRun_namesTheFrontEndsTimeoutAndTurnSettings() {
    ReviewFailure f =
        ReviewFailure.of(
            result(
                RunResult.Outcome.TIMED_OUT,
                "Claude Code did not finish within the timeout of 90 s and was stopped after 3 turn(s)",
                ""),
            Credential.Kind.ANTHROPIC_API_KEY,
            CLI);
    assertThat(f.kind()).isEqualTo(ReviewFailure.Kind.TIMED_OUT);
    assertThat(f.message())
        .contains("within the timeout of 90 s")
        .endsWith("raise --timeout or lower --max-turns")
        .doesNotContain("maxTurns");
  }

  @Test
  void rejectedOauthToken_saysToRunSetupTokenAgain_namingTheSetting() {
    ReviewFailure f =
        ReviewFailure.of(
            result(
                RunResult.Outcome.CLAUDE_ERROR,
                "Claude Code reported an error",
                "Failed to authenticate. API Error: 401 OAuth token has expired.\nmore"),
            Credential.Kind.ANTHROPIC_OAUTH_TOKEN,
            CLI);
    assertThat(f.kind()).isEqualTo(ReviewFailure.Kind.CREDENTIAL_REJECTED);
    assertThat(f.kind().id()).isEqualTo("credential_rejected");
    assertThat(f.message())
        .contains("run `claude setup-token` again and update the secret in --oauth-token")
        .contains("(Failed to authenticate. API Error: 401 OAuth token has expired.)");
  }

  @Test
  void otherClaudeErrors_keepTheirMessage() {
    ReviewFailure f =
        ReviewFailure.of(
            result(RunResult.Outcome.CLAUDE_ERROR, "error_max_turns", ""),
            Credential.Kind.ANTHROPIC_API_KEY,
            CLI);
    assertThat(f).isEqualTo(new ReviewFailure(ReviewFailure.Kind.CLAUDE_ERROR, "error_max_turns"));
  }

  @Test
  void budgetStoppedRun_namesTheLimitThatStoppedIt() {
    RunResult capped =
        result(RunResult.Outcome.CLAUDE_ERROR, "x", "")
            .withProxyUsage(new ProxyUsage(BigDecimal.ONE, 3, 0, 0, 0, 0, 0, 2));
    assertThat(ReviewFailure.of(capped, Credential.Kind.ANTHROPIC_API_KEY, CLI).message())
        .isEqualTo(
            "The proxy stopped the run: it reached the cap of 3 API calls; raise"
                + " --max-api-requests or narrow the review");
    RunResult spent =
        result(RunResult.Outcome.CLAUDE_ERROR, "x", "")
            .withProxyUsage(new ProxyUsage(BigDecimal.ONE, 3, 0, 0, 0, 0, 1, 0));
    assertThat(ReviewFailure.of(spent, Credential.Kind.ANTHROPIC_API_KEY, CLI).message())
        .endsWith("reached the budget; raise --max-budget-usd or narrow the review");
  }

  @Test
  void settingsTheRunWouldRefuse_areRefusedNamingTheFrontEndsSetting() {
    ReviewRequest.Builder b =
        ReviewRequest.builder()
            .timeout(Duration.ofMinutes(1))
            .credential(Credential.anthropic("sk-ant-api03-" + "k".repeat(80), "test"))
            .names(CLI)
            .listener(line -> {})
            .files(() -> null);
    assertThatThrownBy(() -> ReviewJob.check(b.maxTurns(0).build()))
        .isInstanceOf(ReviewSettingException.class)
        .hasMessage("--max-turns must be at least 1, got 0")
        .satisfies(
            e ->
                assertThat(((ReviewSettingException) e).setting())
                    .isEqualTo(ReviewSetting.MAX_TURNS));
    assertThatThrownBy(() -> ReviewJob.check(b.maxTurns(null).cpus(0.0).build()))
        .hasMessage("--cpus must be positive, got 0.0");
    assertThatThrownBy(() -> ReviewJob.check(b.cpus(null).memoryBytes(1024L).build()))
        .hasMessageStartingWith("--memory must be at least 64 MiB");
  }

  private static RunResult result(RunResult.Outcome outcome, String message, String text) {
    return new RunResult(
        "run-1",
        outcome,
        message,
        text,
        outcome == RunResult.Outcome.CLAUDE_ERROR,
        4,
        0.0,
        TokenUsage.NONE,
        0,
        Optional.empty(),
        Optional.empty(),
        "",
        "",
        Optional.of(1),
        Duration.ZERO,
        Optional.empty());
  }
}
