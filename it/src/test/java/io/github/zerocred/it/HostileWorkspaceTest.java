package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.SecretInWorkspaceException;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkout that carries credentials, as {@code actions/checkout} leaves one by default: the
 * agent, told by the pull request to read {@code .git/config} with its real Bash tool, finds no
 * secret, and a secret the run knows refuses the run before anything starts.
 */
class HostileWorkspaceTest {
  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final RunFixture fixture = new RunFixture();
  private final String githubToken = "ghs_" + RunFixture.newOauthToken().substring(13, 49);

  /** What the attacker's pull request makes the agent do: read the checkout's git config. */
  private static StandInAnthropicApi.Builder readGitConfig(String token) {
    return StandInAnthropicApi.builder()
        .expectToken(token)
        .script(
            Reply.toolUse(
                "Bash",
                "{\"command\": \"cat .git/config; git config --list --show-origin; git log"
                    + " --format=%s; ls -a .git\", \"description\": \"Read the git config\"}"),
            Reply.dynamic(
                request ->
                    Reply.text("Found: " + request.lastToolResultContent().orElse("(none)"))));
  }

  @Test
  void checkoutKeepingTheJobsGitHubToken_isRefusedBeforeAnythingStarts() throws Exception {
    checkout();
    // Exactly what actions/checkout does with persist-credentials (its default).
    git(
        "config",
        "--local",
        "http.https://github.com/.extraheader",
        "AUTHORIZATION: basic "
            + Base64.getEncoder()
                .encodeToString(
                    ("x-access-token:" + githubToken).getBytes(StandardCharsets.US_ASCII)));

    try (StandInAnthropicApi standIn = readGitConfig(fixture.realToken).start()) {
      assertThatThrownBy(
              () ->
                  ClaudeRun.execute(
                      fixture
                          .config(standIn, workspace)
                          .secretToKeepOut("the GitHub token", githubToken)
                          .build()))
          .isInstanceOf(SecretInWorkspaceException.class)
          .hasMessageContaining("the GitHub token (base64-encoded) in .git/config")
          .hasMessageContaining("persist-credentials: false")
          .hasMessageNotContaining(githubToken)
          .satisfies(
              e ->
                  assertThat(((SecretInWorkspaceException) e).files())
                      .containsExactly(".git/config"));
      assertThat(standIn.requests()).as("requests the stand-in received").isEmpty();
      assertThat(fixture.events(RunEvent.Started.class)).isEmpty();
      assertThat(engine.docker().labelledByThisJvm()).isEmpty();
    }
  }

  @Test
  void theAnthropicCredentialAnywhereInTheWorkspace_isRefused_namingTheFilesNotTheSecret()
      throws Exception {
    Files.createDirectories(workspace.resolve("docs"));
    Files.writeString(
        workspace.resolve("docs/notes.md"),
        "token: "
            + Base64.getEncoder()
                .encodeToString(("k=" + fixture.realToken).getBytes(StandardCharsets.US_ASCII)));
    Files.writeString(
        workspace.resolve("url.txt"),
        "https://h/?t=" + URLEncoder.encode(fixture.realToken + "/x", StandardCharsets.UTF_8));
    Files.writeString(workspace.resolve("clean.txt"), "nothing here\n");

    try (StandInAnthropicApi standIn = readGitConfig(fixture.realToken).start()) {
      assertThatThrownBy(() -> ClaudeRun.execute(fixture.config(standIn, workspace).build()))
          .isInstanceOf(SecretInWorkspaceException.class)
          .hasMessageContaining("the Claude Code OAuth token")
          .hasMessageNotContaining(fixture.realToken)
          .satisfies(
              e ->
                  assertThat(((SecretInWorkspaceException) e).files())
                      .containsExactlyInAnyOrder("docs/notes.md", "url.txt"));
      assertThat(standIn.requests()).isEmpty();
      assertThat(fixture.events(RunEvent.Started.class)).isEmpty();
    }
  }

  @Test
  void gitConfigCredentialsTheRunDoesNotKnow_areTakenOut_beforeTheAgentReadsThem()
      throws Exception {
    checkout();
    String otherToken = "ghp_" + RunFixture.newOauthToken().substring(13, 49);
    String password = "pw-" + Long.toHexString(System.nanoTime());
    git(
        "config",
        "--local",
        "http.https://github.com/.extraheader",
        "AUTHORIZATION: basic "
            + Base64.getEncoder()
                .encodeToString(("x-access-token:" + otherToken).getBytes(StandardCharsets.UTF_8)));
    git("remote", "add", "origin", "https://x-access-token:" + password + "@github.com/o/r.git");
    git("config", "--local", "credential.helper", "store --file=/github/home/" + password);
    git("config", "--local", "includeIf.gitdir:/github/workspace/.git.path", "/tmp/" + password);
    // Hostile syntax git accepts: mixed case, a subsection, a continuation line, same-line key.
    Files.writeString(
        workspace.resolve(".git/config"),
        "[HTTP \"https://github.com/\"] ExtraHeader = \"AUTHORIZATION: basic \\\n"
            + otherToken
            + "\"\n",
        java.nio.file.StandardOpenOption.APPEND);

    try (StandInAnthropicApi standIn = readGitConfig(fixture.realToken).start()) {
      RunResult result = ClaudeRun.execute(fixture.config(standIn, workspace).build());

      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      // The agent read the rewritten config with real git: it works, and holds no credential.
      assertThat(result.resultText())
          .contains("remote.origin.url=https://github.com/o/r.git")
          .contains("initial commit")
          .doesNotContainIgnoringCase("extraheader")
          .doesNotContain(password)
          .doesNotContain(otherToken);
      List<String> bodies = new ArrayList<>();
      for (RecordedRequest r : standIn.requests()) {
        bodies.add(r.bodyAsString());
      }
      assertThat(String.join("\n", bodies))
          .contains("remote.origin.url")
          .doesNotContain(password)
          .doesNotContain(otherToken)
          .doesNotContain(
              Base64.getEncoder()
                  .encodeToString(("x-access-token:" + otherToken).getBytes(StandardCharsets.UTF_8))
                  .substring(0, 40));
      // The checkout on the host is as it was.
      assertThat(Files.readString(workspace.resolve(".git/config"))).contains(password);
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
    }
  }

  @Test
  void bindMountedCheckoutWithGitCredentials_isRefused_sinceAMountCannotLeaveThemOut()
      throws Exception {
    checkout();
    git("remote", "add", "origin", "https://x-access-token:unknown-pw@github.com/o/r.git");

    try (StandInAnthropicApi standIn = readGitConfig(fixture.realToken).start()) {
      assertThatThrownBy(
              () ->
                  ClaudeRun.execute(
                      fixture.config(standIn, workspace).bindMountWorkspace(true).build()))
          .isInstanceOf(SecretInWorkspaceException.class)
          .hasMessageContaining(".git/config holds credentials")
          .hasMessageContaining("bindMountWorkspace")
          .hasMessageNotContaining("unknown-pw");
      assertThat(standIn.requests()).isEmpty();
      assertThat(fixture.events(RunEvent.Started.class)).isEmpty();
    }
  }

  private void checkout() throws IOException {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git(
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.invalid",
        "commit",
        "-qm",
        "initial commit");
  }

  private void git(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("git", "-C", workspace.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("git " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
