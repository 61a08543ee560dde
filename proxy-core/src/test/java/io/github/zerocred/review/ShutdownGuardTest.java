package io.github.zerocred.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Maven goal's cancellation on JVM shutdown, run on the hook's own thread. */
class ShutdownGuardTest {
  @Test
  void hook_cancelsTheReview_andHoldsTheShutdownUntilTheGuardIsClosed() throws Exception {
    ShutdownGuard guard = new ShutdownGuard("Maven was stopped", Duration.ofMinutes(5));
    Thread hook = guard.hook();

    hook.start();
    hook.join(300);

    assertThat(guard.cancellation().reason()).contains("Maven was stopped");
    assertThat(hook.isAlive()).as("holds the shutdown while the files are written").isTrue();
    guard.close();
    hook.join(10_000);
    assertThat(hook.isAlive()).isFalse();
  }

  @Test
  void hook_holdsTheShutdownOnlyForItsGrace_whenTheReviewNeverReports() throws Exception {
    ShutdownGuard guard = new ShutdownGuard("Maven was stopped", Duration.ofMillis(50));
    Thread hook = guard.hook();

    hook.start();
    hook.join(10_000);

    assertThat(hook.isAlive()).isFalse();
    assertThat(guard.cancellation().isCancelled()).isTrue();
  }

  @Test
  void install_registersTheHook_andClose_removesIt() {
    ShutdownGuard closed = ShutdownGuard.install("stopped");
    closed.close();
    assertThat(Runtime.getRuntime().removeShutdownHook(closed.hook())).isFalse();
    assertThat(closed.cancellation().isCancelled()).isFalse();

    ShutdownGuard open = ShutdownGuard.install("stopped");
    assertThat(Runtime.getRuntime().removeShutdownHook(open.hook())).isTrue();
    open.close();
  }
}
