package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.exception.NotFoundException;
import com.sun.net.httpserver.HttpServer;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.run.Cancellation;
import io.github.zerocred.runnerimage.RunnerImageRecipe;
import io.github.zerocred.runnerimage.RunnerImageSpec;
import io.github.zerocred.runnerimage.RunnerImages;
import io.github.zerocred.testkit.PluginRepository;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team's first review, with nothing of zerocred's on the engine: no image is named, so {@code
 * zerocred review} and {@code mvn zerocred:review} build the runner image themselves (on a base no
 * runner image was built from yet, standing in for {@code debian:bookworm-slim}), review, and the
 * next run reuses the image. The Claude Code binary comes from the npm registry through npm's own
 * configuration, verified and cached on the host (the cache the test runner image was built with).
 */
class FirstReviewTest {
  private static final String REVIEW = "Stand-in review: the counter is not thread-safe.";

  @TempDir Path dir;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();

  private final String token = RunFixture.newOauthToken();
  private FreshBase base;
  private StandInAnthropicApi standIn;
  private Path ca;
  private Path workspace;

  @BeforeEach
  void standIn() throws IOException {
    standIn =
        StandInAnthropicApi.builder().expectToken(token).defaultReply(Reply.text(REVIEW)).start();
    ca = standIn.writeCaPem(dir.resolve("ca.pem"));
    workspace = Files.createDirectories(dir.resolve("ws"));
    Files.writeString(workspace.resolve("Counter.java"), "class Counter { int n; }\n");
  }

  @AfterEach
  void cleanUp() {
    try {
      if (standIn != null) {
        standIn.close();
      }
    } finally {
      if (base != null) {
        base.close();
        assertThat(base.runnerImages()).as("runner images this test built").isEmpty();
      }
    }
  }

  @Test
  void zerocredReview_withNoImage_buildsTheRunnerImage_andTheNextRunReusesIt() throws Exception {
    base = FreshBase.as(engine.docker(), RunnerImageSpec.DEFAULT_BASE_IMAGE);
    Ran before = run(jar("image", "show"));
    assertThat(before.exitCode).as(before.log()).isZero();
    assertThat(before.stdout)
        .contains("present:             no")
        .contains("base image:          debian:bookworm-slim (" + base.id() + ")")
        .contains("claude code version: ");
    String tag = line(before.stdout, "tag:");

    Ran first = run(jar("review", "--prompt", "Review it.", "--output-dir", out("1")));

    assertThat(first.exitCode).as(first.log()).isZero();
    assertThat(first.stderr)
        .contains("[zerocred] Building the runner image (Claude Code")
        .contains("[zerocred] Step ")
        .containsPattern("\\[zerocred\\] Built zerocred-runner:[0-9.]+-[0-9a-f]{12} in ");
    assertThat(first.stdout).contains(REVIEW);
    List<String> images = base.runnerImages();
    assertThat(images).containsExactly(tag);
    assertThat(tag).startsWith(RunnerImageRecipe.REPOSITORY + ":");
    assertThat(first.stderr).doesNotContain(token);
    Ran after = run(jar("image", "show"));
    assertThat(after.stdout)
        .contains("tag:                 " + tag)
        .contains("present:             yes");
    Ran build = run(jar("image", "build"));
    assertThat(build.exitCode).as(build.log()).isZero();
    assertThat(build.stdout.strip()).isEqualTo(tag);
    assertThat(build.stderr).doesNotContain("Building");

    Ran second = run(jar("review", "--prompt", "Review it.", "--output-dir", out("2")));

    assertThat(second.exitCode).as(second.log()).isZero();
    assertThat(second.stderr)
        .contains("[zerocred] Runner image " + images.get(0) + " is on the engine")
        .doesNotContain("Building the runner image");
    assertThat(second.stdout).contains(REVIEW);
    assertThat(base.runnerImages()).isEqualTo(images);
  }

  @Test
  void mavenReview_withOnlyThePluginLines_buildsTheRunnerImage_andTheNextRunReusesIt()
      throws Exception {
    base = FreshBase.as(engine.docker(), RunnerImageSpec.DEFAULT_BASE_IMAGE);
    Path root = TestDocker.repositoryRoot();
    String version = PluginRepository.version(root);
    Path repository = PluginRepository.create(root, dir.resolve("repository"), version);
    Files.writeString(
        workspace.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>org.example</groupId>
          <artifactId>first-review</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <build>
            <plugins>
              <plugin>
                <groupId>io.github.zerocred</groupId>
                <artifactId>zerocred-maven-plugin</artifactId>
                <version>%s</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """
            .formatted(version));
    Path settings = Files.writeString(dir.resolve("settings.xml"), "<settings/>\n");
    List<String> mvn =
        List.of(
            root.resolve("mvnw").toString(),
            "-B",
            "-o",
            "-s",
            settings.toString(),
            "-Dmaven.repo.local=" + repository,
            "-Dmaven.repo.local.tail=" + PluginRepository.userRepository(),
            "zerocred:review",
            // The stand-in's routes: the only settings the test adds.
            "-Dzerocred.routes=" + StandInAnthropicApi.API_HOST + "=127.0.0.1:" + standIn.port(),
            "-Dzerocred.upstreamCa=" + ca,
            "-Dzerocred.prompt=Review it.");

    Ran first = run(mvn);

    assertThat(first.exitCode).as(first.log()).isZero();
    assertThat(first.stdout)
        .contains("[INFO] zerocred: Building the runner image (Claude Code")
        .contains("[INFO] zerocred: Step ")
        .contains("[INFO] zerocred: Built zerocred-runner:")
        .contains(REVIEW)
        .contains("BUILD SUCCESS");
    List<String> images = base.runnerImages();
    assertThat(images).hasSize(1);

    Ran second = run(mvn);

    assertThat(second.exitCode).as(second.log()).isZero();
    assertThat(second.stdout)
        .contains("[INFO] zerocred: Runner image " + images.get(0) + " is on the engine")
        .doesNotContain("Building the runner image")
        .contains(REVIEW);
    assertThat(base.runnerImages()).isEqualTo(images);
  }

  @Test
  void aVersionWithShellCharacters_isRefused_beforeAnythingIsFetchedOrBuilt() throws Exception {
    Ran bad = run(jar("image", "build", "--claude-code-version", "2.1.330;touch /tmp/x"));
    assertThat(bad.exitCode).as(bad.log()).isEqualTo(2);
    assertThat(bad.stderr).contains("--claude-code-version must be an exact Claude Code version");
  }

  @Test
  void aTamperedTarball_isRefused_andNothingIsTaggedOrCached() throws Exception {
    // The default base on the engine, as in the tests above: the fetch comes after the base check.
    base = FreshBase.as(engine.docker(), RunnerImageSpec.DEFAULT_BASE_IMAGE);
    byte[] published = tarball(new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3});
    byte[] served = tarball(new byte[] {0x7f, 'E', 'L', 'F', 6, 6, 6});
    String version = "0.0.1-tampered";
    HttpServer registry =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String url = "http://127.0.0.1:" + registry.getAddress().getPort() + "/";
    String metadata =
        "{\"name\":\"@anthropic-ai/claude-code-linux-x64\",\"version\":\"%s\",\"dist\":{\"tarball\":\"%st.tgz\",\"integrity\":\"sha512-%s\"}}"
            .formatted(
                version,
                url,
                Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-512").digest(published)));
    registry.createContext(
        "/",
        exchange -> {
          byte[] body =
              exchange.getRequestURI().getPath().endsWith(".tgz")
                  ? served
                  : metadata.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    registry.start();
    Path cache = dir.resolve("empty-cache");
    try {
      RunnerImageSpec spec =
          new RunnerImageSpec(version, null, url, cache, Map.of(), s -> "--" + s.name());
      RunnerImages.Plan plan = RunnerImages.plan(engine.docker().client(), spec);
      assertThat(plan.present()).isFalse();
      assertThatThrownBy(
              () ->
                  RunnerImages.ensure(
                      engine.docker().client(), spec, line -> {}, Cancellation.create()))
          .isInstanceOf(ZerocredException.class)
          .hasMessageContaining("does not match the sha512");
      assertThatThrownBy(
              () -> engine.docker().client().inspectImageCmd(plan.tag().orElseThrow()).exec())
          .isInstanceOf(NotFoundException.class);
      try (var files = Files.walk(cache)) {
        assertThat(files.filter(Files::isRegularFile)).as("the cache").isEmpty();
      }
    } finally {
      registry.stop(0);
    }
  }

  // --------------------------------------------------------------------------------------------

  private String out(String name) {
    return dir.resolve("out-" + name).toString();
  }

  private List<String> jar(String... args) {
    Path jar = TestDocker.repositoryRoot().resolve("zerocred-action/target/zerocred.jar");
    assertThat(jar).as("build through the reactor so zerocred-action is packaged").isRegularFile();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    cmd.addAll(List.of(args));
    if (args[0].equals("review")) {
      cmd.addAll(
          List.of(
              "--workspace",
              workspace.toString(),
              "--route",
              StandInAnthropicApi.API_HOST + "=127.0.0.1:" + standIn.port(),
              "--upstream-ca",
              ca.toString(),
              "--timeout",
              "3m"));
    }
    return cmd;
  }

  record Ran(int exitCode, String stdout, String stderr) {
    String log() {
      return stdout + "\n" + stderr;
    }
  }

  private Ran run(List<String> command) throws IOException, InterruptedException {
    Path stdout = Files.createTempFile(dir, "out", ".txt");
    Path stderr = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(workspace.toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("CLAUDE_CODE_OAUTH_TOKEN", token);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("ZEROCRED_CACHE_DIR", FreshBase.sharedCache().toString());
    Process p = pb.start();
    if (!p.waitFor(8, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("did not finish in 8 minutes: " + command);
    }
    return new Ran(
        p.exitValue(),
        Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  private static String line(String text, String prefix) {
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line " + prefix + " in " + text));
  }

  private static byte[] tarball(byte[] binary) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      TarArchiveEntry e = new TarArchiveEntry("package/claude");
      e.setSize(binary.length);
      e.setMode(0100755);
      tar.putArchiveEntry(e);
      tar.write(binary);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }
}
