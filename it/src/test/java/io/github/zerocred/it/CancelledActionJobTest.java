package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled GitHub job, the way the runner cancels a container action: SIGINT to its {@code
 * docker run} process (actions/runner: src/Runner.Sdk/ProcessInvoker.cs sends SIGINT, waits 7.5 s,
 * sends SIGTERM, waits 2.5 s, then kills the process tree; Container/DockerCommandManager.cs starts
 * the action with {@code docker run --rm}). The docker CLI forwards the signal to the action's JVM,
 * PID 1 in its container; that must cancel the review and finish inside the SIGINT window.
 */
class CancelledActionJobTest {
  private static final Duration STOP_WITHIN = Duration.ofMillis(7_500);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private final String oauthToken = RunFixture.newOauthToken();
  private ActionJob job;
  private StandInAnthropicApi anthropic;

  @BeforeEach
  void job() throws Exception {
    job = new ActionJob(root);
    job.commit("src/Counter.java", "class Counter { int n; }\n", "a counter");
    job.event("{}");
    // Bound to the job network's gateway, where the action container reaches the host.
    anthropic =
        RunCancellationTest.busyStandIn(
            oauthToken, StandInAnthropicApi.builder().bind(new InetSocketAddress(job.gateway, 0)));
  }

  @AfterEach
  void close() throws Exception {
    anthropic.close();
    job.close();
  }

  @Test
  void jobCancelled_runnerSigintsDockerRun_actionExits130_conclusionCancelled_leavesNothing()
      throws Exception {
    anthropic.writeCaPem(job.home.resolve("stand-in-ca.pem"));
    ActionJob.Running action =
        job.start(
            Map.of(
                "claude_code_oauth_token",
                oauthToken,
                "image",
                TestDocker.image(),
                "comment_mode",
                "off",
                "timeout_minutes",
                "5"),
            Map.of(
                "GITHUB_EVENT_NAME", "workflow_dispatch",
                "ZEROCRED_ROUTES",
                    StandInAnthropicApi.API_HOST + "=" + job.gateway + ":" + anthropic.port(),
                "ZEROCRED_UPSTREAM_CA", "/github/home/stand-in-ca.pem"));
    try {
      action.docker.awaitLine("tool Bash", Duration.ofMinutes(3));
      action.docker.assertSignalsReachTheProgram();

      action.docker.sigint();

      assertThat(action.docker.awaitExit(STOP_WITHIN.plusSeconds(20)))
          .as("docker run's status is the action's: 128 + SIGINT")
          .isEqualTo(130);
      assertThat(action.docker.stopTime()).as("from SIGINT to exit").isLessThan(STOP_WITHIN);
      ActionJob.Result result = action.finish();
      assertThat(result.outputs()).containsEntry("conclusion", "cancelled");
      assertThat(result.summary()).contains("cancelled");
      assertThat(result.stdout()).anyMatch(l -> l.startsWith("::error title=Review cancelled::"));
      JsonNode review = JSON.readTree(job.workspace.resolve(".zerocred/review.json").toFile());
      assertThat(review.path("outcome").asText()).isEqualTo("CANCELLED");
      assertThat(review.path("message").asText()).startsWith("The run was cancelled (SIGINT)");
      assertThat(review.path("partialOutput").asText()).contains(RunCancellationTest.PREAMBLE);
      String runId = review.path("runId").asText();
      assertThat(job.docker.labelledWithRun(runId)).as("left by run " + runId).isEmpty();
      assertThat(job.containerGone(result.containerName())).as("the action container").isTrue();
    } finally {
      // A failed test must not leave the action container running into the next test.
      action.docker.close();
      if (!job.containerGone(action.containerName)) {
        job.docker.client().removeContainerCmd(action.containerName).withForce(true).exec();
      }
    }
  }
}
