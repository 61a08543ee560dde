package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.run.RunEvent.Phase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunTimerTest {
  private final List<RunEvent> events = new ArrayList<>();
  private final RunTimer timer = new RunTimer("r", events::add);

  @Test
  void timedSteps_reportTheirPhaseAndTime_andTheSetUpCountsFromTheFirst() throws Exception {
    String value = timer.timed(Phase.ENGINE, () -> "engine");
    timer.timed(Phase.IMAGE, () -> sleep(20));
    timer.since(Phase.SET_UP, timer.firstStart());

    assertThat(value).isEqualTo("engine");
    assertThat(events)
        .extracting(e -> ((RunEvent.Timed) e).phase())
        .containsExactly(Phase.ENGINE, Phase.IMAGE, Phase.SET_UP);
    RunEvent.Timed image = (RunEvent.Timed) events.get(1);
    RunEvent.Timed setUp = (RunEvent.Timed) events.get(2);
    assertThat(image.took().toMillis()).isGreaterThanOrEqualTo(20);
    assertThat(setUp.took()).isGreaterThanOrEqualTo(image.took());
    assertThat(events).allSatisfy(e -> assertThat(e.runId()).isEqualTo("r"));
  }

  @Test
  void aFailingStep_reportsNothing() {
    assertThatThrownBy(
            () ->
                timer.timed(
                    Phase.NETWORK,
                    () -> {
                      throw new IllegalStateException("no network");
                    }))
        .hasMessage("no network");

    assertThat(events).isEmpty();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
