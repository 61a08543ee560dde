package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.Cancellation;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core's cancellation API against the real engine and Claude Code: whenever it comes — before
 * the run, during any set-up step, while Claude works — the run ends {@code CANCELLED} and leaves
 * nothing behind (NothingLeftBehind checks containers and networks after each test).
 */
class RunCancellationTest {
  /** What the busy stand-in's model says before its long tool call: the partial output. */
  static final String PREAMBLE = "Reading the change before I comment on it.";

  @TempDir Path workspace;
  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();

  private final RunFixture fixture = new RunFixture();

  @BeforeEach
  void workspace() throws IOException {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
  }

  @Test
  void cancelledBeforeTheRun_createsNothing_andSaysSo() {
    Cancellation cancellation = Cancellation.create();
    cancellation.cancel("SIGINT");
    try (StandInAnthropicApi standIn = busyStandIn(fixture.realToken)) {
      RunResult result =
          ClaudeRun.execute(fixture.config(standIn, workspace).build(), cancellation);

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.CANCELLED);
      assertThat(result.message())
          .isEqualTo("The run was cancelled (SIGINT) before Claude Code started");
      assertThat(fixture.events(RunEvent.Started.class)).isEmpty();
      assertThat(standIn.requests()).isEmpty();
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void cancelledDuringSetUp_atWhicheverStep_endsCancelled_andLeavesNothing() throws Exception {
    // From the engine check to the container start the run takes a second or two here; cancelling
    // at these delays lands in different steps (engine, sweep, network, proxy, container, copy).
    for (long delayMillis : List.of(0L, 100L, 300L, 600L, 1000L, 1500L)) {
      Cancellation cancellation = Cancellation.create();
      try (StandInAnthropicApi standIn = busyStandIn(fixture.realToken)) {
        CompletableFuture<RunResult> run =
            CompletableFuture.supplyAsync(
                () -> ClaudeRun.execute(fixture.config(standIn, workspace).build(), cancellation));
        Thread.sleep(delayMillis);
        cancellation.cancel("test cancel after " + delayMillis + " ms");
        RunResult result = run.get(60, TimeUnit.SECONDS);

        assertThat(result.outcome())
            .as("cancelled after %d ms: %s", delayMillis, result)
            .isEqualTo(RunResult.Outcome.CANCELLED);
        assertThat(result.message())
            .startsWith("The run was cancelled (test cancel after " + delayMillis + " ms)");
        assertThat(engine.docker().labelledWithRun(result.runId()))
            .as("left after a cancel at %d ms", delayMillis)
            .isEmpty();
        assertThat(TestDocker.hostInputRules()).doesNotContain("zerocred-run=" + result.runId());
      }
    }
  }

  @Test
  void cancelledWhileClaudeWorks_killsTheContainer_andKeepsThePartialOutput() {
    Cancellation cancellation = Cancellation.create();
    try (StandInAnthropicApi standIn = busyStandIn(fixture.realToken)) {
      RunResult result =
          ClaudeRun.execute(
              fixture
                  .config(standIn, workspace)
                  .listener(
                      event -> {
                        fixture.events.add(event);
                        if (event instanceof RunEvent.ToolUsed) {
                          cancellation.cancel("SIGTERM");
                        }
                      })
                  .build(),
              cancellation);

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.CANCELLED);
      assertThat(result.message()).startsWith("The run was cancelled (SIGTERM) after ");
      assertThat(result.numTurns()).isPositive();
      assertThat(result.partialOutput()).contains(PREAMBLE);
      assertThat(result.sessionId()).isPresent();
      assertThat(result.exitCode()).isEmpty();
      assertThat(result.wallTime())
          .isLessThan(fixture.config(standIn, workspace).build().timeout());
      assertThat(fixture.events(RunEvent.Finished.class)).hasSize(1);
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
      assertThat(TestDocker.hostInputRules()).doesNotContain("zerocred-run=" + result.runId());
    }
  }

  /** Answers at once with text and a tool call that keeps Claude Code busy for ten minutes. */
  static StandInAnthropicApi busyStandIn(String token) {
    return busyStandIn(token, StandInAnthropicApi.builder());
  }

  /** {@link #busyStandIn(String)} from a builder with further settings, such as its address. */
  static StandInAnthropicApi busyStandIn(String token, StandInAnthropicApi.Builder builder) {
    return builder
        .expectToken(token)
        .script(
            Reply.toolUse(
                PREAMBLE,
                "Bash",
                // Not `sleep 600`: Claude Code's Bash tool refuses long sleeps, and the run would
                // end in seconds.
                "{\"command\": \"timeout 600 tail -f /dev/null; echo never\","
                    + " \"description\": \"Work for a long time\"}"))
        .start();
  }
}
