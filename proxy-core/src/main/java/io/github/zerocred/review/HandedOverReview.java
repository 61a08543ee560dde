package io.github.zerocred.review;

import io.github.zerocred.run.TeardownPending;
import java.util.Objects;

/**
 * A review's outcome, its files written, handed over while the run's sandbox is still being torn
 * down ({@link ReviewJob#runHandingOver}); {@link #close()} waits until it is gone. Close it on
 * every path, also when delivering the review fails: try-with-resources.
 *
 * @param outcome the review's outcome
 * @param teardown the run's pending teardown, or null when no run was started (the runner image
 *     could not be prepared)
 */
public record HandedOverReview(ReviewOutcome outcome, TeardownPending teardown)
    implements AutoCloseable {
  public HandedOverReview {
    Objects.requireNonNull(outcome, "outcome");
  }

  /** Waits until everything the run created is gone; never throws. */
  @Override
  public void close() {
    if (teardown != null) {
      teardown.close();
    }
  }
}
