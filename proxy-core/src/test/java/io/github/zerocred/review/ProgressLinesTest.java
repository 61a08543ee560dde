package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressLinesTest {
  private final List<String> lines = new ArrayList<>();
  private final ProgressLines progress = new ProgressLines(lines::add);

  @Test
  void aRun_givesStartTurnToolTokensAndElapsedLines() {
    progress.onEvent(new RunEvent.Swept("r", 0, 0));
    progress.onEvent(
        new RunEvent.Started(
            "r", "img:1", "c", "10.0.0.1:1", new java.net.InetSocketAddress("10.0.0.1", 1)));
    progress.onEvent(new RunEvent.SessionStarted("r", "s-1", "sonnet"));
    progress.onEvent(new RunEvent.Turn("r", 1));
    progress.onEvent(new RunEvent.ToolUsed("r", 1, "Read"));
    progress.onEvent(new RunEvent.TokensSoFar("r", new TokenUsage(100, 20, 5, 3)));
    progress.onEvent(new RunEvent.Elapsed("r", Duration.ofSeconds(15), 1));
    progress.onEvent(new RunEvent.Warning("r", "network removal failed"));

    assertThat(lines)
        .containsExactly(
            "run r: Claude Code started in img:1",
            "session s-1, model sonnet",
            "turn 1: tool Read",
            "turn 1: 128 token(s) so far (100 in, 20 out, 8 cached)",
            "15s elapsed, 1 turn(s), 128 token(s) so far",
            "warning: network removal failed");
  }

  @Test
  void timedSteps_giveOneSetUpLineAtTheStartAndOneLineAtTeardown() {
    progress.onEvent(new RunEvent.Timed("r", RunEvent.Phase.SWEEP, Duration.ofMillis(40)));
    progress.onEvent(new RunEvent.Timed("r", RunEvent.Phase.ENGINE, Duration.ofMillis(12)));
    progress.onEvent(new RunEvent.Timed("r", RunEvent.Phase.SET_UP, Duration.ofMillis(900)));
    progress.onEvent(
        new RunEvent.Started(
            "r", "img:1", "c", "n", new java.net.InetSocketAddress("10.0.0.1", 1)));
    progress.onEvent(new RunEvent.Timed("r", RunEvent.Phase.CLAUDE, Duration.ofMillis(2500)));
    progress.onEvent(new RunEvent.Timed("r", RunEvent.Phase.TEARDOWN, Duration.ofMillis(300)));

    assertThat(lines)
        .containsExactly(
            "run r: Claude Code started in img:1",
            "set-up steps (ms): engine 12, sweep 40, set-up 900",
            "Claude Code ran for 2500 ms; teardown took 300 ms");
  }

  @Test
  void containerControlledFields_comeOutAsOneLineWithoutControlCharacters() {
    progress.onEvent(
        new RunEvent.SessionStarted(
            "r", "s\r::error::forged", "x\n::notice title=forged::owned\u202e\u001b[31m"));
    progress.onEvent(new RunEvent.ToolUsed("r", 1, "Bash\u0085\u2028::add-mask::x"));
    progress.onEvent(new RunEvent.ToolUsed("r", 2, "T".repeat(10_000)));

    assertThat(lines).hasSize(3);
    for (String line : lines) {
      assertThat(line.chars())
          .noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x202e);
    }
    assertThat(lines.get(0))
        .isEqualTo(
            "session s ::error::forged, model x ::notice title=forged::owned\ufffd\ufffd[31m");
    assertThat(lines.get(2)).hasSizeLessThan(UntrustedText.MAX_FIELD + 20).endsWith("…");
  }

  @Test
  void aQueuedRun_saysItWaitsForASlot_howManyWorkAndWaitAhead_andHowLong() {
    progress.onEvent(new RunEvent.Queued("r", 2, 4, 4, Duration.ofSeconds(31)));

    assertThat(lines)
        .containsExactly(
            "waiting for a run slot: 4 of 4 run(s) at work, 2 waiting ahead, 31s so far");
  }

  @Test
  void sweptLeftovers_areReported() {
    progress.onEvent(new RunEvent.Swept("r", 2, 1));

    assertThat(lines)
        .containsExactly("removed leftovers of an earlier run: 2 container(s), 1 network(s)");
  }

  @Test
  void summary_saysOutcomeTurnsCostDurationTokens_andWhyOnFailure() {
    assertThat(ProgressLines.summary(result(RunResult.Outcome.SUCCESS, "done")))
        .isEqualTo("success: 3 turn(s), $0.1234, 2.5s, 150 token(s)");
    assertThat(ProgressLines.summary(result(RunResult.Outcome.TIMED_OUT, "killed after 1m")))
        .isEqualTo("timed out: 3 turn(s), $0.1234, 2.5s, 150 token(s) — killed after 1m");
  }

  static RunResult result(RunResult.Outcome outcome, String message) {
    return new RunResult(
        "run-1",
        outcome,
        message,
        outcome == RunResult.Outcome.SUCCESS ? "All good." : "",
        false,
        3,
        0.1234,
        new TokenUsage(100, 50, 0, 0),
        2500,
        Optional.of("session"),
        Optional.empty(),
        "",
        "",
        Optional.of(0),
        Duration.ofSeconds(3),
        Optional.empty());
  }
}
