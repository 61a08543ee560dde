package io.github.zerocred.run;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A run's result, handed over while the run's own thread still tears its sandbox down (see {@link
 * ClaudeRun#executeHandingOver}); {@link #close()} waits until everything the run created is gone.
 * Whoever takes the result must close this on every path, also when delivering the result fails:
 * try-with-resources.
 */
public final class TeardownPending implements AutoCloseable {
  private final RunResult result;
  private final Thread runThread;

  private TeardownPending(RunResult result, Thread runThread) {
    this.result = result;
    this.runThread = runThread;
  }

  /**
   * Starts {@code run} on a new thread named {@code name} and waits until it hands a result over
   * (through the consumer it is given) or returns one. An interrupt of the waiting thread is passed
   * on to the run's thread (the run then stops as it does when its own thread is interrupted) and
   * kept for the caller.
   *
   * @throws RuntimeException what {@code run} threw, once its thread has ended
   */
  static TeardownPending start(String name, Function<Consumer<RunResult>, RunResult> run) {
    CompletableFuture<RunResult> first = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                first.complete(run.apply(first::complete));
              } catch (Throwable e) {
                first.completeExceptionally(e);
              }
            },
            name);
    thread.start();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return new TeardownPending(Objects.requireNonNull(first.get(), "result"), thread);
        } catch (InterruptedException e) {
          interrupted = true;
          thread.interrupt();
        } catch (ExecutionException e) {
          // The run failed before it had a result: its teardown was done before it threw.
          interrupted |= join(thread);
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The run's result as it was handed over: the teardown may still be under way. */
  public RunResult result() {
    return result;
  }

  /** Whether the teardown has finished. */
  public boolean isDone() {
    return !runThread.isAlive();
  }

  /**
   * Waits until the teardown has finished (it is bounded by the engine calls' own timeouts; an
   * interrupt is kept for the caller, not an excuse to leave the sandbox behind). Never throws.
   */
  @Override
  public void close() {
    if (join(runThread)) {
      Thread.currentThread().interrupt();
    }
  }

  /** Joins {@code thread} whatever interrupts come; true if any came. */
  private static boolean join(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
