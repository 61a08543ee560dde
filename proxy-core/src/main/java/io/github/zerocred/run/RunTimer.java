package io.github.zerocred.run;

import io.github.zerocred.run.RunEvent.Phase;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Times a run's steps and reports each as a {@link RunEvent.Timed}, so that a front end can show
 * where a review's time went (and a benchmark can read it from the progress lines). A step that
 * fails reports nothing: its time is in the failure's message, not in a breakdown.
 */
final class RunTimer {
  private final String runId;
  private final RunListener listener;
  // When the first timed step began (System.nanoTime()); 0 before: the set-up counts from it.
  // Steps run on the run's thread and beside it (SideStep): guarded by this.
  private long firstStart;

  RunTimer(String runId, RunListener listener) {
    this.runId = runId;
    this.listener = listener;
  }

  /** Runs {@code step}, then reports how long it took as {@code phase}. */
  <T> T timed(Phase phase, Supplier<T> step) {
    long start = begin();
    T result = step.get();
    since(phase, start);
    return result;
  }

  /** Runs {@code step}, then reports how long it took as {@code phase}. */
  void timed(Phase phase, Runnable step) {
    long start = begin();
    step.run();
    since(phase, start);
  }

  /** When the first timed step began, for {@link Phase#SET_UP}; now if none has yet. */
  synchronized long firstStart() {
    return firstStart == 0 ? System.nanoTime() : firstStart;
  }

  private synchronized long begin() {
    long now = System.nanoTime();
    if (firstStart == 0) {
      firstStart = now;
    }
    return now;
  }

  /** Reports the time from {@code startNanos} ({@link System#nanoTime()}) until now as phase. */
  void since(Phase phase, long startNanos) {
    listener.onEvent(
        new RunEvent.Timed(runId, phase, Duration.ofNanos(System.nanoTime() - startNanos)));
  }
}
