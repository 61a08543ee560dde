package io.github.zerocred.review;

import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunListener;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TokenUsage;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * Turns a run's events into one-line progress messages (start, turn, tool, tokens, elapsed time)
 * for a front end to print, and a finished run into its summary line. Nothing here is secret. Every
 * field that comes from the container (session id, model, tool names, messages quoting Claude)
 * passes {@link UntrustedText}: a line printed from here is one line, without control characters.
 */
public final class ProgressLines implements RunListener {
  private final Consumer<String> sink;
  // Events come from the run's threads one at a time; volatile suffices for the heartbeat's read.
  private volatile int turn;
  private volatile long tokens;
  // Set-up steps' times until the container starts; several threads of the run report them.
  private final Map<RunEvent.Phase, Duration> setUp = new ConcurrentSkipListMap<>();
  private volatile Duration claude;

  /** Sends every line to {@code sink}, which must be safe to call from the run's threads. */
  public ProgressLines(Consumer<String> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  @Override
  public void onEvent(RunEvent event) {
    if (event instanceof RunEvent.Swept s) {
      if (s.containers() + s.networks() > 0) {
        sink.accept(
            "removed leftovers of an earlier run: "
                + s.containers()
                + " container(s), "
                + s.networks()
                + " network(s)");
      }
    } else if (event instanceof RunEvent.Timed t) {
      if (t.phase() == RunEvent.Phase.CLAUDE) {
        claude = t.took();
      } else if (t.phase() == RunEvent.Phase.TEARDOWN) {
        Duration ran = claude;
        sink.accept(
            (ran == null ? "" : "Claude Code ran for " + ran.toMillis() + " ms; ")
                + "teardown took "
                + t.took().toMillis()
                + " ms");
      } else {
        setUp.merge(t.phase(), t.took(), Duration::plus);
      }
    } else if (event instanceof RunEvent.Started s) {
      sink.accept("run " + s.runId() + ": Claude Code started in " + s.image());
      if (!setUp.isEmpty()) {
        sink.accept(setUpLine());
        setUp.clear();
      }
    } else if (event instanceof RunEvent.SessionStarted s) {
      // Claude's init event is the container's to write: every field is attacker text.
      sink.accept(
          "session "
              + UntrustedText.field(s.sessionId())
              + ", model "
              + UntrustedText.field(s.model()));
    } else if (event instanceof RunEvent.Turn t) {
      turn = t.number();
    } else if (event instanceof RunEvent.ToolUsed t) {
      sink.accept("turn " + t.turn() + ": tool " + UntrustedText.field(t.tool()));
    } else if (event instanceof RunEvent.TokensSoFar t) {
      tokens = t.usage().total();
      sink.accept("turn " + turn + ": " + tokens(t.usage()));
    } else if (event instanceof RunEvent.Elapsed e) {
      sink.accept(
          e.elapsed().toSeconds()
              + "s elapsed, "
              + e.turns()
              + " turn(s), "
              + tokens
              + " token(s) so far");
    } else if (event instanceof RunEvent.Warning w) {
      sink.accept("warning: " + UntrustedText.oneLine(w.message(), 1000));
    } else if (event instanceof RunEvent.Queued q) {
      sink.accept(
          "waiting for a run slot: "
              + q.running()
              + " of "
              + q.limit()
              + " run(s) at work, "
              + q.ahead()
              + " waiting ahead, "
              + q.waited().toSeconds()
              + "s so far");
    }
  }

  /** Each set-up step's time, in the order the steps begin. */
  private String setUpLine() {
    StringBuilder line = new StringBuilder("set-up steps (ms):");
    setUp.forEach(
        (phase, took) ->
            line.append(' ').append(phase.label()).append(' ').append(took.toMillis()).append(','));
    line.setLength(line.length() - 1);
    return line.toString();
  }

  private static String tokens(TokenUsage u) {
    return u.total()
        + " token(s) so far ("
        + u.inputTokens()
        + " in, "
        + u.outputTokens()
        + " out, "
        + (u.cacheReadInputTokens() + u.cacheCreationInputTokens())
        + " cached)";
  }

  /**
   * {@code success}, {@code claude error}, {@code timed out}, {@code infrastructure failure},
   * {@code cancelled}.
   */
  public static String outcomeName(RunResult r) {
    return r.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  /** One line on how a run ended: outcome, turns, cost, duration and, on failure, why. */
  public static String summary(RunResult r) {
    return String.format(
        Locale.ROOT,
        "%s: %d turn(s), $%.4f, %.1fs, %d token(s)%s",
        outcomeName(r),
        r.numTurns(),
        r.costUsd(),
        r.durationMs() / 1000.0,
        r.usage().total(),
        r.isSuccess() ? "" : " — " + UntrustedText.oneLine(r.message(), 1000));
  }
}
