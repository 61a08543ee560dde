package io.github.zerocred.run;

/** Receives a run's progress. Called from the run's own threads; keep it quick. */
@FunctionalInterface
public interface RunListener {
  /** A listener that ignores everything. */
  RunListener NONE = event -> {};

  void onEvent(RunEvent event);
}
