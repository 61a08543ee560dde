package io.github.zerocred.github;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.review.ProgressLines;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.testkit.RunnerLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Everything the container writes — the model name, tool names, session id, the review — reaches
 * the runner's log only as text: the runner acts on no command but the ones zerocred issues.
 */
class WorkflowCommandsTest {
  private static final String FORGED = RunnerLog.FORGED;

  private final StringWriter out = new StringWriter();
  private final WorkflowCommands wf =
      new WorkflowCommands(new PrintWriter(out), SecretScrubber.forSecrets(List.of()));

  @Test
  void progressLines_fromAHostileInitEvent_issueNoCommand() {
    ProgressLines progress = new ProgressLines(line -> wf.line("[zerocred] " + line));

    progress.onEvent(
        new RunEvent.SessionStarted("r", "s\r::error::forged", "x\n::notice title=forged::owned"));
    progress.onEvent(new RunEvent.SessionStarted("r", "s", "x\r\n##[add-mask]y"));
    progress.onEvent(new RunEvent.ToolUsed("r", 1, "Bash\r::set-output name=a::b"));
    progress.onEvent(new RunEvent.Warning("r", "claude said\n::error::boom ##[warning]w"));

    assertThat(RunnerLog.commands(out.toString())).isEmpty();
    for (String line : out.toString().split("\r\n|\r|\n")) {
      assertThat(line.stripLeading()).doesNotStartWith("::");
    }
  }

  @Test
  void plainLines_withAnything_issueNoCommand() {
    wf.line(FORGED);
    wf.line("::error::at the start");
    wf.line("   ::error::after blanks");

    assertThat(RunnerLog.commands(out.toString())).isEmpty();
  }

  @Test
  void commandData_cannotStartAnotherCommand() {
    wf.error("title\n::error::x", FORGED);
    wf.warning(FORGED);
    wf.notice(FORGED);
    wf.group(FORGED);

    assertThat(RunnerLog.commands(out.toString()))
        .extracting(RunnerLog.Command::name)
        .containsExactly("error", "warning", "notice", "group");
  }

  @Test
  void aReviewBlock_isPrintedAsIs_andInert() {
    wf.block("The review", FORGED);

    List<RunnerLog.Command> commands = RunnerLog.commands(out.toString());
    assertThat(commands)
        .extracting(RunnerLog.Command::name)
        .containsExactly("group", "stop-commands", commands.get(1).data(), "endgroup");
    assertThat(commands.get(1).data()).matches("zerocred-[0-9a-f]{32}");
    // The text itself is shown whole, line for line.
    assertThat(out.toString())
        .contains("::error::forged error\n")
        .contains("##[warning]legacy form\n");
  }

  @Test
  void eachBlock_hasItsOwnRandomToken() {
    wf.block(null, "a");
    wf.block(null, "b");

    List<RunnerLog.Command> commands = RunnerLog.commands(out.toString());
    assertThat(commands).hasSize(4);
    assertThat(commands.get(0).data()).isNotEqualTo(commands.get(2).data());
  }

  @Test
  void blocks_scrubSecrets() {
    StringWriter w = new StringWriter();
    String token = "ghs_" + "a".repeat(36);
    new WorkflowCommands(new PrintWriter(w), SecretScrubber.forSecrets(List.of(token)))
        .block(null, "the token is " + token);

    assertThat(w.toString()).doesNotContain(token).contains(SecretScrubber.REDACTED);
  }
}
