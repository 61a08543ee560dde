package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The production action image cannot be built here (its stages come from a registry); its offline
 * twin is what the end-to-end tests run. These checks keep the two, and action.yml, in step: the
 * same entrypoint and jar path, the jar built by the same Maven command (which needs no test
 * set-up: it/testbed/release-check.sh builds it that way and starts it), and the twin, started
 * exactly as a runner starts the action, answers {@code zerocred action --help}. Not checked here:
 * the two registry base images themselves (the release workflow runs {@code --help} on the image it
 * pushed).
 */
class ActionImageTest {
  private final Path root = TestDocker.repositoryRoot();

  @Test
  void testImage_hasTheProductionEntrypointAndJarPath() throws IOException {
    String production = Files.readString(root.resolve("Dockerfile"));
    String twin = Files.readString(root.resolve("it/testbed/action-image.Dockerfile"));

    assertThat(entrypoint(twin)).isEqualTo(entrypoint(production)).contains("\"action\"");
    assertThat(production).contains("/opt/zerocred/zerocred.jar");
    assertThat(twin).contains("COPY zerocred.jar /opt/zerocred/zerocred.jar");
  }

  @Test
  void bothImages_dumpTheArchiveFromTheCommittedList_withTheEntrypointsOptionsAndClassPath()
      throws IOException {
    String production = Files.readString(root.resolve("Dockerfile"));
    String twin = Files.readString(root.resolve("it/testbed/action-image.Dockerfile"));

    // The same dump step in both (the twin's build context has the list beside the jar).
    assertThat(cdsDump(twin)).isEqualTo(cdsDump(production));
    assertThat(production)
        .contains(
            "COPY zerocred-action/src/main/cds/action.classlist /opt/zerocred/action.classlist");
    assertThat(twin).contains("COPY action.classlist /opt/zerocred/action.classlist");
    assertThat(root.resolve(ActionClassDataTest.CLASS_LIST)).isNotEmptyFile();
    // An archive maps only for the JVM options and class path it was dumped with: the
    // entrypoint's options (all but -Xshare:auto) and exactly the jar that -jar names.
    String dump = cdsDump(production);
    List<String> entrypoint =
        List.of(entrypoint(production).replaceAll("[\\[\\]\"]", "").split(",\\s*"));
    int jar = entrypoint.indexOf("-jar");
    assertThat(jar).as("-jar in the entrypoint").isPositive();
    assertThat(entrypoint.subList(1, jar))
        .contains("-Xshare:auto", "-XX:SharedArchiveFile=" + ActionClassDataTest.ARCHIVE);
    for (String option : entrypoint.subList(1, jar)) {
      if (!option.equals("-Xshare:auto")) {
        assertThat(dump).as("the dump step has the entrypoint's " + option).contains(option);
      }
    }
    assertThat(dump)
        .contains("-Xshare:dump", "-XX:SharedClassListFile=/opt/zerocred/action.classlist")
        .contains("-cp " + entrypoint.get(jar + 1) + " ")
        // The build fails if the archive is not made or does not map.
        .contains("test -s " + ActionClassDataTest.ARCHIVE, "-Xshare:on");
  }

  @Test
  void productionImage_shipsTheJarThatTheTwinRuns_builtWithoutTests() throws IOException {
    String production = Files.readString(root.resolve("Dockerfile"));

    // The build stage: the reactor's command for zerocred.jar, tests skipped (they need an engine).
    assertThat(production)
        .containsPattern("(?m)^RUN \\./mvnw .*-pl zerocred-action -am package -DskipTests")
        .contains("zerocred-action/target/zerocred.jar");
    // A zerocred.jar left in a host's target/ never reaches the build context.
    assertThat(Files.readAllLines(root.resolve(".dockerignore"))).contains("**/target/");
  }

  @Test
  void actionImage_startedAsTheRunnerStartsIt_answersZerocredActionHelp() throws Exception {
    String image = ActionJob.image();
    String name = "zerocred-test-help-" + UUID.randomUUID();

    Process docker =
        new ProcessBuilder(
                "docker", "run", "--rm", "--name", name, "--network", "none", image, "--help")
            .redirectErrorStream(true)
            .start();
    docker.getOutputStream().close();
    String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(docker.waitFor(120, TimeUnit.SECONDS)).as("docker run finished").isTrue();

    assertThat(docker.exitValue()).as(out).isZero();
    assertThat(out).startsWith("Usage: zerocred action").contains("--help", "--version");
  }

  @Test
  void actionYml_runsTheDockerfile_andDeclaresEveryInputAndOutput() throws IOException {
    String yml = Files.readString(root.resolve("action.yml"));

    assertThat(yml).contains("using: docker").contains("image: Dockerfile");
    for (String input :
        List.of(
            "prompt",
            "prompt_file",
            "claude_code_oauth_token",
            "anthropic_api_key",
            "github_token",
            "model",
            "max_turns",
            "max_budget_usd",
            "timeout_minutes",
            "allowed_tools",
            "allow_hosts",
            "image",
            "comment_mode",
            "fail_on_error")) {
      assertThat(yml).as("input " + input).containsPattern("(?m)^  " + input + ":$");
    }
    for (String output :
        List.of(
            "conclusion",
            "result",
            "result_file",
            "cost_usd",
            "num_turns",
            "duration_ms",
            "session_id",
            "comment_url")) {
      assertThat(yml).as("output " + output).containsPattern("(?m)^  " + output + ":$");
    }
    assertThat(yml).contains("default: ${{ github.token }}");
  }

  /** The {@code RUN java -Xshare:dump …} step, its continuation lines joined. */
  private static String cdsDump(String dockerfile) {
    Matcher m = Pattern.compile("(?m)^RUN java -Xshare:dump(?:.*\\\\\\n)+.*$").matcher(dockerfile);
    assertThat(m.find()).as("a RUN java -Xshare:dump step").isTrue();
    return m.group().replaceAll("\\\\\\n\\s*", " ");
  }

  private static String entrypoint(String dockerfile) {
    Matcher m = Pattern.compile("(?m)^ENTRYPOINT (.+)$").matcher(dockerfile);
    assertThat(m.find()).as("an ENTRYPOINT line").isTrue();
    return m.group(1).strip();
  }
}
