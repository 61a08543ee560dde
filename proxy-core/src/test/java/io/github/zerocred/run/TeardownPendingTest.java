package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TeardownPendingTest {
  private static final RunResult HANDED = Results.failure("r", "handed over");
  private static final RunResult FINAL = Results.failure("r", "after the teardown");

  @Test
  void theResult_isHandedOverBeforeTheTeardown_andCloseWaitsForIt() throws Exception {
    CountDownLatch mayTearDown = new CountDownLatch(1);
    AtomicBoolean tornDown = new AtomicBoolean();

    TeardownPending pending =
        TeardownPending.start(
            "test-run",
            handOver -> {
              handOver.accept(HANDED);
              await(mayTearDown);
              tornDown.set(true);
              return FINAL;
            });

    // The caller has the result while the teardown has not even begun.
    assertThat(pending.result()).isSameAs(HANDED);
    assertThat(pending.isDone()).isFalse();
    mayTearDown.countDown();
    pending.close();
    assertThat(tornDown).isTrue();
    assertThat(pending.isDone()).isTrue();
  }

  @Test
  void aRunThatHandsNothingOver_givesItsFinalResult_afterItsTeardown() {
    AtomicBoolean tornDown = new AtomicBoolean();

    try (TeardownPending pending =
        TeardownPending.start(
            "test-run",
            handOver -> {
              tornDown.set(true);
              return FINAL;
            })) {
      assertThat(pending.result()).isSameAs(FINAL);
    }
    assertThat(tornDown).isTrue();
  }

  @Test
  void aRunThatThrows_throwsOnTheCallersThread_onceItsThreadHasEnded() {
    AtomicBoolean tornDown = new AtomicBoolean();
    Thread[] runThread = new Thread[1];

    assertThatThrownBy(
            () ->
                TeardownPending.start(
                    "test-run",
                    handOver -> {
                      runThread[0] = Thread.currentThread();
                      tornDown.set(true);
                      throw new InvalidConfigurationException("a secret in the workspace");
                    }))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("a secret in the workspace");
    assertThat(tornDown).isTrue();
    assertThat(runThread[0].isAlive()).isFalse();
  }

  @Test
  void anInterruptedCaller_passesTheInterruptOn_andStillGetsTheResult() {
    Thread.currentThread().interrupt();
    TeardownPending pending =
        TeardownPending.start(
            "test-run",
            handOver -> {
              // The run notices the interrupt as its own (it then kills the container).
              while (!Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
              }
              return FINAL;
            });
    try {
      assertThat(pending.result()).isSameAs(FINAL);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
      pending.close();
    }
  }

  @Test
  void close_keepsAnInterrupt_butStillWaitsForTheTeardown() {
    CountDownLatch handedOver = new CountDownLatch(1);
    AtomicBoolean tornDown = new AtomicBoolean();
    TeardownPending pending =
        TeardownPending.start(
            "test-run",
            handOver -> {
              handOver.accept(HANDED);
              handedOver.countDown();
              sleep(100);
              tornDown.set(true);
              return FINAL;
            });

    Thread.currentThread().interrupt();
    pending.close();

    assertThat(Thread.interrupted()).isTrue();
    assertThat(tornDown).isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void sleep(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        // Keeps sleeping: the test is about the caller's interrupt, not the run's.
      }
    }
  }
}
