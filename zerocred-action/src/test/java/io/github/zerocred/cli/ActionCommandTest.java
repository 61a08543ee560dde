package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.github.ActionFailure;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.review.ReviewFailure;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TokenUsage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The action's conclusion, title and exit code for a review that produced none. */
class ActionCommandTest {
  @Test
  void budgetStoppedRun_isItsOwnConclusion_namingTheInputsToRaise() {
    Credential token = Credential.anthropic("sk-ant-oat01-" + "a".repeat(80) + "AA", "test");
    ActionFailure f =
        ActionFailure.of(
            ReviewFailure.of(
                result().withProxyUsage(usage(0, 1)), token.kind(), ActionCommand::input));
    assertThat(f.conclusion()).isEqualTo("budget_exceeded");
    assertThat(f.getMessage()).contains("raise max_api_requests").doesNotContain("the cap or");
    assertThat(
            ActionFailure.of(
                    ReviewFailure.of(
                        result().withProxyUsage(usage(1, 0)), token.kind(), ActionCommand::input))
                .getMessage())
        .contains("raise max_budget_usd");
  }

  private static ProxyUsage usage(long refusedOverBudget, long refusedOverRequestCap) {
    return new ProxyUsage(
        new BigDecimal("1.50"), 3, 0, 0, 0, 0, refusedOverBudget, refusedOverRequestCap);
  }

  private static RunResult result() {
    return new RunResult(
        "run-1",
        RunResult.Outcome.CLAUDE_ERROR,
        "Claude Code reported an error",
        "",
        true,
        1,
        0.0,
        TokenUsage.NONE,
        0,
        Optional.empty(),
        Optional.empty(),
        "",
        "",
        Optional.of(0),
        Duration.ZERO,
        Optional.empty());
  }

  @Test
  void authenticationFailures_areRecognised() {
    assertThat(
            ReviewFailure.isAuthenticationFailure(
                "Failed to authenticate. API Error: 401 OAuth token has expired."))
        .isTrue();
    assertThat(
            ReviewFailure.isAuthenticationFailure("Claude Code reported an error: error_max_turns"))
        .isFalse();
  }
}
