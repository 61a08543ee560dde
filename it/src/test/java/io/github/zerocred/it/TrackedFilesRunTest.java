package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import io.github.zerocred.workspace.WorkspaceFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkout with files a workflow wrote beside it (a cloud credential in an untracked {@code
 * secrets/}, build output in {@code target/}): by default the agent, listing the workspace with its
 * real Bash tool in the container, sees only what git tracks (as edited on disk) and {@code .git};
 * with {@code workspaceFiles} all it sees everything.
 */
class TrackedFilesRunTest {
  private static final String LIST =
      "{\"command\": \"find . -path ./.git -prune -o -type f -print | sort; test -f .git/HEAD"
          + " && echo GIT-PRESENT; cat src/App.java\", \"description\": \"List the workspace\"}";

  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final RunFixture fixture = new RunFixture();

  @Test
  void byDefault_theContainerHoldsOnlyTrackedFilesAndGit_notUntrackedSecretsOrBuildOutput()
      throws Exception {
    checkoutWithLeftovers();

    String listing = listInContainer(null);

    assertThat(listing)
        .contains("./README.md", "./src/App.java", "GIT-PRESENT", "edited after the commit")
        .doesNotContain("secrets/cloud.json")
        .doesNotContain("not for the agent")
        .doesNotContain("target/")
        .doesNotContain("notes.txt");
    assertThat(fixture.events(RunEvent.Warning.class))
        .extracting(RunEvent.Warning::message)
        .noneMatch(m -> m.contains("copying every file"));
  }

  @Test
  void withAll_theContainerHoldsEveryFile() throws Exception {
    checkoutWithLeftovers();

    String listing = listInContainer(WorkspaceFiles.ALL);

    assertThat(listing)
        .contains("./README.md", "./src/App.java", "GIT-PRESENT")
        .contains("./secrets/cloud.json", "./target/classes/App.class", "./notes.txt");
  }

  private String listInContainer(WorkspaceFiles files) throws IOException {
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(
                Reply.toolUse("Bash", LIST),
                Reply.dynamic(
                    request ->
                        Reply.text("Listing: " + request.lastToolResultContent().orElse("(none)"))))
            .start()) {
      var config = fixture.config(standIn, workspace);
      if (files != null) {
        config.workspaceFiles(files);
      }
      RunResult result = ClaudeRun.execute(config.build());

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
      return result.resultText();
    }
  }

  /** A committed project, an uncommitted edit, and what a workflow's earlier steps left. */
  private void checkoutWithLeftovers() throws IOException {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    Files.createDirectories(workspace.resolve("src"));
    Files.writeString(workspace.resolve("src/App.java"), "class App {}\n");
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "initial");
    Files.writeString(
        workspace.resolve("src/App.java"), "class App {} // edited after the commit\n");
    Files.createDirectories(workspace.resolve("secrets"));
    Files.writeString(workspace.resolve("secrets/cloud.json"), "{\"key\": \"not for the agent\"}");
    Files.createDirectories(workspace.resolve("target/classes"));
    Files.writeString(workspace.resolve("target/classes/App.class"), "compiled");
    Files.writeString(workspace.resolve("notes.txt"), "untracked");
  }

  private void git(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git", "-C", workspace.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
