package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.proxy.ProxyUsage;
import io.github.zerocred.review.OutputDirectory;
import io.github.zerocred.review.ReviewFiles;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy's own spend figure in the run result, and the outcome of a run it stopped. */
class ProxyMeasuredSpendTest {
  @TempDir Path dir;

  private static RunResult result(RunResult.Outcome outcome) {
    return new RunResult(
        "run-1",
        outcome,
        "Claude said: API Error: 403 zerocred: budget spent",
        "",
        true,
        2,
        0.5,
        new TokenUsage(100, 50, 0, 0),
        2500,
        Optional.of("session"),
        Optional.empty(),
        "",
        "",
        Optional.of(1),
        Duration.ofSeconds(3),
        Optional.empty());
  }

  private static ProxyUsage usage(long overBudget, long overCap) {
    return new ProxyUsage(new BigDecimal("0.75"), 3, 1000, 500, 0, 0, overBudget, overCap);
  }

  @Test
  void runTheProxyStoppedAtTheBudget_endsBudgetExceeded_sayingWhy() {
    RunResult r = result(RunResult.Outcome.CLAUDE_ERROR).withProxyUsage(usage(1, 0));

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.BUDGET_EXCEEDED);
    assertThat(r.message()).contains("$0.75").contains("budget");
    assertThat(r.proxyUsage()).contains(usage(1, 0));
  }

  @Test
  void runTheProxyStoppedAtTheRequestCap_endsBudgetExceeded() {
    RunResult r = result(RunResult.Outcome.SUCCESS).withProxyUsage(usage(0, 2));

    assertThat(r.outcome()).isEqualTo(RunResult.Outcome.BUDGET_EXCEEDED);
    assertThat(r.message()).contains("cap of 3 API calls");
  }

  @Test
  void runWithinTheLimits_keepsItsOutcome_andATimeoutStaysATimeout() {
    assertThat(result(RunResult.Outcome.SUCCESS).withProxyUsage(usage(0, 0)).outcome())
        .isEqualTo(RunResult.Outcome.SUCCESS);
    assertThat(result(RunResult.Outcome.TIMED_OUT).withProxyUsage(usage(1, 0)).outcome())
        .isEqualTo(RunResult.Outcome.TIMED_OUT);
  }

  @Test
  void reviewJson_reportsTheProxysSpend_besideClaudeCodesOwn() throws Exception {
    ReviewFiles files = ReviewFiles.prepare(OutputDirectory.open(dir, null, "outputDirectory"));

    files.write(result(RunResult.Outcome.CLAUDE_ERROR).withProxyUsage(usage(1, 0)));

    JsonNode json = new ObjectMapper().readTree(Files.readString(files.resultJson()));
    assertThat(json.path("outcome").asText()).isEqualTo("BUDGET_EXCEEDED");
    assertThat(json.path("costUsd").asDouble()).isEqualTo(0.5);
    assertThat(json.path("proxyUsage").path("costUsd").decimalValue()).isEqualByComparingTo("0.75");
    assertThat(json.path("proxyUsage").path("requests").asLong()).isEqualTo(3);
    assertThat(json.path("proxyUsage").path("refusedOverBudget").asLong()).isEqualTo(1);
  }
}
