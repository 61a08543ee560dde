package io.github.zerocred.findings;

import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TokenUsage;
import java.time.Duration;
import java.util.Optional;

/** Run results as Claude Code's result event would leave them, for the parser's tests. */
final class Results {
  private Results() {}

  static RunResult withResultEvent(String resultText, String rawResultJson) {
    return new RunResult(
        "run-1",
        RunResult.Outcome.SUCCESS,
        "Claude Code finished",
        resultText,
        false,
        2,
        0.01,
        TokenUsage.NONE,
        1000,
        Optional.of("session"),
        Optional.ofNullable(rawResultJson),
        "",
        "",
        Optional.of(0),
        Duration.ofSeconds(2),
        Optional.empty());
  }
}
