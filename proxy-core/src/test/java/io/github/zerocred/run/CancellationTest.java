package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cancel handle the front ends hand a run: first reason wins, wake-ups run once. */
class CancellationTest {

  @Test
  void cancel_firstReasonWins_andASecondCancelChangesNothing() {
    Cancellation cancellation = Cancellation.create();
    assertThat(cancellation.isCancelled()).isFalse();
    assertThat(cancellation.reason()).isEmpty();

    assertThat(cancellation.cancel("SIGINT")).isTrue();
    assertThat(cancellation.cancel("SIGTERM"))
        .as("a second Ctrl-C, then the CI's SIGTERM")
        .isFalse();

    assertThat(cancellation.isCancelled()).isTrue();
    assertThat(cancellation.reason()).contains("SIGINT");
  }

  @Test
  void onCancel_runsOnceOnTheCancellingThread_andNotAfterItsRegistrationIsClosed() {
    Cancellation cancellation = Cancellation.create();
    AtomicInteger kept = new AtomicInteger();
    AtomicInteger forgotten = new AtomicInteger();
    cancellation.onCancel(kept::incrementAndGet);
    cancellation.onCancel(forgotten::incrementAndGet).close();

    cancellation.cancel("SIGTERM");
    cancellation.cancel("SIGTERM");

    assertThat(kept).hasValue(1);
    assertThat(forgotten).hasValue(0);
  }

  @Test
  void onCancel_afterTheCancellation_runsAtOnce_soALateRunStillWakes() {
    Cancellation cancellation = Cancellation.create();
    cancellation.cancel("SIGINT");
    AtomicInteger woken = new AtomicInteger();

    try (Cancellation.Registration registration = cancellation.onCancel(woken::incrementAndGet)) {
      assertThat(woken).hasValue(1);
    }
  }

  @Test
  void onCancel_aFailingAction_doesNotKeepTheOthersFromRunning() {
    Cancellation cancellation = Cancellation.create();
    AtomicInteger woken = new AtomicInteger();
    cancellation.onCancel(
        () -> {
          throw new IllegalStateException("a broken wake-up");
        });
    cancellation.onCancel(woken::incrementAndGet);

    assertThat(cancellation.cancel("SIGINT")).isTrue();
    assertThat(woken).hasValue(1);
  }
}
