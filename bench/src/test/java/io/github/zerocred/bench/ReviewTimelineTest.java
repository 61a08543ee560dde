package io.github.zerocred.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReviewTimelineTest {
  @Test
  void progressLines_giveTheStartTheStepsAndWhatCameBeforeTheRun() {
    ReviewTimeline t = new ReviewTimeline();
    t.line("[zerocred] run r: Claude Code started in img:1", 2500);
    t.line("[zerocred] set-up steps (ms): engine 80, copy-in 40, set-up 900", 2501);
    t.line("[INFO] Claude Code ran for 1200 ms; teardown took 300 ms", 3800);
    t.endMs = 4000;

    assertThat(t.startedMs).isEqualTo(2500);
    assertThat(t.steps)
        .containsEntry("engine", 80.0)
        .containsEntry("copy-in", 40.0)
        .containsEntry("set-up", 900.0)
        .containsEntry("Claude Code", 1200.0)
        .containsEntry("teardown", 300.0);
    assertThat(t.beforeRunMs()).isEqualTo(1600);
    assertThat(t.frontEndMs).isEqualTo(2500);
    assertThat(t.overheadMs()).isEqualTo(2800);
  }

  @Test
  void aFrontEndWithoutStepLines_hasNoBreakdown() {
    ReviewTimeline t = new ReviewTimeline();
    t.line("run r: Claude Code started in img:1", 2500);
    t.endMs = 4000;

    assertThat(t.steps).isEmpty();
    assertThat(t.beforeRunMs()).isNaN();
    assertThat(t.overheadMs()).isNaN();
  }

  @Test
  void maven_theGoalsHeaderMarksWhereMavenHandsOver() {
    ReviewTimeline t = new ReviewTimeline();
    t.line("[INFO] Scanning for projects...", 900);
    t.line("[INFO] --- zerocred:0.1.0-SNAPSHOT:review (default-cli) @ sample-project ---", 3100);
    t.line("[INFO] run r: Claude Code started in img:1", 5000);

    assertThat(t.frontEndMs).isEqualTo(3100);
    assertThat(t.startedMs).isEqualTo(5000);
  }
}
