package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SideStepTest {
  @Test
  void join_givesTheStepsResult_fromItsOwnThread() {
    try (SideStep<String> step =
        SideStep.start("test-step", () -> Thread.currentThread().getName())) {
      assertThat(step.join()).isEqualTo("test-step");
    }
  }

  @Test
  void join_throwsWhatTheStepThrew_asItWas() {
    try (SideStep<String> step =
        SideStep.start(
            "test-step",
            () -> {
              throw new InvalidConfigurationException("a secret in the workspace");
            })) {
      assertThatThrownBy(step::join)
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage("a secret in the workspace");
    }
  }

  @Test
  void close_waitsForAStepThatWasNeverJoined() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    SideStep<Void> step =
        SideStep.start(
            "test-step",
            () -> {
              started.countDown();
              long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
              while (System.nanoTime() < end) {
                Thread.onSpinWait();
              }
              finished.set(true);
              return null;
            });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    // As when the run fails elsewhere first: closing must not leave the step running.
    step.close();

    assertThat(finished).isTrue();
  }
}
