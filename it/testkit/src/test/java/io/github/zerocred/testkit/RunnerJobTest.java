package io.github.zerocred.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's {@code docker run} shape that the end-to-end tests and the bench rely on. */
class RunnerJobTest {
  private static final String TOKEN = "sk-ant-oat01-" + "t".repeat(86) + "AA";

  @TempDir Path root;

  @Test
  void step_passesEveryVariableByName_neverItsValueOnTheCommandLine() throws Exception {
    RunnerJob job = new RunnerJob(root, "job-net");
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("claude_code_oauth_token", TOKEN);
    inputs.put("comment_mode", "sticky");

    RunnerJob.Step step =
        job.step(
            "action:test",
            "action-",
            "zerocred.test=action",
            "http://127.0.0.1:9",
            inputs,
            Map.of("ZEROCRED_ROUTES", "api.anthropic.com=10.0.0.1:443"));

    assertThat(step.environment())
        .containsEntry("INPUT_CLAUDE_CODE_OAUTH_TOKEN", TOKEN)
        .containsEntry("INPUT_COMMENT_MODE", "sticky")
        .containsEntry("GITHUB_API_URL", "http://127.0.0.1:9")
        .containsEntry("ZEROCRED_ROUTES", "api.anthropic.com=10.0.0.1:443");
    // The inputs come first, the caller's extra variables last, as the runner orders them.
    assertThat(step.environment().keySet())
        .startsWith("INPUT_CLAUDE_CODE_OAUTH_TOKEN", "INPUT_COMMENT_MODE")
        .endsWith("ZEROCRED_ROUTES");
    for (String name : step.environment().keySet()) {
      int at = step.command().indexOf(name);
      assertThat(at).as("-e %s", name).isPositive();
      assertThat(step.command().get(at - 1)).isEqualTo("-e");
    }
    assertThat(String.join(" ", step.command())).doesNotContain(TOKEN);
  }

  @Test
  void step_mountsTheRunnersDirectories_onTheJobNetwork() throws Exception {
    RunnerJob job = new RunnerJob(root, "job-net");

    RunnerJob.Step step = job.step("action:test", "action-", "l=v", "http://x", Map.of(), Map.of());

    List<String> cmd = step.command();
    assertThat(cmd.subList(0, 2)).containsExactly("docker", "run");
    assertThat(step.containerName()).startsWith("action-").hasSize("action-".length() + 12);
    assertThat(String.join(" ", cmd))
        .contains("--name " + step.containerName() + " --label l=v")
        .contains("--workdir /github/workspace --rm")
        .contains("-v /var/run/docker.sock:/var/run/docker.sock")
        .contains("-v " + job.home() + ":/github/home")
        .contains("-v " + job.workflow() + ":/github/workflow")
        .contains("-v " + job.fileCommands() + ":/github/file_commands")
        .contains("-v " + job.workspace() + ":/github/workspace")
        .endsWith("--network job-net action:test");
    // The file commands' files exist, empty, where the variables point inside the container.
    assertThat(step.output()).isEmptyFile().hasParent(job.fileCommands());
    assertThat(step.summary()).isEmptyFile().hasParent(job.fileCommands());
    assertThat(step.environment())
        .containsEntry("GITHUB_OUTPUT", "/github/file_commands/" + step.output().getFileName())
        .containsEntry(
            "GITHUB_STEP_SUMMARY", "/github/file_commands/" + step.summary().getFileName());
    // A second step of the same job gets its own container and files.
    RunnerJob.Step next = job.step("action:test", "action-", "l=v", "http://x", Map.of(), Map.of());
    assertThat(next.containerName()).isNotEqualTo(step.containerName());
    assertThat(next.output()).isNotEqualTo(step.output());
  }

  @Test
  void pullRequestEvent_isAForkExactlyWhenTheHeadIsAnotherRepository() throws Exception {
    ObjectMapper json = new ObjectMapper();

    JsonNode same = json.readTree(RunnerJob.pullRequestEvent("b", "h", "acme/widgets"));
    JsonNode fork = json.readTree(RunnerJob.pullRequestEvent("b", "h", "mallory/widgets"));

    assertThat(same.at("/pull_request/base/sha").asText()).isEqualTo("b");
    assertThat(same.at("/pull_request/head/sha").asText()).isEqualTo("h");
    assertThat(same.at("/pull_request/head/repo/fork").asBoolean()).isFalse();
    assertThat(fork.at("/pull_request/head/repo/fork").asBoolean()).isTrue();
    assertThat(fork.at("/pull_request/head/repo/full_name").asText()).isEqualTo("mallory/widgets");
    assertThat(fork.at("/repository/full_name").asText()).isEqualTo("acme/widgets");
  }

  @Test
  void commit_returnsTheNewHead() throws Exception {
    RunnerJob job = new RunnerJob(root, "job-net");

    String base = job.commit("src/A.java", "class A {}\n", "base");
    String head = job.commit("src/A.java", "class A { int a; }\n", "change");

    assertThat(base).matches("[0-9a-f]{40}");
    assertThat(head).matches("[0-9a-f]{40}").isNotEqualTo(base);
    assertThat(Files.readString(job.workspace().resolve("src/A.java")))
        .isEqualTo("class A { int a; }\n");
  }
}
