package io.github.zerocred.runnerimage;

/** What preparing the runner image tells its front end; the core never prints. */
public interface RunnerImageListener {
  /** Nothing to hear. */
  RunnerImageListener NONE = line -> {};

  /** A line of progress: the fetch, the integrity check, the build's steps. */
  void progress(String line);

  /** A build is about to start (the image was missing); {@code what} says which, for a heading. */
  default void buildStarting(String what) {
    progress(what);
  }

  /** The build that {@link #buildStarting} announced has ended, whatever its outcome. */
  default void buildEnded() {}
}
