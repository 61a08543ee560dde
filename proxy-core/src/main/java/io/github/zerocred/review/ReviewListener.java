package io.github.zerocred.review;

/**
 * What a review tells its front end while it runs; the core never prints. Every method is called on
 * the thread that runs the review, except {@link #progress} and {@link #proxyWarning}, which come
 * from the run's and the proxy's threads.
 */
public interface ReviewListener {
  /** A line of progress (turns, tools, spend) as {@link ProgressLines} writes it. */
  void progress(String line);

  /** The proxy refused or noticed something worth a warning. */
  default void proxyWarning(String message) {}

  /** The sandboxed run is about to start (the prompt and the settings were accepted). */
  default void runStarting() {}

  /**
   * The sandboxed run has ended, whatever its outcome: Claude Code's container has exited. Its
   * teardown may still be under way ({@link ReviewJob#runHandingOver}); its line follows.
   */
  default void runEnded() {}

  /**
   * zerocred is about to build the runner image (none was named and the engine lacks it); {@code
   * what} says which, as a heading. Its progress follows as {@link #progress} lines.
   */
  default void imageBuildStarting(String what) {
    progress(what);
  }

  /** The build {@link #imageBuildStarting} announced has ended, whatever its outcome. */
  default void imageBuildEnded() {}
}
