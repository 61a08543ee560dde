package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.LogConfig;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent can take from the host: disk (home, /tmp, its log) and the host JVM's memory and
 * attention (a flood of huge ids on stdout; a failure while reading its output).
 */
class ContainerResourcesTest {
  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final RunFixture fixture = new RunFixture();
  private Process child;

  @AfterEach
  void stopChild() {
    if (child != null) {
      child.destroyForcibly();
    }
  }

  @Test
  void writingMoreThanTheLimitIntoHomeAndTmp_fails_andTheLogIsRotated() throws Exception {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    // 1 GiB of memory: home and /tmp hold 256 MiB each. The log gets 80 MiB of output.
    String fill =
        // The report goes to the workspace: Claude Code itself keeps tool output under /tmp.
        "{ dd if=/dev/zero of=/tmp/fill bs=1M count=400;"
            + " dd if=/dev/zero of=$HOME/fill bs=1M count=400;"
            + " du -sm /tmp/fill $HOME/fill; } > /workspace/fill.log 2>&1;"
            + " rm -f /tmp/fill $HOME/fill; cat /workspace/fill.log;"
            + " { head -c 83886080 /dev/zero | tr '\\\\0' x | fold -w 8192; echo; } > /proc/1/fd/1;"
            + " echo wrote the log";
    CompletableFuture<RunResult> run = null;
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(
                Reply.toolUse(
                    "Bash", "{\"command\": \"" + fill + "\", \"description\": \"Fill the disk\"}"),
                Reply.dynamic(
                    request ->
                        Reply.text("Got: " + request.lastToolResultContent().orElse("(none)"))))
            .start()) {
      run =
          CompletableFuture.supplyAsync(
              () -> ClaudeRun.execute(fixture.config(standIn, workspace).build()));
      String id = fixture.awaitStarted(run).containerId();
      InspectContainerResponse inspected = engine.docker().client().inspectContainerCmd(id).exec();
      LogConfig log = inspected.getHostConfig().getLogConfig();
      assertThat(log.getType().getType()).isEqualTo("json-file");
      assertThat(log.getConfig()).containsEntry("max-size", "16m").containsEntry("max-file", "4");
      assertThat(inspected.getHostConfig().getTmpFs())
          .containsKeys("/home/claude", "/tmp", "/var/tmp");
      assertThat(inspected.getHostConfig().getTmpFs().get("/home/claude"))
          .contains("size=268435456")
          .contains("uid=1000");

      // While the agent works: its log on the host never outgrows the rotation's bound.
      Path logPath = Path.of(inspected.getLogPath());
      long mostLogBytes = 0;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!run.isDone() && System.nanoTime() < deadline) {
        mostLogBytes = Math.max(mostLogBytes, logBytes(logPath));
        Thread.sleep(100);
      }
      RunResult result = run.get(10, TimeUnit.SECONDS);
      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      assertThat(toolSaid(standIn, "wrote the log")).isTrue();
      assertThat(mostLogBytes)
          .as("log bytes on the host")
          .isGreaterThan(16L * 1024 * 1024)
          .isLessThanOrEqualTo(4L * 17 * 1024 * 1024);
      assertThat(result.resultText())
          .containsPattern("error writing '/tmp/fill': No space left on device")
          .containsPattern("error writing '/home/claude/fill': No space left on device")
          .containsPattern("(?m)^2[0-5][0-9]\t/tmp/fill$")
          .containsPattern("(?m)^2[0-5][0-9]\t/home/claude/fill$");
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    } finally {
      RunFixture.stop(run, engine.docker());
    }
  }

  @Test
  void anErrorWhileReadingTheOutput_failsTheRunAtOnce() throws Exception {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(
                Reply.toolUse(
                    "Bash",
                    "{\"command\": \"timeout 120 tail -f /dev/null\", \"description\": \"Wait\"}"),
                Reply.text("Finished waiting."))
            .start()) {
      Instant start = Instant.now();
      // The listener runs on the log thread: an Error there is what a full heap throws.
      RunResult result =
          ClaudeRun.execute(
              fixture
                  .config(standIn, workspace)
                  .listener(
                      event -> {
                        fixture.events.add(event);
                        if (event instanceof RunEvent.ToolUsed) {
                          throw new OutOfMemoryError("Java heap space (thrown by the test)");
                        }
                      })
                  .build());

      assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(60));
      assertThat(result.outcome()).isEqualTo(RunResult.Outcome.INFRASTRUCTURE_FAILURE);
      assertThat(result.message())
          .contains("failed while reading Claude Code's output")
          .contains("OutOfMemoryError");
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void aFloodOfHugeUniqueIds_underASmallHeap_neitherExhaustsNorHangsTheRun() throws Exception {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-Xmx160m",
                "-cp",
                System.getProperty("java.class.path"),
                FloodRun.class.getName(),
                TestDocker.image(),
                workspace.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("CHILD_RUN_TOKEN", RunFixture.newOauthToken());
    child = pb.start();
    CompletableFuture<List<String>> lines =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                return out.lines().toList();
              } catch (IOException e) {
                return List.of("read failed: " + e);
              }
            });
    assertThat(child.waitFor(4, TimeUnit.MINUTES)).as("the child run ended").isTrue();
    List<String> out = lines.get(10, TimeUnit.SECONDS);
    assertThat(out).as("the child's output").contains("OUTCOME SUCCESS");
    // Before the ids were bounded, 60 of them (180 MB) filled this heap and the run hung.
    assertThat(out).anyMatch(l -> l.startsWith("TURNS ") && Integer.parseInt(l.substring(6)) > 60);
    assertThat(child.exitValue()).isZero();
  }

  /** The bytes of a container's json-file log and its rotated files; 0 once they are gone. */
  private static long logBytes(Path logPath) {
    long bytes = 0;
    try (var files = Files.list(logPath.getParent())) {
      for (Path p : files.toList()) {
        if (p.getFileName().toString().startsWith(logPath.getFileName().toString())) {
          bytes += Files.size(p);
        }
      }
    } catch (IOException e) {
      // Rotated or removed while listing: the next poll reads it again.
    }
    return bytes;
  }

  private static boolean toolSaid(StandInAnthropicApi standIn, String text) {
    return standIn.mainConversationRequests().stream()
        .anyMatch(r -> r.lastToolResultContent().orElse("").contains(text));
  }
}
