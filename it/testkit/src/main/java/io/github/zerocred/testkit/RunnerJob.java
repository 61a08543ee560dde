package io.github.zerocred.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Reproduces how the GitHub Actions runner lays out a job and starts a Docker container action. */
public final class RunnerJob {
  /** Where the runner mounts the checkout in the action's container, and its working directory. */
  public static final String WORKSPACE = "/github/workspace";

  /** {@code HOME} in the action's container. */
  public static final String HOME = "/github/home";

  private final Path workspace;
  private final Path home;
  private final Path workflow;
  private final Path fileCommands;
  private final String network;

  /**
   * The runner's directories under {@code root}, named as the runner names them under its {@code
   * _work}: the checkout, {@code _temp/_github_home}, {@code _temp/_github_workflow} (the event
   * payload) and {@code _temp/_runner_file_commands}; the action runs on {@code network}, the job's
   * own bridge (the runner's {@code github_network_…}), which the caller creates and removes.
   */
  public RunnerJob(Path root, String network) throws IOException {
    this.network = network;
    workspace = Files.createDirectories(root.resolve("workspace"));
    home = Files.createDirectories(root.resolve("_github_home"));
    workflow = Files.createDirectories(root.resolve("_github_workflow"));
    fileCommands = Files.createDirectories(root.resolve("_runner_file_commands"));
  }

  /** The checkout, mounted at {@value #WORKSPACE}. */
  public Path workspace() {
    return workspace;
  }

  /** Mounted at {@value #HOME}. */
  public Path home() {
    return home;
  }

  /** Mounted at {@code /github/workflow}: the event payload. */
  public Path workflow() {
    return workflow;
  }

  /** Mounted at {@code /github/file_commands}: {@code GITHUB_OUTPUT}, the step summary. */
  public Path fileCommands() {
    return fileCommands;
  }

  /** Writes the event payload where the runner puts it ({@code GITHUB_EVENT_PATH}). */
  public void event(String json) throws IOException {
    Files.writeString(workflow.resolve("event.json"), json);
  }

  /**
   * The payload of a {@code pull_request} event ({@code synchronize}) for pull request 7 of {@code
   * acme/widgets}, the repository {@link #step} names: base {@code main} at {@code baseSha}, head
   * {@code fix} at {@code headSha} from {@code headRepository} (a fork unless it is {@code
   * acme/widgets}).
   */
  public static String pullRequestEvent(String baseSha, String headSha, String headRepository) {
    return """
        {
          "action": "synchronize",
          "number": 7,
          "pull_request": {
            "number": 7,
            "base": {"sha": "%s", "ref": "main", "repo": {"full_name": "acme/widgets", "fork": false}},
            "head": {"sha": "%s", "ref": "fix", "repo": {"full_name": "%s", "fork": %s}}
          },
          "repository": {"full_name": "acme/widgets"}
        }
        """
        .formatted(baseSha, headSha, headRepository, !headRepository.equals("acme/widgets"));
  }

  /** Commits {@code file} with {@code content} in the workspace's repository; returns the SHA. */
  public String commit(String file, String content, String message) throws IOException {
    if (!Files.exists(workspace.resolve(".git"))) {
      git("init", "-q", "-b", "main");
    }
    Path f = workspace.resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    git("add", "-A");
    git(
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.invalid",
        "commit",
        "-q",
        "-m",
        message);
    return git("rev-parse", "HEAD").strip();
  }

  private String git(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", workspace.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("git " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: git " + String.join(" ", args), e);
    }
    return out;
  }

  /**
   * One {@code docker run} of an action: the command, and the environment the {@code docker} CLI
   * must be started with (it reads the values of the {@code -e NAME} variables from there).
   */
  public record Step(
      String containerName,
      List<String> command,
      Map<String, String> environment,
      Path output,
      Path summary) {
    public Step {
      command = List.copyOf(command);
      environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
    }
  }

  /**
   * The {@code docker run} of {@code image} as the runner starts a container action
   * (actions/runner: {@code Handlers/ContainerActionHandler.cs} gathers the variables, {@code
   * Container/DockerCommandManager.cs} runs them): {@code --workdir /github/workspace --rm}, every
   * variable passed by name ({@code -e NAME}, the value from the CLI's environment, never on the
   * command line), the engine's socket and the runner's directories mounted, on the job network.
   * The variables: {@code INPUT_<NAME>} for each input (upper-cased, as the runner does), the
   * runner's {@code GITHUB_*} for a pull request event of {@code acme/widgets}, fresh {@code
   * GITHUB_OUTPUT} and {@code GITHUB_STEP_SUMMARY} files, then {@code extraEnv}.
   *
   * @param containerPrefix the container's name before a random suffix
   * @param label {@code KEY=VALUE} the container carries, for a sweep
   */
  public Step step(
      String image,
      String containerPrefix,
      String label,
      String githubApiUrl,
      Map<String, String> inputs,
      Map<String, String> extraEnv)
      throws IOException {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String containerName = containerPrefix + id;
    Path output = Files.createFile(fileCommands.resolve("set_output_" + id));
    Path summary = Files.createFile(fileCommands.resolve("step_summary_" + id));

    Map<String, String> env = new LinkedHashMap<>();
    inputs.forEach((k, v) -> env.put("INPUT_" + k.toUpperCase(Locale.ROOT), v));
    env.put("HOME", HOME);
    env.put("GITHUB_JOB", "review");
    env.put("GITHUB_REF", "refs/pull/7/merge");
    env.put("GITHUB_REPOSITORY", "acme/widgets");
    env.put("GITHUB_REPOSITORY_OWNER", "acme");
    env.put("GITHUB_RUN_ID", "4242");
    env.put("GITHUB_RUN_NUMBER", "1");
    env.put("GITHUB_ACTOR", "octocat");
    env.put("GITHUB_WORKFLOW", "review");
    env.put("GITHUB_EVENT_NAME", "pull_request");
    env.put("GITHUB_EVENT_PATH", "/github/workflow/event.json");
    env.put("GITHUB_WORKSPACE", WORKSPACE);
    env.put("GITHUB_SERVER_URL", "https://github.example");
    env.put("GITHUB_API_URL", githubApiUrl);
    env.put("GITHUB_OUTPUT", "/github/file_commands/" + output.getFileName());
    env.put("GITHUB_STEP_SUMMARY", "/github/file_commands/" + summary.getFileName());
    env.put("GITHUB_ACTIONS", "true");
    env.put("CI", "true");
    env.putAll(extraEnv);

    List<String> cmd =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "--name",
                containerName,
                "--label",
                label,
                "--workdir",
                WORKSPACE,
                "--rm"));
    for (String name : env.keySet()) {
      cmd.add("-e");
      cmd.add(name);
    }
    cmd.addAll(
        List.of(
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-v",
            home + ":" + HOME,
            "-v",
            workflow + ":/github/workflow",
            "-v",
            fileCommands + ":/github/file_commands",
            "-v",
            workspace + ":" + WORKSPACE,
            "--network",
            network,
            image));
    return new Step(containerName, cmd, env, output, summary);
  }
}
