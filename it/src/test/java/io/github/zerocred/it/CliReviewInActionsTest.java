package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.RunnerLog;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.File;
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
 * {@code zerocred review} in a workflow's {@code run:} step ({@code GITHUB_ACTIONS=true}): the
 * runner reads its stdout and stderr for workflow commands, and the review printed there is
 * Claude's text. The real jar, the real Claude Code CLI in the runner image, a stand-in API that
 * makes the agent print commands.
 */
class CliReviewInActionsTest {
  @TempDir Path dir;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();

  @Test
  void reviewFullOfWorkflowCommands_isPrintedInert_onStdoutAndStderr() throws Exception {
    String token = RunFixture.newOauthToken();
    String review = RunnerLog.FORGED;
    Path workspace = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(workspace.resolve("A.java"), "class A {}\n");
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(token)
            .script(
                Reply.toolUse(
                    "Bash",
                    "{\"command\": \"printf '::error::from bash\\\\n##[add-mask]x\\\\n'\"}"),
                Reply.text(review))
            .defaultReply(Reply.text(review))
            .start()) {
      Path ca = standIn.writeCaPem(dir.resolve("ca.pem"));
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar().toString(),
                  "review",
                  "--workspace",
                  workspace.toString(),
                  "--prompt",
                  "Review the change.",
                  "--image",
                  TestDocker.image(),
                  "--timeout",
                  "3m",
                  "--route",
                  StandInAnthropicApi.API_HOST
                      + "="
                      + standIn.address().getAddress().getHostAddress()
                      + ":"
                      + standIn.address().getPort(),
                  "--upstream-ca",
                  ca.toString(),
                  "--output-dir",
                  workspace.resolve("zerocred-output").toString()));
      Path stdout = dir.resolve("stdout");
      Path stderr = dir.resolve("stderr");
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().put("CLAUDE_CODE_OAUTH_TOKEN", token);
      pb.environment().put("GITHUB_ACTIONS", "true");
      Process p = pb.start();
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("zerocred review finished").isTrue();
      String out = Files.readString(stdout, StandardCharsets.UTF_8);
      String err = Files.readString(stderr, StandardCharsets.UTF_8);

      assertThat(p.exitValue()).as(out + err).isZero();
      List<RunnerLog.Command> commands = RunnerLog.commands(out + "\n" + err);
      assertThat(commands)
          .extracting(RunnerLog.Command::name)
          .hasSize(2)
          .first()
          .isEqualTo("stop-commands");
      assertThat(commands.get(1).name()).isEqualTo(commands.get(0).data());
      // The review itself is there, whole, between the two.
      assertThat(out).contains("::error::forged error\n").contains("##[warning]legacy form\n");
      assertThat(out + err).doesNotContain(token);
    }
  }

  private static Path jar() {
    Path jar = TestDocker.repositoryRoot().resolve("zerocred-action/target/zerocred.jar");
    assertThat(jar).as("build through the reactor so zerocred-action is packaged").isRegularFile();
    return jar;
  }
}
