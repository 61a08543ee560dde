package io.github.zerocred.run;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A set-up step that runs on a thread of its own beside the run's, because it mostly waits (the
 * sweep on the engine, the workspace archive on the disk) and the run's next steps do not need its
 * result yet. {@link #join()} hands its result or its failure to the run's thread, where the step's
 * failure fails the run as if it had run there; {@link #close()}, as a handle of the run, waits for
 * it, so nothing it does outlives the teardown (its temporary files, the sweep's engine calls).
 * Only steps that create nothing on the engine run beside: a failure elsewhere then has nothing of
 * theirs to undo.
 */
final class SideStep<T> implements AutoCloseable {
  private final CompletableFuture<T> done = new CompletableFuture<>();
  private final Thread thread;

  private SideStep(String name, Supplier<T> work) {
    thread =
        new Thread(
            () -> {
              try {
                done.complete(work.get());
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            name);
    thread.setDaemon(true); // the run's thread waits for it; a dying JVM need not
  }

  /** Starts {@code work} on a new thread named {@code name}. */
  static <T> SideStep<T> start(String name, Supplier<T> work) {
    SideStep<T> step = new SideStep<>(name, work);
    step.thread.start();
    return step;
  }

  /**
   * Waits for the step and returns its result, or throws what it threw (a runtime exception or an
   * error, as it was).
   */
  T join() {
    try {
      return done.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Waits until the step has ended, whatever its outcome; never throws. */
  @Override
  public void close() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
