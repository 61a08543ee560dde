package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGINT and SIGTERM as the CLI records them: the reason, the exit code, the proxy's stop. */
class StopSignalTest {

  @Test
  void sigint_cancelsTheReview_exits130_andALaterSigtermChangesNothing() throws Exception {
    StopSignal stop = StopSignal.manual();
    CompletableFuture<Void> proxyStops =
        CompletableFuture.runAsync(
            () -> {
              try {
                stop.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(stop.exitCode()).as("before any signal").isEqualTo(ExitCodes.RUNTIME_FAILURE);
    assertThat(stop.cancellation().isCancelled()).isFalse();

    stop.receive(StopSignal.SIGINT);
    stop.receive(StopSignal.SIGTERM);

    proxyStops.get(10, TimeUnit.SECONDS);
    assertThat(stop.exitCode()).isEqualTo(ExitCodes.INTERRUPTED);
    assertThat(stop.cancellation().reason()).contains("SIGINT");
  }

  @Test
  void sigterm_exits143() {
    StopSignal stop = StopSignal.manual();

    stop.receive(StopSignal.SIGTERM);

    assertThat(stop.exitCode()).isEqualTo(ExitCodes.TERMINATED);
    assertThat(stop.cancellation().reason()).contains("SIGTERM");
  }
}
