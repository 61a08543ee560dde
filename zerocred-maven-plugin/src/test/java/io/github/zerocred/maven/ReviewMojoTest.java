package io.github.zerocred.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.when;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.review.ReviewFailure;
import io.github.zerocred.review.ReviewRequest;
import io.github.zerocred.run.DockerEngineUnavailableException;
import io.github.zerocred.testkit.RunnerLog;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojoExecutionException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Mojo's parameters, skipping, and how failures reach Maven; no Docker needed. */
@MojoTest
class ReviewMojoTest {
  private static final String DEFAULTS = "src/test/resources/unit/defaults/pom.xml";
  private static final String CONFIGURED = "src/test/resources/unit/configured/pom.xml";
  private static final String TOKEN = "sk-ant-oat01-unitTestToken_" + "x".repeat(60) + "AA";

  @Inject MavenSession session;
  @Inject MavenProject project;

  @TempDir Path temp;

  private final Settings settings = new Settings();
  private final RecordingLog log = new RecordingLog();

  @BeforeEach
  void stubSession() {
    when(session.getSettings()).thenReturn(settings);
    project.setExecutionRoot(true);
  }

  private ReviewMojo prepared(ReviewMojo mojo) {
    mojo.setLog(log);
    mojo.workspace = temp.toFile();
    mojo.outputDirectory = temp.resolve("out").toFile();
    mojo.environment = Map.of();
    return mojo;
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void defaults_areSensible(ReviewMojo mojo) {
    assertThat(mojo.timeout).isEqualTo("30m");
    assertThat(mojo.image).as("none: zerocred builds the runner image").isNull();
    assertThat(mojo.claudeCodeVersion).isEqualTo(ReviewRequest.DEFAULT_CLAUDE_CODE_VERSION);
    assertThat(mojo.baseImage).isEqualTo("debian:bookworm-slim");
    assertThat(mojo.npmRegistry).isNull();
    assertThat(mojo.memory).isEqualTo("4g");
    assertThat(mojo.cpus).isEqualTo(2.0);
    assertThat(mojo.serverId).isEqualTo("anthropic");
    assertThat(mojo.failOnError).isTrue();
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.prompt).isNull();
    assertThat(mojo.maxTurns).isNull();
    assertThat(mojo.workspace).isEqualTo(project.getBasedir());
  }

  @Test
  @InjectMojo(goal = "review", pom = CONFIGURED)
  void configuredParameters_reachTheMojo(ReviewMojo mojo) {
    assertThat(mojo.prompt).isEqualTo("Check the SQL.");
    assertThat(mojo.baseRef).isEqualTo("origin/main");
    assertThat(mojo.model).isEqualTo("sonnet");
    assertThat(mojo.maxTurns).isEqualTo(7);
    assertThat(mojo.maxBudgetUsd).isEqualTo("1.25");
    assertThat(mojo.timeout).isEqualTo("90s");
    assertThat(mojo.image).isEqualTo("example/runner:1");
    assertThat(mojo.allowedTools).containsExactly("Read", "Bash(git diff *)");
    assertThat(mojo.allowHosts).containsExactly("downloads.example.com");
    assertThat(mojo.routes).containsExactly("api.anthropic.com=127.0.0.1:8443");
    assertThat(mojo.memory).isEqualTo("1g");
    assertThat(mojo.cpus).isEqualTo(1.5);
    assertThat(mojo.serverId).isEqualTo("claude");
    assertThat(mojo.failOnError).isFalse();
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void skip_saysWhyAndWritesNothing(ReviewMojo mojo) throws Exception {
    prepared(mojo).skip = true;

    mojo.execute();

    assertThat(log.text()).contains("Skipping the zerocred review: skip is true (zerocred.skip)");
    assertThat(temp.resolve("out")).doesNotExist();
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void moduleThatIsNotTheExecutionRoot_skipsSoTheBuildReviewsOnce(ReviewMojo mojo)
      throws Exception {
    project.setExecutionRoot(false);

    prepared(mojo).execute();

    assertThat(log.text()).contains("runs once per build");
    assertThat(temp.resolve("out")).doesNotExist();
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void noCredential_failsSayingHowToProvideOne_andStillWritesTheFiles(ReviewMojo mojo) {
    prepared(mojo);

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("No Anthropic credential")
        .hasMessageContaining("<server><id>anthropic</id>")
        .hasMessageContaining("mvn --encrypt-password")
        .hasMessageContaining("CLAUDE_CODE_OAUTH_TOKEN")
        .hasMessageContaining("ANTHROPIC_API_KEY");
    Path out = temp.resolve("out");
    assertThat(out.resolve("review.md")).content().contains("No review was produced");
    assertThat(out.resolve("review.json")).content().contains("\"NOT_RUN\"");
    assertThat(out.resolve("audit.jsonl")).exists();
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void badTimeout_failsNamingTheParameter(ReviewMojo mojo) {
    prepared(mojo).environment = Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
    mojo.timeout = "soon";

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("timeout (zerocred.timeout) must be a duration like 90s")
        .hasMessageContaining("'soon'");
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void zeroTimeout_failsNamingTheParameter(ReviewMojo mojo) {
    prepared(mojo).environment = Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
    mojo.timeout = "0s";

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("timeout (zerocred.timeout) must be positive");
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void badRouteMemoryAndMaxTurns_failNamingTheParameter(ReviewMojo mojo) {
    prepared(mojo).environment = Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
    mojo.routes = java.util.List.of("api.anthropic.com");
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("routes: 'api.anthropic.com' must look like HOST=IP:PORT");

    mojo.routes = null;
    mojo.memory = "lots";
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("memory (zerocred.memory) must be a size like 512m or 4g");

    mojo.memory = "1g";
    mojo.maxBudgetUsd = "five";
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("maxBudgetUsd (zerocred.maxBudgetUsd) must be an amount");

    mojo.maxBudgetUsd = null;
    mojo.maxTurns = 0;
    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("maxTurns (zerocred.maxTurns) must be at least 1");
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void promptAndPromptFileTogether_failNamingBoth(ReviewMojo mojo) throws IOException {
    prepared(mojo).environment = Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
    File file = Files.writeString(temp.resolve("prompt.txt"), "Review it.").toFile();
    mojo.prompt = "Review it.";
    mojo.promptFile = file;

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("prompt (zerocred.prompt) or promptFile (zerocred.promptFile)");
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void outputDirectoryThatIsALink_failsNamingIt_andNothingIsWrittenThrough(ReviewMojo mojo)
      throws IOException {
    prepared(mojo).environment = Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
    Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    Files.createSymbolicLink(temp.resolve("target"), elsewhere);
    mojo.outputDirectory = temp.resolve("target/zerocred").toFile();

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("outputDirectory (zerocred.outputDirectory)")
        .hasMessageContaining("symbolic link");
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void promptFileLinkedOutOfTheWorkspace_failsNamingIt_andReadsNothing(ReviewMojo mojo)
      throws IOException {
    prepared(mojo).environment = Map.of("CLAUDE_CODE_OAUTH_TOKEN", TOKEN);
    mojo.promptFile =
        Files.createSymbolicLink(temp.resolve("prompt.md"), Path.of("/proc/self/environ")).toFile();

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("promptFile (zerocred.promptFile)")
        .hasMessageContaining("is not inside the workspace");
    assertThat(temp.resolve("out/review.md")).content().doesNotContain("PATH=");
  }

  @Test
  @InjectMojo(goal = "review", pom = DEFAULTS)
  void malformedTokenInSettings_failsWithoutEchoingIt(ReviewMojo mojo) {
    String notAToken = "my-secret-password-that-is-not-a-token";
    Server server = new Server();
    server.setId("anthropic");
    server.setPassword(notAToken);
    settings.addServer(server);
    prepared(mojo);

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("settings.xml server 'anthropic'")
        .hasMessageContaining("is not an Anthropic credential")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(notAToken));
    assertThat(log.text()).doesNotContain(notAToken);
    assertThat(temp.resolve("out/review.md")).content().doesNotContain(notAToken);
  }

  @Test
  void translate_configurationIsAFailure_dockerAndIoAreExecutionErrorsWithTheirCause() {
    InvalidConfigurationException config =
        new InvalidConfigurationException("cpus must be positive");
    assertThat(ReviewMojo.translate(config))
        .isInstanceOf(MojoFailureException.class)
        .hasMessage("cpus must be positive")
        .hasCause(config);

    DockerEngineUnavailableException docker =
        new DockerEngineUnavailableException("No Docker engine answered", new IOException("x"));
    assertThat(ReviewMojo.translate(docker))
        .isInstanceOf(MojoExecutionException.class)
        .hasMessage("No Docker engine answered")
        .hasCause(docker);

    UncheckedIOException io = new UncheckedIOException("disk full", new IOException("disk full"));
    assertThat(ReviewMojo.translate(io)).isInstanceOf(MojoExecutionException.class).hasCause(io);
  }

  @Test
  void translate_runOutcomes() {
    AbstractMojoExecutionException infra =
        ReviewMojo.translate(failure(ReviewFailure.Kind.INFRASTRUCTURE_FAILURE, "image missing"));
    assertThat(infra)
        .isInstanceOf(MojoExecutionException.class)
        .hasMessage("The zerocred review could not run: image missing");
    assertThat(ReviewMojo.translate(failure(ReviewFailure.Kind.CLAUDE_ERROR, "API Error: 401")))
        .isInstanceOf(MojoFailureException.class)
        .hasMessage("The zerocred review failed in Claude Code: API Error: 401");
    assertThat(ReviewMojo.translate(failure(ReviewFailure.Kind.TIMED_OUT, "killed after 1m")))
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("timed out");
    assertThat(
            ReviewMojo.translate(
                failure(ReviewFailure.Kind.CANCELLED, "The run was cancelled (SIGINT) after 9 s")))
        .isInstanceOf(MojoFailureException.class)
        .hasMessage("The zerocred review was cancelled: The run was cancelled (SIGINT) after 9 s");
  }

  @Test
  void claudesText_inTheLogAndInFailures_isNoCommandForACiRunner() {
    // Maven's "[INFO] " prefix stops "::cmd::", not the legacy "##[cmd]" that acts anywhere.
    InertLog inert = new InertLog(log);
    inert.info(RunnerLog.FORGED);
    RunnerLog.FORGED.lines().forEach(inert::warn);
    inert.error("failed", new IllegalStateException(RunnerLog.FORGED));
    AbstractMojoExecutionException failure =
        ReviewMojo.translate(failure(ReviewFailure.Kind.CLAUDE_ERROR, RunnerLog.FORGED));

    String buildLog = log.text() + "\n" + failure.getMessage();
    assertThat(RunnerLog.commands(buildLog)).isEmpty();
    assertThat(RunnerLog.commands("[ERROR] " + failure.getMessage())).isEmpty();
    assertThat(buildLog).contains("forged error", "legacy form", "anywhere in a line");
    assertThat(new ReviewMojo(null).getLog()).isInstanceOf(InertLog.class);
  }

  static ReviewFailure failure(ReviewFailure.Kind kind, String message) {
    return new ReviewFailure(kind, message);
  }
}
