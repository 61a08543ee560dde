package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each way a run can go wrong gives one clear message or outcome, and leaves nothing behind. */
class RunFailuresTest {
  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final RunFixture fixture = new RunFixture();

  @BeforeEach
  void workspace() throws IOException {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
  }

  @Test
  void timeout_killsTheContainer_andKeepsThePartialOutput() {
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(
                Reply.toolUse(
                    "Starting the long task.",
                    "Bash",
                    "{\"command\": \"timeout 600 tail -f /dev/null; echo never\","
                        + " \"description\": \"Work for a long time\"}"))
            .start()) {
      long t0 = System.nanoTime();
      RunResult result =
          ClaudeRun.execute(
              fixture.config(standIn, workspace).timeout(Duration.ofSeconds(15)).build());
      long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.TIMED_OUT);
      assertThat(result.message())
          .contains("did not finish within the timeout of 15 s")
          .contains("was stopped after 1 turn(s)");
      assertThat(result.partialOutput()).contains("Starting the long task.");
      assertThat(result.numTurns()).isEqualTo(1);
      assertThat(result.exitCode()).isEmpty();
      assertThat(seconds).as("seconds until the run returned").isLessThan(45);
      assertThat(fixture.events(RunEvent.ToolUsed.class)).hasSize(1);
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void claudeError_expiredToken_isAClaudeErrorWithTheApiMessage() {
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .failWith(StandInAnthropicApi.Failure.EXPIRED_OAUTH_TOKEN)
            .start()) {
      RunResult result = ClaudeRun.execute(fixture.config(standIn, workspace).build());

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.CLAUDE_ERROR);
      assertThat(result.isError()).isTrue();
      assertThat(result.message()).startsWith("Claude Code reported an error: ").contains("401");
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void missingImage_saysHowToBuildIt() {
    try (StandInAnthropicApi standIn = StandInAnthropicApi.builder().start()) {
      RunResult result =
          ClaudeRun.execute(
              fixture.config(standIn, workspace).image("zerocred-no-such-image:0.0.0").build());

      assertThat(result.outcome()).isEqualTo(RunResult.Outcome.INFRASTRUCTURE_FAILURE);
      assertThat(result.message())
          .startsWith("The image zerocred-no-such-image:0.0.0 is not on the Docker engine at ")
          .contains("leave the image unset and zerocred builds its own runner image");
      assertThat(standIn.requests()).isEmpty();
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void unreachableEngine_overTcp_saysHowToStartOne() {
    assertUnreachable("tcp://127.0.0.1:1");
  }

  @Test
  void unreachableEngine_overAMissingSocket_saysHowToStartOne() {
    assertUnreachable("unix:///nonexistent/zerocred-test/docker.sock");
  }

  private void assertUnreachable(String dockerHost) {
    try (StandInAnthropicApi standIn = StandInAnthropicApi.builder().start()) {
      RunResult result =
          ClaudeRun.execute(fixture.config(standIn, workspace).dockerHost(dockerHost).build());

      assertThat(result.outcome()).isEqualTo(RunResult.Outcome.INFRASTRUCTURE_FAILURE);
      assertThat(result.message())
          .startsWith("Cannot reach a Docker engine at " + dockerHost)
          .endsWith(
              ": start one (e.g. `sudo dockerd &` or `systemctl start docker`) or set DOCKER_HOST");
      assertThat(fixture.events(RunEvent.Finished.class)).hasSize(1);
      assertThat(fixture.events(RunEvent.Started.class)).isEmpty();
    }
  }

  @Test
  void nonexistentWorkspace_isRejectedWhenTheConfigurationIsBuilt() {
    try (StandInAnthropicApi standIn = StandInAnthropicApi.builder().start()) {
      Path missing = workspace.resolve("no-such-checkout");
      RunConfig.Builder builder = fixture.config(standIn, missing);

      assertThatThrownBy(builder::build)
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessage(
              "workspace " + missing + " does not exist: point it at the checked-out repository");
    }
  }

  @Test
  void workspaceRemovedBeforeTheRun_isAConfigurationErrorAndLeavesNothing() throws IOException {
    Path checkout = Files.createDirectory(workspace.resolve("checkout"));
    try (StandInAnthropicApi standIn = StandInAnthropicApi.builder().start()) {
      RunConfig config = fixture.config(standIn, checkout).build();
      Files.delete(checkout);

      assertThatThrownBy(() -> ClaudeRun.execute(config))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("workspace " + checkout + " cannot be read");
    }
  }
}
