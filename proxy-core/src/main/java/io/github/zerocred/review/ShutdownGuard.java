package io.github.zerocred.review;

import io.github.zerocred.run.Cancellation;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Cancels a review when the JVM shuts down, for a front end that gets no signals of its own (Maven:
 * Ctrl-C or SIGTERM end the JVM with 130 or 143 once every shutdown hook has returned), and holds
 * the shutdown until the review has torn down and its files are written and reported: {@link
 * #close()} releases it. Bounded: a stuck engine must not keep a killed build alive (the run's own
 * hook tears down in that case).
 */
public final class ShutdownGuard implements AutoCloseable {
  /** Longer than the run's own wait for its teardown (20 s), so that the files follow it. */
  static final Duration GRACE = Duration.ofSeconds(30);

  private final Cancellation cancellation = Cancellation.create();
  private final CountDownLatch released = new CountDownLatch(1);
  private final Thread hook;

  /** A guard whose hook is not registered yet (see {@link #install}). */
  ShutdownGuard(String reason, Duration grace) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(grace, "grace");
    this.hook =
        new Thread(
            () -> {
              // The run's own hook may cancel first (hooks run in any order): wait either way.
              cancellation.cancel(reason);
              awaitQuietly(released, grace);
            },
            "zerocred-cancel");
  }

  /**
   * Registers the shutdown hook; close the guard once the review's outcome is reported.
   *
   * @param reason why the review was cancelled, for its result's message
   */
  public static ShutdownGuard install(String reason) {
    ShutdownGuard guard = new ShutdownGuard(reason, GRACE);
    Runtime.getRuntime().addShutdownHook(guard.hook);
    return guard;
  }

  /** What the review runs with, so that a shutdown cancels it. */
  public Cancellation cancellation() {
    return cancellation;
  }

  /** Lets a shutdown under way go on, and removes the hook. */
  @Override
  public void close() {
    released.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook is running, waiting for this very moment.
    }
  }

  /** The hook's thread, for tests. */
  Thread hook() {
    return hook;
  }

  private static void awaitQuietly(CountDownLatch latch, Duration limit) {
    try {
      latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
