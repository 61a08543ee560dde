package io.github.zerocred.run;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to stop a run early, made from another thread: a front end's signal handler (the CLI's
 * SIGINT/SIGTERM) or shutdown hook (Maven). Pass it to {@link ClaudeRun#execute(RunConfig,
 * Cancellation)}; {@link #cancel(String)} then makes the run stop waiting for Claude Code, kill the
 * container, tear everything down and return a {@link RunResult.Outcome#CANCELLED} result with what
 * it collected so far.
 *
 * <p>Thread-safe; the first {@link #cancel(String)} wins and later ones change nothing, so a second
 * Ctrl-C neither changes the reason nor starts a second teardown. A cancellation made before the
 * run starts stops it before it creates anything.
 */
public final class Cancellation {
  private final AtomicReference<String> reason = new AtomicReference<>();
  private final CopyOnWriteArrayList<Runnable> actions = new CopyOnWriteArrayList<>();

  private Cancellation() {}

  /** A cancellation nobody has requested yet. */
  public static Cancellation create() {
    return new Cancellation();
  }

  /**
   * Asks the run to stop. Never blocks: the run thread does the stopping and the teardown.
   *
   * @param reason why, for the result's message, e.g. {@code "SIGINT"}; never secret
   * @return whether this call was the first
   */
  public boolean cancel(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (!this.reason.compareAndSet(null, reason)) {
      return false;
    }
    for (Runnable action : actions) {
      runQuietly(action);
    }
    return true;
  }

  /** Whether {@link #cancel(String)} was called. */
  public boolean isCancelled() {
    return reason.get() != null;
  }

  /** Why the run was cancelled, once it was. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason.get());
  }

  /**
   * Runs {@code action} once on cancellation, on the cancelling thread, or at once when already
   * cancelled; closing the registration forgets it. For waking the run thread, never for blocking
   * work.
   */
  public Registration onCancel(Runnable action) {
    Objects.requireNonNull(action, "action");
    actions.add(action);
    // Cancelled between the check and add, or before: make sure the action still runs (it may run
    // twice, which the waking actions it is meant for tolerate).
    if (isCancelled()) {
      runQuietly(action);
    }
    return () -> actions.remove(action);
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      // A wake-up that failed must not keep the other registrations from running.
    }
  }

  /** An {@link #onCancel(Runnable)} registration; closing it never throws. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
