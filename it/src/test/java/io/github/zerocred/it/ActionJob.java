package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.fail;

import io.github.zerocred.testkit.RunnerJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One GitHub Actions job as the runner sets it up for a Docker container action: a job network of
 * its own, the runner's directories and a {@code docker run} of the action image in exactly the
 * runner's shape ({@link RunnerJob}). Docker missing fails the test; it never skips.
 */
final class ActionJob implements AutoCloseable {
  static final String IMAGE_VARIABLE = "ZEROCRED_ACTION_IMAGE";
  private static String image;

  final TestDocker docker;
  final String networkName;
  final String networkId;

  /** The job network's gateway: the host as the action container reaches it. */
  final String gateway;

  /** {@code GITHUB_API_URL}; nothing listens at the default, so no test reaches the internet. */
  String githubApiUrl = "http://127.0.0.1:9";

  /** The runner's directories and its {@code docker run} of the action. */
  final RunnerJob runner;

  final Path workspace;
  final Path home;
  final Path workflow;

  /** What one {@code docker run} of the action printed and wrote. */
  record Result(
      int exitCode,
      String containerName,
      List<String> stdout,
      List<String> stderr,
      Map<String, String> outputs,
      String summary) {

    List<String> allLines() {
      List<String> all = new ArrayList<>(stdout);
      all.addAll(stderr);
      return all;
    }

    String log() {
      return String.join("\n", allLines());
    }
  }

  ActionJob(Path root) throws IOException {
    docker = TestDocker.connect();
    networkName = "zerocred-test-job-" + UUID.randomUUID();
    // A plain bridge, as the runner's `github_network_…`: the action reaches the host through it.
    networkId =
        docker
            .client()
            .createNetworkCmd()
            .withName(networkName)
            .withDriver("bridge")
            .withLabels(Map.of("zerocred.test", "action-job"))
            .exec()
            .getId();
    gateway = docker.gatewayOf(networkId);
    runner = new RunnerJob(root, networkName);
    workspace = runner.workspace();
    home = runner.home();
    workflow = runner.workflow();
  }

  /**
   * The action image: {@code ZEROCRED_ACTION_IMAGE}, else what {@code it/testbed/action-image.sh}
   * builds from the reactor's {@code zerocred.jar} (an unchanged jar reuses the image).
   */
  static synchronized String image() {
    if (image != null) {
      return image;
    }
    if (System.getProperty(IMAGE_VARIABLE, System.getenv(IMAGE_VARIABLE)) == null) {
      Path jar = TestDocker.repositoryRoot().resolve("zerocred-action/target/zerocred.jar");
      if (!Files.isRegularFile(jar)) {
        fail(
            jar
                + " is missing: build through the reactor (./mvnw -B -pl it -am verify) so that"
                + " zerocred-action is packaged first");
      }
    }
    image =
        TestDocker.imageFrom(
            IMAGE_VARIABLE,
            TestDocker.repositoryRoot().resolve("it/testbed/action-image.sh"),
            TestDocker.repositoryRoot().resolve("zerocred-action/target/zerocred.jar").toString());
    return image;
  }

  /**
   * The inputs of a sticky-comment review of the test image with both tokens; every other input the
   * action declares is left empty, as the runner passes inputs the workflow does not set.
   */
  static Map<String, String> stickyReviewInputs(String oauthToken, String githubToken) {
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("claude_code_oauth_token", oauthToken);
    inputs.put("github_token", githubToken);
    inputs.put("image", TestDocker.image());
    inputs.put("timeout_minutes", "3");
    inputs.put("comment_mode", "sticky");
    inputs.put("fail_on_error", "true");
    for (String empty :
        List.of(
            "prompt",
            "prompt_file",
            "anthropic_api_key",
            "model",
            "max_turns",
            "max_budget_usd",
            "allowed_tools",
            "allow_hosts")) {
      inputs.put(empty, "");
    }
    return inputs;
  }

  /** Writes the event payload where the runner puts it. */
  void event(String json) throws IOException {
    runner.event(json);
  }

  /** Runs a commit in the workspace's git repository; returns its SHA. */
  String commit(String file, String content, String message) throws IOException {
    return runner.commit(file, content, message);
  }

  /**
   * {@code docker run} of the action as the runner does it ({@link RunnerJob#step}), {@code inputs}
   * as {@code INPUT_*} variables and {@code extraEnv} after the runner's own.
   */
  Result run(Map<String, String> inputs, Map<String, String> extraEnv)
      throws IOException, InterruptedException {
    return start(inputs, extraEnv).finish();
  }

  /**
   * A {@code docker run} of the action under way, for a test that signals it as the runner does.
   */
  final class Running {
    /** The runner's child: the {@code docker} CLI, which forwards signals to the action. */
    final SignalledProcess docker;

    final String containerName;
    private final Path output;
    private final Path summary;

    private Running(SignalledProcess docker, String containerName, Path output, Path summary) {
      this.docker = docker;
      this.containerName = containerName;
      this.output = output;
      this.summary = summary;
    }

    /** Waits (at most 6 minutes) for the action to end; what it printed and wrote. */
    Result finish() throws IOException, InterruptedException {
      if (!docker.process().waitFor(6, TimeUnit.MINUTES)) {
        docker.close();
        new ProcessBuilder("docker", "rm", "-f", containerName)
            .start()
            .waitFor(60, TimeUnit.SECONDS);
        fail("the action did not finish within 6 minutes:\n" + docker.output());
      }
      return new Result(
          docker.process().exitValue(),
          containerName,
          docker.stdout().lines().toList(),
          docker.stderr().lines().toList(),
          parseOutputs(Files.readString(output)),
          Files.readString(summary));
    }
  }

  /** Starts {@code docker run} of the action as {@link #run} does, without waiting for it. */
  Running start(Map<String, String> inputs, Map<String, String> extraEnv) throws IOException {
    RunnerJob.Step step =
        runner.step(
            image(),
            "zerocred-test-action-",
            "zerocred.test=action",
            githubApiUrl,
            inputs,
            extraEnv);
    // The docker CLI reads the values of the -e NAME variables from its own environment.
    Map<String, String> cliEnv = new LinkedHashMap<>(step.environment());
    for (String passed : List.of("DOCKER_HOST", "DOCKER_CONFIG")) {
      String value = System.getenv(passed);
      if (value != null && !cliEnv.containsKey(passed)) {
        cliEnv.put(passed, value);
      }
    }
    Path logs = runner.fileCommands().getParent();
    SignalledProcess docker =
        SignalledProcess.start("docker run (action)", step.command(), cliEnv, logs, logs);
    return new Running(docker, step.containerName(), step.output(), step.summary());
  }

  /** Parses {@code GITHUB_OUTPUT}: {@code name<<DELIMITER}, value lines, the delimiter. */
  static Map<String, String> parseOutputs(String text) {
    Map<String, String> outputs = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int at = lines[i].indexOf("<<");
      if (at <= 0) {
        continue;
      }
      String name = lines[i].substring(0, at);
      String delimiter = lines[i].substring(at + 2);
      StringBuilder value = new StringBuilder();
      int j = i + 1;
      for (; j < lines.length && !lines[j].equals(delimiter); j++) {
        if (j > i + 1) {
          value.append('\n');
        }
        value.append(lines[j]);
      }
      if (j == lines.length) {
        fail("output " + name + " has no closing delimiter " + delimiter + " in:\n" + text);
      }
      outputs.put(name, value.toString());
      i = j;
    }
    return outputs;
  }

  /** Whether the action container is gone (the runner's {@code --rm}). */
  boolean containerGone(String name) {
    return docker
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withNameFilter(List.of(name))
        .exec()
        .isEmpty();
  }

  @Override
  public void close() throws IOException {
    try {
      docker.removeNetworkQuietly(networkId);
    } finally {
      docker.close();
    }
  }
}
