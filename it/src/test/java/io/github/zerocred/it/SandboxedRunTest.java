package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.Cancellation;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.TeardownPending;
import io.github.zerocred.testkit.MessagesRequest;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real Claude Code CLI, in the runner image, on the real engine, against the stand-in API. */
class SandboxedRunTest {
  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  final RunFixture fixture = new RunFixture(runtime());

  /** The container runtime under test: the engine's default here, gVisor in a subclass. */
  String runtime() {
    return null;
  }

  @Test
  void twoTurnConversation_readsTheWorkspace_andTheApiSeesOnlyTheRealToken() throws IOException {
    String secretSentence = "The launch code is " + Long.toHexString(System.nanoTime()) + ".";
    Files.writeString(workspace.resolve("NOTES.md"), "# Notes\n" + secretSentence + "\n");
    Files.createDirectories(workspace.resolve("src/deep"));
    Files.writeString(workspace.resolve("src/deep/Main.java"), "class Main {}\n");

    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(
                Reply.toolUse("Read", "{\"file_path\": \"/workspace/NOTES.md\"}"),
                Reply.dynamic(
                    request ->
                        Reply.text(
                            "The notes say: "
                                + request.lastToolResultContent().orElse("(no tool result)"))))
            .start()) {

      RunResult result = ClaudeRun.execute(fixture.config(standIn, workspace).build());

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      assertThat(result.isError()).isFalse();
      assertThat(result.resultText()).contains("The notes say:").contains(secretSentence);
      assertThat(result.numTurns()).isGreaterThanOrEqualTo(2);
      assertThat(result.sessionId()).isPresent();
      assertThat(result.rawResultJson()).get().asString().contains("\"type\":\"result\"");
      assertThat(result.usage().outputTokens()).isPositive();

      // The tool_result the CLI sent back held the file, read inside the container.
      assertThat(standIn.mainConversationRequests()).hasSizeGreaterThanOrEqualTo(2);
      MessagesRequest second = standIn.mainConversationRequests().get(1);
      assertThat(second.lastToolResultContent()).get().asString().contains(secretSentence);

      // Every request carried the real token (the proxy injected it); none the placeholder.
      assertThat(standIn.requests()).isNotEmpty();
      for (RecordedRequest r : standIn.requests()) {
        assertThat(r.header("authorization")).isEqualTo("Bearer " + fixture.realToken);
        assertThat(r.headers().toString()).doesNotContain("zerocred_placeholder_");
        assertThat(r.bodyAsString()).doesNotContain("zerocred_placeholder_");
      }
      assertThat(result.toString()).doesNotContain(fixture.realToken);
      assertThat(fixture.events.toString()).doesNotContain(fixture.realToken);

      assertThat(fixture.events(RunEvent.Started.class)).hasSize(1);
      assertThat(fixture.events(RunEvent.ToolUsed.class))
          .extracting(RunEvent.ToolUsed::tool)
          .contains("Read");
      assertThat(fixture.events(RunEvent.Turn.class)).hasSizeGreaterThanOrEqualTo(2);
      assertThat(fixture.events(RunEvent.Finished.class)).hasSize(1);
      // Every step is timed once; the front ends print them. The sweep and the workspace archive
      // run beside the others (the archive done before the network, the sweep before the start),
      // the rest in order.
      List<RunEvent.Phase> timed =
          fixture.events(RunEvent.Timed.class).stream().map(RunEvent.Timed::phase).toList();
      assertThat(timed).containsExactlyInAnyOrder(RunEvent.Phase.values());
      List<RunEvent.Phase> beside = List.of(RunEvent.Phase.SWEEP, RunEvent.Phase.WORKSPACE);
      assertThat(timed.stream().filter(p -> !beside.contains(p)))
          .containsExactlyElementsOf(
              Stream.of(RunEvent.Phase.values()).filter(p -> !beside.contains(p)).toList());
      assertThat(timed.indexOf(RunEvent.Phase.WORKSPACE))
          .isLessThan(timed.indexOf(RunEvent.Phase.NETWORK));
      assertThat(timed.indexOf(RunEvent.Phase.SWEEP))
          .isLessThan(timed.indexOf(RunEvent.Phase.START));
      assertThat(fixture.events(RunEvent.Timed.class))
          .allSatisfy(t -> assertThat(t.took()).isPositive());
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void bindMountedWorkspace_isReadOnlyAndVisible() throws IOException {
    Files.writeString(workspace.resolve("NOTES.md"), "Mounted, not copied.\n");
    // A bind mount keeps the host's owners: uid 1000 in the container reads it as "others".
    // Writable for everyone, so that only the read-only mount can refuse the write (gVisor checks
    // permissions before the mount, and would otherwise say "Permission denied").
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(
        workspace.resolve("NOTES.md"), PosixFilePermissions.fromString("rw-r--r--"));
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(
                Reply.toolUse(
                    "Bash",
                    "{\"command\": \"cat /workspace/NOTES.md; touch /workspace/new 2>&1 || true\","
                        + " \"description\": \"Read and try to write\"}"),
                Reply.dynamic(
                    request ->
                        Reply.text("Saw: " + request.lastToolResultContent().orElse("(none)"))))
            .start()) {
      RunResult result =
          ClaudeRun.execute(fixture.config(standIn, workspace).bindMountWorkspace(true).build());

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      assertThat(result.resultText())
          .contains("Mounted, not copied.")
          .contains("Read-only file system");
      assertThat(workspace.resolve("new")).doesNotExist();
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void handingOver_givesTheResultBeforeTheTeardownEnds_andClosingLeavesNothingBehind()
      throws Exception {
    Files.writeString(workspace.resolve("A.java"), "class A {}\n");
    CountDownLatch teardownMayEnd = new CountDownLatch(1);
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .defaultReply(Reply.text("Looks fine."))
            .start()) {
      RunConfig config =
          fixture
              .config(standIn, workspace)
              .listener(
                  event -> {
                    fixture.events.add(event);
                    // The run's thread reports the teardown's time when it is done: hold it there.
                    if (event instanceof RunEvent.Timed t && t.phase() == RunEvent.Phase.TEARDOWN) {
                      awaitQuietly(teardownMayEnd);
                    }
                  })
              .build();

      TeardownPending pending = ClaudeRun.executeHandingOver(config, Cancellation.create());
      RunResult result;
      try {
        result = pending.result();
        // The result is here while the run's thread has not finished its teardown.
        assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
        assertThat(result.resultText()).contains("Looks fine.");
        assertThat(result.proxyUsage()).isPresent();
        assertThat(pending.isDone()).isFalse();
      } finally {
        teardownMayEnd.countDown();
        pending.close();
      }

      assertThat(pending.isDone()).isTrue();
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
      assertThat(fixture.events(RunEvent.Finished.class)).hasSize(1);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
