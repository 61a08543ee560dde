package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM stopped mid-run: SIGTERM tears the run down through the shutdown hook; SIGKILL leaves its
 * container, network and firewall rules, which the next run's sweep removes.
 */
class KilledRunSweepTest {
  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private Process child;

  @BeforeEach
  void workspace() throws IOException {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
  }

  @AfterEach
  void stopChild() {
    // Before the engine check, which runs after this.
    if (child != null) {
      child.destroyForcibly();
    }
  }

  @Test
  void sigtermedJvm_tearsItsRunDownInTheShutdownHook() throws Exception {
    child = startChild();
    String childRunId = awaitRunning(child);
    assertThat(engine.docker().labelledWithRun(childRunId)).hasSize(2);

    child.destroy(); // SIGTERM, as Ctrl-C or a CI cancel sends
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(engine.docker().labelledWithRun(childRunId)).as("left after SIGTERM").isEmpty();
    assertThat(TestDocker.hostInputRules()).doesNotContain("zerocred-run=" + childRunId);
  }

  @Test
  void sigkilledJvm_leavesDebris_thatTheNextRunSweeps() throws Exception {
    child = startChild();
    String childRunId = awaitRunning(child);

    assertThat(engine.docker().labelledWithRun(childRunId))
        .as("the child's run is in progress")
        .anyMatch(s -> s.startsWith("container "))
        .anyMatch(s -> s.startsWith("network "));

    child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).isEqualTo(137);
    List<String> debris = engine.docker().labelledWithRun(childRunId);
    assertThat(debris).as("what the killed JVM left").hasSize(2);
    assertThat(TestDocker.hostInputRules()).contains("zerocred-run=" + childRunId);

    RunFixture fixture = new RunFixture();
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(Reply.text("Nothing to do."))
            .start()) {
      RunResult next = ClaudeRun.execute(fixture.config(standIn, workspace).build());

      assertThat(next.outcome()).as(next.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      assertThat(fixture.events(RunEvent.Swept.class))
          .singleElement()
          .satisfies(
              swept -> {
                assertThat(swept.containers()).isGreaterThanOrEqualTo(1);
                assertThat(swept.networks()).isGreaterThanOrEqualTo(1);
              });
      assertThat(engine.docker().labelledWithRun(childRunId))
          .as("after the next run's sweep")
          .isEmpty();
      assertThat(TestDocker.hostInputRules()).doesNotContain("zerocred-run=" + childRunId);
    }
  }

  private Process startChild() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ChildRun.class.getName(),
                TestDocker.image(),
                workspace.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("CHILD_RUN_TOKEN", RunFixture.newOauthToken());
    return pb.start();
  }

  /** Reads the child's stdout until it says its run is busy in the container. */
  private static String awaitRunning(Process process) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> line =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                  if (l.startsWith("RUNNING ")) {
                    return l.substring("RUNNING ".length()).strip();
                  }
                }
                return null;
              } catch (IOException e) {
                return null;
              }
            });
    String runId = line.get(90, TimeUnit.SECONDS);
    if (runId == null) {
      throw new AssertionError("the child JVM exited without starting its run");
    }
    return runId;
  }
}
