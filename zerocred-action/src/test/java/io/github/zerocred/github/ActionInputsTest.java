package io.github.zerocred.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.zerocred.proxy.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The action's inputs, event parsing, workflow commands and failure diagnosis. */
class ActionInputsTest {
  @TempDir Path dir;

  @Test
  void inputs_areReadAsTheRunnerPassesThem_emptyMeaningUnset() {
    ActionInputs in =
        ActionInputs.from(
            Map.of(
                "INPUT_CLAUDE_CODE_OAUTH_TOKEN", "",
                "CLAUDE_CODE_OAUTH_TOKEN", "from-env",
                "INPUT_MAX_TURNS", "5",
                "INPUT_MAX_API_REQUESTS", "40",
                "INPUT_TIMEOUT_MINUTES", "7",
                "INPUT_ALLOWED_TOOLS", "Read,Bash(git diff *)\nGrep",
                "INPUT_COMMENT_MODE", "NEW",
                "INPUT_FAIL_ON_ERROR", "false",
                "ZEROCRED_ROUTES", "api.anthropic.com=10.0.0.5:443"));

    assertThat(in.oauthToken()).contains("from-env");
    assertThat(in.maxTurns()).contains(5);
    assertThat(in.maxApiRequests()).contains(40);
    assertThat(ActionInputs.from(Map.of()).maxApiRequests()).isEmpty();
    assertThat(in.timeout()).isEqualTo(Duration.ofMinutes(7));
    assertThat(in.allowedTools()).containsExactly("Read", "Bash(git diff *)", "Grep");
    assertThat(in.commentMode()).isEqualTo(ActionInputs.CommentMode.NEW);
    assertThat(in.failOnError()).isFalse();
    assertThat(in.routes()).containsExactly("api.anthropic.com=10.0.0.5:443");
    assertThat(ActionInputs.from(Map.of()).timeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(ActionInputs.from(Map.of()).commentMode())
        .isEqualTo(ActionInputs.CommentMode.STICKY);
  }

  @Test
  void allowEndpoints_oneALine_areCheckedEndpoints_andAMalformedOneNamesTheInput() {
    assertThat(
            ActionInputs.from(
                    Map.of("INPUT_ALLOW_ENDPOINTS", "get /v1/models\nPOST /v1/messages/batches\n"))
                .allowEndpoints())
        .containsExactly("GET /v1/models", "POST /v1/messages/batches");
    assertThat(ActionInputs.from(Map.of()).allowEndpoints()).isEmpty();
    assertThatThrownBy(() -> ActionInputs.from(Map.of("INPUT_ALLOW_ENDPOINTS", "/v1/files")))
        .hasMessageStartingWith("input allow_endpoints");
  }

  @Test
  void badInputs_nameTheInputToFix() {
    assertThatThrownBy(() -> ActionInputs.from(Map.of("INPUT_MAX_TURNS", "zero")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("input max_turns");
    assertThatThrownBy(() -> ActionInputs.from(Map.of("INPUT_COMMENT_MODE", "always")))
        .hasMessageContaining("comment_mode must be sticky, new or off");
    assertThatThrownBy(() -> ActionInputs.from(Map.of("INPUT_MAX_BUDGET_USD", "-1")))
        .hasMessageContaining("max_budget_usd");
    assertThatThrownBy(() -> ActionInputs.from(Map.of("INPUT_MAX_API_REQUESTS", "0")))
        .hasMessageContaining("input max_api_requests");
    assertThatThrownBy(() -> ActionInputs.from(Map.of("INPUT_FAIL_ON_SEVERITY", "severe")))
        .hasMessageContaining("input fail_on_severity must be one of none, critical");
  }

  @Test
  void failOnSeverity_isNoneByDefault_andReadsASeverity() {
    assertThat(ActionInputs.from(Map.of()).failOnSeverity()).isEmpty();
    assertThat(ActionInputs.from(Map.of("INPUT_FAIL_ON_SEVERITY", "none")).failOnSeverity())
        .isEmpty();
    assertThat(ActionInputs.from(Map.of("INPUT_FAIL_ON_SEVERITY", "Medium")).failOnSeverity())
        .contains(io.github.zerocred.findings.Severity.MEDIUM);
  }

  @Test
  void pullRequestEvent_fromAFork_isRecognised() throws Exception {
    String json =
        "{\"pull_request\":{\"number\":3,\"base\":{\"sha\":\"b\",\"repo\":{\"full_name\":\"a/r\"}},"
            + "\"head\":{\"sha\":\"h\",\"repo\":{\"full_name\":\"m/r\"}}},"
            + "\"repository\":{\"full_name\":\"a/r\"}}";
    Path file = Files.writeString(dir.resolve("event.json"), json);

    GitHubEvent e = GitHubEvent.read("pull_request", file, "ignored/repo");

    assertThat(e.repository()).isEqualTo("a/r");
    assertThat(e.pullRequest()).contains(3);
    assertThat(e.baseSha()).contains("b");
    assertThat(e.headSha()).contains("h");
    assertThat(e.fromFork()).isTrue();
    assertThat(e.headRepository()).contains("m/r");
  }

  @Test
  void issueCommentEvent_onAnIssue_saysThereIsNothingToReview() throws Exception {
    var root = new JsonMapper().readTree("{\"issue\":{\"number\":4}}");
    assertThatThrownBy(() -> GitHubEvent.parse("issue_comment", root, "a/r"))
        .hasMessageContaining("github.event.issue.pull_request");
    var onPr = new JsonMapper().readTree("{\"issue\":{\"number\":4,\"pull_request\":{}}}");
    assertThat(GitHubEvent.parse("issue_comment", onPr, "a/r").pullRequest()).contains(4);
  }

  @Test
  void outputs_useADelimiterTheValueDoesNotContain() throws Exception {
    Path file = dir.resolve("output");
    new WorkflowCommands.Outputs()
        .set("result", "line 1\nline 2")
        .set("empty", null)
        .appendTo(file);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines.get(0)).startsWith("result<<ghadelimiter_");
    assertThat(lines.subList(1, 4))
        .containsExactly("line 1", "line 2", lines.get(0).substring("result<<".length()));
    assertThat(lines.get(4)).startsWith("empty<<");
  }

  @Test
  void workflowCommandData_isEscaped() {
    assertThat(WorkflowCommands.escapeData("50% done\nnext")).isEqualTo("50%25 done%0Anext");
    assertThat(WorkflowCommands.escapeProperty("a: b, c")).isEqualTo("a%3A b%2C c");
  }
}
