package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.zerocred.testkit.PluginRepository;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C and SIGTERM during a review, sent to the real programs while Claude Code (the real CLI, in
 * the runner image) is busy in a long tool call: {@code zerocred review}, {@code zerocred action}
 * and {@code mvn zerocred:review}. Each must stop within seconds with 130 or 143, write the
 * cancelled result with the partial output and the reason, and leave no container, network,
 * firewall rule or temporary file behind.
 *
 * <p>Hostile input: none beyond the run's usual (the agent's output becomes the partial output,
 * written only to the output directory); what is tested is that a signal is never swallowed.
 */
class CancelledReviewTest {
  /**
   * How long a cancelled program may take to be gone. A cancelled GitHub job sends SIGINT, waits
   * 7.5 s, sends SIGTERM, waits 2.5 s, then kills the process tree (actions/runner,
   * src/Runner.Sdk/ProcessInvoker.cs, {@code _sigintTimeout}/{@code _sigtermTimeout}): a review
   * must be done with its teardown inside the first window, or the runner kills it mid-teardown.
   */
  private static final Duration STOP_WITHIN = Duration.ofMillis(7_500);

  private static final Duration CLAUDE_BUSY = Duration.ofSeconds(120);
  private static final String PREAMBLE = RunCancellationTest.PREAMBLE;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();

  private final String token = RunFixture.newOauthToken();
  private final List<SignalledProcess> children = new ArrayList<>();
  private StandInAnthropicApi standIn;
  private Path workspace;
  private Path childTmp;
  private Path caFile;

  @BeforeEach
  void standInThatKeepsClaudeBusy() throws IOException {
    // The model answers at once, with text and a tool call that keeps Claude Code busy for minutes:
    // the text is the partial output a cancelled review must keep.
    standIn = RunCancellationTest.busyStandIn(token);
    workspace = Files.createDirectories(work.resolve("workspace"));
    Files.writeString(workspace.resolve("Counter.java"), "class Counter { int n; }\n");
    childTmp = Files.createDirectories(work.resolve("child-tmp"));
    caFile = standIn.writeCaPem(work.resolve("stand-in-ca.pem"));
  }

  @AfterEach
  void stopChildrenAndStandIn() {
    // Before NothingLeftBehind's check; a child that did not stop is killed (its run then stays
    // for the next run's sweep, and the test has failed already).
    children.forEach(SignalledProcess::close);
    standIn.close();
  }

  @Test
  void review_ctrlCTwice_whileClaudeWorks_exits130_writesTheCancelledReview_leavesNothing()
      throws Exception {
    SignalledProcess zerocred =
        reviewCancelledBy(
            p -> {
              p.ctrlC();
              SignalledProcess.sleep(300);
              p.ctrlC(); // impatient: must neither abort the teardown nor leave anything behind
            },
            130,
            "SIGINT");
    assertThat(zerocred.output())
        .contains("[zerocred] cancelled: ")
        .contains("zerocred: The run was cancelled (SIGINT)");
  }

  @Test
  void review_sigterm_whileClaudeWorks_exits143_writesTheCancelledReview_leavesNothing()
      throws Exception {
    reviewCancelledBy(SignalledProcess::sigterm, 143, "SIGTERM");
  }

  @Test
  void review_ctrlCDuringSetUp_beforeClaudeStarts_exits130_cancelled_leavesNothing()
      throws Exception {
    Path output = work.resolve("out");
    SignalledProcess zerocred = startJar(reviewArgs(output), Map.of());
    // The run's temporary folder appears after the engine check and the sweep, just before the
    // network, the proxy and the container are made: the signal lands in the middle of set-up.
    awaitRunTempDir(zerocred);
    zerocred.assertSignalsReachTheProgram();

    zerocred.ctrlC();

    assertThat(zerocred.awaitExit(STOP_WITHIN.plusSeconds(20))).isEqualTo(130);
    assertThat(zerocred.stopTime()).as("from Ctrl-C to exit").isLessThan(STOP_WITHIN);
    JsonNode result = JSON.readTree(output.resolve("review.json").toFile());
    assertThat(result.path("outcome").asText()).as(zerocred.output()).isEqualTo("CANCELLED");
    assertThat(result.path("message").asText()).startsWith("The run was cancelled (SIGINT)");
    assertThat(standIn.mainConversationRequests()).as("Claude never got to ask").isEmpty();
    assertNothingLeft(zerocred, result.path("runId").asText());
  }

  private void awaitRunTempDir(SignalledProcess child) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.list(childTmp)) {
        if (files.anyMatch(p -> p.getFileName().toString().startsWith("zerocred-run-"))) {
          return;
        }
      }
      assertThat(child.process().isAlive()).as(child.output()).isTrue();
      SignalledProcess.sleep(5);
    }
    throw new AssertionError("the run never started its set-up:\n" + child.output());
  }

  private SignalledProcess reviewCancelledBy(
      Consumer<SignalledProcess> signal, int exitCode, String reason) throws Exception {
    Path output = work.resolve("out");
    SignalledProcess zerocred = startJar(reviewArgs(output), Map.of());
    zerocred.awaitLine("tool Bash", CLAUDE_BUSY);
    zerocred.assertSignalsReachTheProgram();

    signal.accept(zerocred);

    assertThat(zerocred.awaitExit(STOP_WITHIN.plusSeconds(20))).isEqualTo(exitCode);
    assertThat(zerocred.stopTime()).as("from the signal to exit").isLessThan(STOP_WITHIN);
    JsonNode result = assertCancelledFiles(zerocred, output, reason);
    assertNothingLeft(zerocred, result.path("runId").asText());
    return zerocred;
  }

  @Test
  void action_sigintAsACancelledJobSendsIt_exits130_conclusionCancelled_leavesNothing()
      throws Exception {
    Path githubOutput = Files.createFile(work.resolve("github_output"));
    Path summary = Files.createFile(work.resolve("step_summary"));
    Path event = Files.writeString(work.resolve("event.json"), "{}");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("INPUT_CLAUDE_CODE_OAUTH_TOKEN", token);
    env.put("INPUT_IMAGE", TestDocker.image());
    env.put("INPUT_COMMENT_MODE", "off");
    env.put("INPUT_TIMEOUT_MINUTES", "5");
    env.put("GITHUB_ACTIONS", "true");
    env.put("GITHUB_EVENT_NAME", "workflow_dispatch");
    env.put("GITHUB_EVENT_PATH", event.toString());
    env.put("GITHUB_REPOSITORY", "acme/widgets");
    env.put("GITHUB_WORKSPACE", workspace.toString());
    env.put("GITHUB_OUTPUT", githubOutput.toString());
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    env.put("ZEROCRED_ROUTES", StandInAnthropicApi.API_HOST + "=127.0.0.1:" + standIn.port());
    env.put("ZEROCRED_UPSTREAM_CA", caFile.toString());
    SignalledProcess action = startJar(List.of("action"), env);
    action.awaitLine("tool Bash", CLAUDE_BUSY);
    action.assertSignalsReachTheProgram();

    action.sigint();

    assertThat(action.awaitExit(STOP_WITHIN.plusSeconds(20))).isEqualTo(130);
    assertThat(action.stopTime()).as("from SIGINT to exit").isLessThan(STOP_WITHIN);
    assertThat(ActionJob.parseOutputs(Files.readString(githubOutput)))
        .containsEntry("conclusion", "cancelled");
    assertThat(Files.readString(summary)).contains("cancelled").contains("SIGINT");
    assertThat(action.stdout()).contains("::error title=Review cancelled::");
    JsonNode result = assertCancelledFiles(action, workspace.resolve(".zerocred"), "SIGINT");
    assertNothingLeft(action, result.path("runId").asText());
  }

  @Test
  void mavenReview_ctrlC_whileClaudeWorks_exits130_writesTheCancelledReview_leavesNothing()
      throws Exception {
    SignalledProcess maven = mavenReviewCancelledBy(SignalledProcess::ctrlC, 130);
    assertThat(maven.output()).contains("zerocred: cancelled: ");
  }

  @Test
  void mavenReview_sigterm_whileClaudeWorks_exits143_writesTheCancelledReview_leavesNothing()
      throws Exception {
    mavenReviewCancelledBy(SignalledProcess::sigterm, 143);
  }

  /**
   * Maven gets no signal API: the JVM runs its shutdown hooks and exits 128 + the signal once they
   * return; the plugin's hook holds it until the partial output is written.
   */
  private SignalledProcess mavenReviewCancelledBy(Consumer<SignalledProcess> signal, int exitCode)
      throws Exception {
    Path project = sampleProject();
    SignalledProcess maven = startMaven(project);
    maven.awaitLine("tool Bash", CLAUDE_BUSY);
    maven.assertSignalsReachTheProgram();

    signal.accept(maven);

    assertThat(maven.awaitExit(STOP_WITHIN.plusSeconds(30))).isEqualTo(exitCode);
    assertThat(maven.stopTime()).as("from the signal to exit").isLessThan(STOP_WITHIN);
    // The JVM cannot tell its hooks which signal it got; the reason says Maven was stopped.
    JsonNode result = assertCancelledFiles(maven, project.resolve("target/zerocred"), null);
    assertNothingLeft(maven, result.path("runId").asText());
    return maven;
  }

  private List<String> reviewArgs(Path output) {
    return List.of(
        "review",
        "--workspace",
        workspace.toString(),
        "--image",
        TestDocker.image(),
        "--route",
        StandInAnthropicApi.API_HOST + "=127.0.0.1:" + standIn.port(),
        "--upstream-ca",
        caFile.toString(),
        "--timeout",
        "5m",
        "--output-dir",
        output.toString());
  }

  /** {@code java -jar zerocred.jar ARGS}, with its own temporary folder and only {@code env}. */
  private SignalledProcess startJar(List<String> args, Map<String, String> extraEnv) {
    Path jar = TestDocker.repositoryRoot().resolve("zerocred-action/target/zerocred.jar");
    assertThat(jar).as("the shaded jar; build through the reactor (-pl it -am)").isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Djava.io.tmpdir=" + childTmp);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    if (!extraEnv.containsKey("INPUT_CLAUDE_CODE_OAUTH_TOKEN")) {
      env.put("CLAUDE_CODE_OAUTH_TOKEN", token);
    }
    SignalledProcess p =
        SignalledProcess.start("zerocred " + args.get(0), command, env, work, work);
    children.add(p);
    return p;
  }

  /** {@code ./mvnw zerocred:review} in a sample project, the plugin from this build. */
  private SignalledProcess startMaven(Path project) throws IOException {
    Path root = TestDocker.repositoryRoot();
    String version = PluginRepository.version(root);
    Path repository = PluginRepository.create(root, work.resolve("repository"), version);
    Path settings = Files.writeString(work.resolve("settings.xml"), "<settings/>\n");
    List<String> command =
        List.of(
            root.resolve("mvnw").toString(),
            "-B",
            "-o",
            "-s",
            settings.toString(),
            "-Dmaven.repo.local=" + repository,
            "-Dmaven.repo.local.tail=" + PluginRepository.userRepository(),
            "io.github.zerocred:zerocred-maven-plugin:" + version + ":review",
            "-Dzerocred.image=" + TestDocker.image(),
            "-Dzerocred.routes=" + StandInAnthropicApi.API_HOST + "=127.0.0.1:" + standIn.port(),
            "-Dzerocred.upstreamCa=" + caFile,
            "-Dzerocred.memory=1g",
            "-Dzerocred.cpus=1",
            "-Dzerocred.timeout=5m");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLAUDE_CODE_OAUTH_TOKEN", token);
    env.put("HOME", System.getProperty("user.home"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("MAVEN_OPTS", "-Djava.io.tmpdir=" + childTmp);
    SignalledProcess p = SignalledProcess.start("mvn zerocred:review", command, env, project, work);
    children.add(p);
    return p;
  }

  private Path sampleProject() throws IOException {
    Path project = Files.createDirectories(work.resolve("sample"));
    Files.writeString(
        project.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>org.example</groupId>
          <artifactId>cancelled-review</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
        </project>
        """);
    Files.writeString(project.resolve("Counter.java"), "class Counter { int n; }\n");
    return project;
  }

  /**
   * review.md says why there is no review; review.json is the cancelled result with the reason and
   * what Claude wrote before the signal.
   *
   * @param reason the signal the message names, or null where the JVM cannot tell (Maven)
   */
  private static JsonNode assertCancelledFiles(SignalledProcess child, Path output, String reason)
      throws IOException {
    assertThat(output.resolve("review.json"))
        .as("review.json; the output:%n%s", child.output())
        .exists();
    JsonNode result = JSON.readTree(output.resolve("review.json").toFile());
    assertThat(result.path("outcome").asText()).isEqualTo("CANCELLED");
    assertThat(result.path("message").asText()).startsWith("The run was cancelled (");
    if (reason != null) {
      assertThat(result.path("message").asText()).contains("(" + reason + ")");
    }
    assertThat(result.path("partialOutput").asText()).contains(PREAMBLE);
    assertThat(result.path("numTurns").asInt()).isPositive();
    assertThat(Files.readString(output.resolve("review.md")))
        .startsWith("_No review was produced: The run was cancelled (");
    return result;
  }

  /** No container, network or firewall rule of the child's run, and no temporary file. */
  private void assertNothingLeft(SignalledProcess child, String runId) throws IOException {
    assertThat(runId).isNotBlank();
    assertThat(engine.docker().labelledWithRun(runId)).as("left by run " + runId).isEmpty();
    assertThat(
            engine
                .docker()
                .labelled(
                    Map.of(
                        "zerocred.managed",
                        "true",
                        "zerocred.owner.pid",
                        Long.toString(child.pid()))))
        .as("left by the child process")
        .isEmpty();
    assertThat(TestDocker.hostInputRules()).doesNotContain("zerocred-run=" + runId);
    try (Stream<Path> left = Files.list(childTmp)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("temporary files of the child")
          .noneMatch(name -> name.startsWith("zerocred-"));
    }
  }
}
