package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signal tests' own guard: it notices an ignored SIGINT, and the wrapper undoes one. */
class SignalledProcessTest {
  @TempDir Path work;

  @Test
  void aChildThatIgnoresSigint_failsTheCheck_soASignalTestCannotPassVacuously() {
    try (SignalledProcess child =
        SignalledProcess.start(
            "sigint-ignoring shell",
            List.of("bash", "-c", "trap '' INT; echo started; exec sleep 30"),
            Map.of(),
            work,
            work)) {
      child.awaitLine("started", Duration.ofSeconds(10));
      SignalledProcess.sleep(200); // until the exec

      assertThatThrownBy(child::assertSignalsReachTheProgram)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("ignored by the child");
    }
  }

  @Test
  void theWrapper_restoresSigint_thatTheParentIgnored() throws Exception {
    // The parent ignores SIGINT, as a background job of a non-interactive shell does; what it
    // starts directly inherits that, what it starts through the wrapper does not.
    Process inherited = new ProcessBuilder("bash", "-c", "trap '' INT; exec sleep 30").start();
    Process wrapped =
        new ProcessBuilder(
                "bash", "-c", "trap '' INT; exec setsid env --default-signal=INT,TERM sleep 30")
            .start();
    try {
      SignalledProcess.sleep(500);

      assertThat(
              SignalledProcess.signalMask(inherited.pid(), "SigIgn:") & SignalledProcess.SIGINT_BIT)
          .isNotZero();
      assertThat(
              SignalledProcess.signalMask(wrapped.pid(), "SigIgn:") & SignalledProcess.SIGINT_BIT)
          .isZero();
    } finally {
      inherited.destroyForcibly();
      wrapped.destroyForcibly();
    }
  }
}
