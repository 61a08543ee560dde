package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerTest {
  private final Owner self = Owner.current();

  @Test
  void labels_roundTrip() {
    Map<String, String> labels = self.labels("run-1");

    assertThat(labels)
        .containsEntry("zerocred.managed", "true")
        .containsEntry("zerocred.run", "run-1");
    assertThat(Owner.fromLabels(labels)).contains(self);
  }

  @Test
  void thisJvm_isNotGone_butADeadPidOrAReusedPidIs() {
    assertThat(self.isGoneSeenFrom(self)).isFalse();
    assertThat(new Owner(self.host(), self.pid(), self.startMillis() - 60_000).isGoneSeenFrom(self))
        .as("same pid, other start time: a reused pid")
        .isTrue();
    assertThat(new Owner(self.host(), Integer.MAX_VALUE - 7, 0).isGoneSeenFrom(self)).isTrue();
  }

  @Test
  void ownersOnOtherHosts_areNeverJudged() {
    assertThat(new Owner("another-host", Integer.MAX_VALUE - 7, 0).isGoneSeenFrom(self)).isFalse();
  }

  @Test
  void labelsWithoutAnOwner_areLeftAlone() {
    assertThat(Owner.fromLabels(Map.of("zerocred.managed", "true"))).isEmpty();
    assertThat(Owner.fromLabels(Map.of())).isEmpty();
  }
}
