package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Turns what a run found out into its result; the wall time is added once teardown is done. */
final class Results {
  /** A result message quotes Claude's text: one line of at most this many characters. */
  private static final int MAX_MESSAGE_CHARS = 500;

  private Results() {}

  static RunResult cancelledBeforeStart(String runId, String reason) {
    return notRun(
        runId,
        RunResult.Outcome.CANCELLED,
        "The run was cancelled (" + reason + ") before Claude Code started");
  }

  /** Claude Code was killed mid-run: keep every turn, token, and line of text seen so far. */
  static RunResult cancelled(
      String runId, String reason, StreamJsonCollector collector, Instant start) {
    Duration elapsed = Duration.between(start, Instant.now());
    String partial = collector.partialOutput();
    return partial(
        runId,
        RunResult.Outcome.CANCELLED,
        "The run was cancelled ("
            + reason
            + ") after "
            + elapsed.toSeconds()
            + " s and "
            + collector.turns()
            + " turn(s), before Claude Code finished"
            + (partial.isBlank() ? "" : "; what it wrote so far is kept as partial output"),
        collector,
        elapsed.toMillis(),
        collector.stderrTail(),
        Optional.empty());
  }

  static RunResult failure(String runId, String message) {
    return notRun(runId, RunResult.Outcome.INFRASTRUCTURE_FAILURE, message);
  }

  /** A run that ended without anything of Claude Code's to keep: the outcome and why. */
  static RunResult notRun(String runId, RunResult.Outcome outcome, String message) {
    return new RunResult(
        runId,
        outcome,
        message,
        "",
        true,
        0,
        0,
        TokenUsage.NONE,
        0,
        Optional.empty(),
        Optional.empty(),
        "",
        "",
        Optional.empty(),
        Duration.ZERO,
        Optional.empty());
  }

  /** zerocred failed while reading the container's output (such as running out of memory). */
  static RunResult outputFailure(
      String runId, Throwable fatal, StreamJsonCollector collector, Instant start) {
    String what = fatal.getClass().getSimpleName();
    String detail = fatal.getMessage();
    return partial(
        runId,
        RunResult.Outcome.INFRASTRUCTURE_FAILURE,
        "The run was stopped: zerocred failed while reading Claude Code's output ("
            + what
            + (detail == null ? "" : ": " + firstLine(detail))
            + ") after "
            + collector.turns()
            + " turn(s); the container was killed",
        collector,
        Duration.between(start, Instant.now()).toMillis(),
        collector.stderrTail(),
        Optional.empty());
  }

  static RunResult from(
      String runId,
      RunConfig config,
      StreamJsonCollector collector,
      RunContainer.Exit state,
      boolean timedOut,
      Instant start) {
    Optional<Integer> exit = timedOut || state == null ? Optional.empty() : state.code();
    boolean oom = state != null && state.oomKilled();
    Optional<JsonNode> result = collector.result();
    String stderr = collector.stderrTail();
    String other = collector.otherStdoutTail();
    long wall = Duration.between(start, Instant.now()).toMillis();
    if (timedOut) {
      return partial(
          runId,
          RunResult.Outcome.TIMED_OUT,
          "Claude Code did not finish within the timeout of "
              + human(config.timeout())
              + " and was stopped after "
              + collector.turns()
              + " turn(s)",
          collector,
          wall,
          stderr,
          Optional.empty());
    }
    if (result.isEmpty()) {
      String why =
          oom
              ? "was killed for running out of memory (limit "
                  + config.memoryBytes() / (1024 * 1024)
                  + " MiB); raise memory"
              : "exited with code "
                  + exit.map(String::valueOf).orElse("?")
                  + " without a result"
                  + lastLine(stderr.isBlank() ? other : stderr);
      return partial(
          runId,
          oom ? RunResult.Outcome.INFRASTRUCTURE_FAILURE : RunResult.Outcome.CLAUDE_ERROR,
          "Claude Code " + why,
          collector,
          wall,
          stderr.isBlank() ? other : stderr,
          exit);
    }
    JsonNode r = result.get();
    boolean isError = r.path("is_error").asBoolean(false);
    String subtype = r.path("subtype").asText("");
    String text = r.path("result").asText("");
    boolean success = !isError && "success".equals(subtype) && exit.orElse(0) == 0;
    TokenUsage usage =
        r.has("usage") ? StreamJsonCollector.usage(r.path("usage")) : collector.tokensSoFar();
    String message;
    if (success) {
      message =
          "Claude Code finished in "
              + r.path("num_turns").asInt(collector.turns())
              + " turn(s), cost $"
              + String.format(java.util.Locale.ROOT, "%.4f", r.path("total_cost_usd").asDouble())
              + ", "
              + usage.total()
              + " tokens";
    } else {
      String detail = text.isBlank() ? subtype : text.strip();
      message = "Claude Code reported an error: " + firstLine(detail);
    }
    return new RunResult(
        runId,
        success ? RunResult.Outcome.SUCCESS : RunResult.Outcome.CLAUDE_ERROR,
        message,
        text,
        isError || !success,
        r.path("num_turns").asInt(collector.turns()),
        r.path("total_cost_usd").asDouble(0),
        usage,
        r.path("duration_ms").asLong(wall),
        collector.sessionId(),
        collector.rawResult(),
        collector.partialOutput(),
        stderr,
        exit,
        Duration.ZERO,
        Optional.empty());
  }

  /**
   * A run that ended without Claude Code's result event: an error, with every turn, token and line
   * of text seen so far kept as partial output.
   */
  private static RunResult partial(
      String runId,
      RunResult.Outcome outcome,
      String message,
      StreamJsonCollector collector,
      long wallMillis,
      String stderr,
      Optional<Integer> exit) {
    return new RunResult(
        runId,
        outcome,
        message,
        "",
        true,
        collector.turns(),
        0,
        collector.tokensSoFar(),
        wallMillis,
        collector.sessionId(),
        Optional.empty(),
        collector.partialOutput(),
        stderr,
        exit,
        Duration.ZERO,
        Optional.empty());
  }

  private static String lastLine(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String[] lines = text.strip().split("\n");
    return ": " + firstLine(lines[lines.length - 1].strip());
  }

  /** The first line, cut to a length a CI log line can show: the text is Claude's. */
  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl) + " …";
    return line.length() <= MAX_MESSAGE_CHARS ? line : line.substring(0, MAX_MESSAGE_CHARS) + " …";
  }

  private static String human(Duration d) {
    long s = d.toSeconds();
    return s >= 60 && s % 60 == 0 ? (s / 60) + " min" : s + " s";
  }
}
