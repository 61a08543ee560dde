package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.zerocred.run.Cancellation;
import io.github.zerocred.runnerimage.ClaudeCodeBinaries;
import io.github.zerocred.runnerimage.ClaudeCodeVersion;
import io.github.zerocred.runnerimage.RunnerImageListener;
import io.github.zerocred.runnerimage.RunnerImageSpec;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.RunnerJob;
import io.github.zerocred.testkit.StandInAnthropicApi;
import io.github.zerocred.testkit.StandInGitHubApi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The action's first job on an engine with no runner image for its base: with no {@code image}
 * input it builds the runner image inside a {@code ::group::} (fetching Claude Code from the npm
 * registry from inside the action's container, with nothing cached), posts the review, and the next
 * job reuses the image. The registry comes from {@code NPM_CONFIG_REGISTRY} in the step's
 * environment, as a workflow's {@code env:} (or the release build of the action image) gives it.
 */
class FirstActionJobTest {
  private static final String REVIEW = "Division by zero in Discount.apply.";

  @TempDir Path root;

  private final String oauthToken = RunFixture.newOauthToken();
  private final String githubToken = "ghs_" + "x".repeat(36);
  private ActionJob job;
  private StandInGitHubApi github;
  private FreshBase base;

  @BeforeEach
  void job() throws IOException {
    job = new ActionJob(root);
    github = new StandInGitHubApi(new InetSocketAddress(job.gateway, 0), githubToken);
    job.githubApiUrl = github.url();
    String baseSha = job.commit("src/Discount.java", "class Discount {}\n", "base");
    String headSha =
        job.commit("src/Discount.java", "class Discount { int a(int p) { return p / 0; } }\n", "x");
    job.event(RunnerJob.pullRequestEvent(baseSha, headSha, "acme/widgets"));
    base = FreshBase.as(job.docker, RunnerImageSpec.DEFAULT_BASE_IMAGE);
  }

  @AfterEach
  void close() throws IOException {
    try {
      if (base != null) {
        base.close(); // before the job, which closes the engine's client
      }
    } finally {
      github.close();
      job.close();
    }
  }

  @Test
  void firstJob_withNoImageInput_buildsTheRunnerImageInAGroup_andTheNextJobReusesIt()
      throws Exception {
    try (StandInAnthropicApi anthropic =
        StandInAnthropicApi.builder()
            .bind(new InetSocketAddress(job.gateway, 0))
            .expectToken(oauthToken)
            .defaultReply(Reply.text(REVIEW))
            .start()) {
      anthropic.writeCaPem(job.home.resolve("stand-in-ca.pem"));
      restoreCache(job.home.resolve(".cache/zerocred"));
      Map<String, String> env =
          Map.of(
              "ZEROCRED_ROUTES",
              StandInAnthropicApi.API_HOST + "=" + job.gateway + ":" + anthropic.port(),
              "ZEROCRED_UPSTREAM_CA",
              "/github/home/stand-in-ca.pem",
              "NPM_CONFIG_REGISTRY",
              npmRegistry());

      ActionJob.Result first = job.run(inputs(), env);

      assertThat(first.exitCode()).as(first.log()).isZero();
      assertThat(first.outputs())
          .containsEntry("conclusion", "success")
          .containsEntry("result", REVIEW);
      String log = first.log();
      assertThat(log)
          .contains("::group::Building the runner image (Claude Code")
          .contains("from the cache /github/home/.cache/zerocred/claude-code/")
          .contains("[zerocred] Step ")
          .contains("[zerocred] Built zerocred-runner:");
      assertThat(log.indexOf("::endgroup::")).isGreaterThan(log.indexOf("::group::Building"));
      List<String> images = base.runnerImages();
      assertThat(images).hasSize(1);
      // Only the mask command (the runner's own) carries the token.
      assertThat(first.allLines())
          .filteredOn(l -> !l.startsWith("::add-mask::"))
          .noneMatch(l -> l.contains(oauthToken));

      ActionJob.Result second = job.run(inputs(), env);

      assertThat(second.exitCode()).as(second.log()).isZero();
      assertThat(second.log())
          .contains("Runner image " + images.get(0) + " is on the engine")
          .doesNotContain("Building the runner image");
      assertThat(base.runnerImages()).isEqualTo(images);
    }
  }

  private Map<String, String> inputs() {
    Map<String, String> inputs = new HashMap<>();
    inputs.put("claude_code_oauth_token", oauthToken);
    inputs.put("github_token", githubToken);
    inputs.put("timeout_minutes", "5");
    inputs.put("comment_mode", "sticky");
    // Left empty, as the runner passes inputs the workflow does not set.
    for (String empty : List.of("image", "claude_code_version", "base_image", "npm_registry")) {
      inputs.put(empty, "");
    }
    return inputs;
  }

  /**
   * The verified binaries of the host's cache, linked (or copied) into the job's home. The test
   * image's build fills that cache, but only when it builds: with the image already on the engine
   * (a fresh clone, an engine kept from before) the cache is empty, so the binary is fetched and
   * verified here, on the host, by the same code the build uses.
   */
  private static void restoreCache(Path target) throws IOException, InterruptedException {
    Path source = FreshBase.sharedCache();
    String registry = npmRegistry();
    ClaudeCodeBinaries.in(source)
        .obtain(
            ClaudeCodeVersion.DEFAULT,
            System.getProperty("os.arch").equals("aarch64") ? "arm64" : "x64",
            () -> URI.create(registry),
            RunnerImageListener.NONE,
            Cancellation.create());
    try (var files = Files.walk(source.resolve("claude-code"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path to = target.resolve(source.relativize(f).toString());
        Files.createDirectories(to.getParent());
        try {
          Files.createLink(to, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, to);
        }
      }
    }
  }

  /** The registry npm on this machine uses: what a workflow would put in the step's env. */
  private static String npmRegistry() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("npm", "config", "get", "registry").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0)
        .as("npm config get registry (npm is part of the test set-up)")
        .isTrue();
    return out;
  }
}
