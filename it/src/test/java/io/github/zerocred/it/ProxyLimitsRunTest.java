package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits the proxy enforces on a sandboxed run, with the real CLI in the runner image: the
 * agent inside cannot get around them, and the run ends with its own outcome.
 */
class ProxyLimitsRunTest {
  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final RunFixture fixture = new RunFixture();

  @Test
  void apiRequestCap_refusesTheSecondTurnAtTheProxy_andTheRunEndsBudgetExceeded()
      throws IOException {
    Files.writeString(workspace.resolve("NOTES.md"), "# Notes\nnothing to see\n");
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(
                Reply.toolUse("Read", "{\"file_path\": \"/workspace/NOTES.md\"}"),
                Reply.text("never reached"))
            .start()) {

      RunResult result =
          ClaudeRun.execute(
              fixture
                  .config(standIn, workspace)
                  .maxApiRequests(1)
                  .maxBudgetUsd(new BigDecimal("50"))
                  .build());

      assertThat(result.outcome())
          .as(result.toString())
          .isEqualTo(RunResult.Outcome.BUDGET_EXCEEDED);
      assertThat(result.message()).contains("cap of 1 API calls");
      ProxyUsage measured = result.proxyUsage().orElseThrow();
      assertThat(measured.requests()).isEqualTo(1);
      assertThat(measured.refusedOverRequestCap()).isPositive();
      assertThat(measured.costUsd()).isPositive();
      assertThat(measured.inputTokens()).isPositive();
      // The API saw the first turn only: the refused one never left the proxy.
      assertThat(standIn.mainConversationRequests()).hasSize(1);
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }
}
