package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SandboxedRunTest} under gVisor ({@code runsc}): Claude Code's native binary, the copied-in
 * workspace and a read-only bind mount work there with the same results; and a runtime the engine
 * does not know is refused before anything is created, saying how to register it.
 */
class GVisorSandboxedRunTest extends SandboxedRunTest {
  @BeforeAll
  static void gvisor() throws Exception {
    GVisor.requireRegistered();
  }

  @Override
  String runtime() {
    return GVisor.RUNTIME;
  }

  @Test
  void aRuntimeTheEngineDoesNotKnow_failsTheRunBeforeAnythingIsCreated_sayingHowToRegisterIt()
      throws Exception {
    Files.writeString(workspace.resolve("README.md"), "hello\n");
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder().expectToken(fixture.realToken).start()) {
      RunResult result =
          ClaudeRun.execute(
              fixture.config(standIn, workspace).runtime("zerocred-no-such-runtime").build());

      assertThat(result.outcome()).isEqualTo(RunResult.Outcome.INFRASTRUCTURE_FAILURE);
      assertThat(result.message())
          .contains("has no container runtime named 'zerocred-no-such-runtime'")
          .contains("runsc")
          .contains("daemon.json");
      assertThat(fixture.events(RunEvent.Started.class)).isEmpty();
      assertThat(standIn.requests()).isEmpty();
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }
}
