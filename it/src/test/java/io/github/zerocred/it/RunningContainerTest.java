package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Network;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Looks inside a run's container while Claude Code works in it (a scripted {@code sleep} keeps it
 * busy): what the container holds, how it is locked down, and where it can connect.
 */
class RunningContainerTest {
  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final RunFixture fixture = new RunFixture(runtime());

  /** The container runtime under test: the engine's default here, gVisor in a subclass. */
  String runtime() {
    return null;
  }

  @Test
  void duringARun_theContainerHoldsOnlyThePlaceholder_andReachesOnlyTheProxy() throws Exception {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    String otherNetworkId = null;
    CompletableFuture<RunResult> run = null;
    try (StandInAnthropicApi standIn =
            StandInAnthropicApi.builder()
                .expectToken(fixture.realToken)
                .script(
                    Reply.toolUse(
                        "Bash",
                        "{\"command\": \"timeout 25 tail -f /dev/null; echo rested\", \"description\": \"Wait\"}"),
                    Reply.text("Finished waiting."))
                .start();
        ServerSocket onDocker0 = new ServerSocket()) {
      run =
          CompletableFuture.supplyAsync(
              () -> ClaudeRun.execute(fixture.config(standIn, workspace).build()));
      RunEvent.Started started = fixture.awaitStarted(run);
      awaitSleepInContainer(started.containerId(), run);
      String id = started.containerId();

      // --- What the engine was told: placeholder only, locked down, limited.
      InspectContainerResponse inspected = engine.docker().client().inspectContainerCmd(id).exec();
      List<String> env = Arrays.asList(inspected.getConfig().getEnv());
      String placeholder = valueOf(env, "CLAUDE_CODE_OAUTH_TOKEN");
      assertThat(placeholder)
          .startsWith("sk-ant-oat01-")
          .hasSameSizeAs(fixture.realToken)
          .isNotEqualTo(fixture.realToken);
      assertThat(valueOf(env, "HTTPS_PROXY"))
          .isEqualTo(valueOf(env, "https_proxy"))
          .startsWith("http://zerocred:")
          .endsWith(
              "@"
                  + started.proxyAddress().getAddress().getHostAddress()
                  + ":"
                  + started.proxyAddress().getPort());
      assertThat(env)
          .contains(
              "NODE_EXTRA_CA_CERTS=/etc/zerocred/ca.pem",
              "DISABLE_AUTOUPDATER=1",
              "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1",
              "NO_PROXY=");
      assertThat(inspected.toString()).doesNotContain(fixture.realToken);
      assertThat(String.join(" ", inspected.getConfig().getCmd())).doesNotContain("follow the");
      assertThat(inspected.getConfig().getUser()).isEqualTo("1000:1000");
      assertThat(inspected.getHostConfig().getCapDrop()).containsExactly(Capability.ALL);
      assertThat(inspected.getHostConfig().getSecurityOpts()).contains("no-new-privileges");
      assertThat(inspected.getHostConfig().getRuntime())
          .isEqualTo(runtime() == null ? "runc" : runtime());
      assertThat(inspected.getHostConfig().getMemory()).isEqualTo(1024L * 1024 * 1024);
      assertThat(inspected.getHostConfig().getNanoCPUs()).isEqualTo(1_000_000_000L);
      assertThat(inspected.getHostConfig().getPidsLimit()).isEqualTo(256L);
      assertThat(inspected.getHostConfig().getLogConfig().getConfig())
          .containsEntry("max-size", "16m")
          .containsEntry("max-file", "4");
      assertThat(inspected.getHostConfig().getTmpFs()).containsKeys("/home/claude", "/tmp");
      assertThat(inspected.getConfig().getLabels())
          .containsEntry("zerocred.managed", "true")
          .containsKeys("zerocred.run", "zerocred.owner.pid", "zerocred.owner.start");
      Network runNetwork =
          engine.docker().client().inspectNetworkCmd().withNetworkId(started.network()).exec();
      assertThat(runNetwork.getInternal()).isTrue();
      assertThat(inspected.getNetworkSettings().getNetworks()).containsOnlyKeys(started.network());

      // --- Inside: every process's arguments and environment; the files Claude can see.
      TestDocker.ExecResult processes =
          engine
              .docker()
              .exec(
                  id,
                  "sh",
                  "-c",
                  "for p in /proc/[0-9]*; do tr '\\000' '\\n' < $p/cmdline; tr '\\000' '\\n' <"
                      + " $p/environ; done 2>/dev/null");
      assertThat(processes.stdout())
          .contains("CLAUDE_CODE_OAUTH_TOKEN=" + placeholder)
          .contains("--dangerously-skip-permissions")
          .contains("tail -f /dev/null")
          .doesNotContain(fixture.realToken);
      for (String dir : List.of("/home/claude", "/workspace", "/etc", "/tmp")) {
        assertThat(readTree(id, dir)).as("files under " + dir).doesNotContain(fixture.realToken);
      }
      assertThat(readTree(id, "/home/claude")).contains("hasCompletedOnboarding");
      assertThat(readTree(id, "/workspace")).contains("A small project.");
      TestDocker.ExecResult status =
          engine.docker().exec(id, "sh", "-c", "id -u; cat /proc/self/status");
      assertThat(status.stdout())
          .startsWith("1000\n")
          .containsPattern("CapEff:\\s+0000000000000000");
      if (runtime() == null) {
        // gVisor's /proc does not show the field; the engine was told (security options above).
        assertThat(status.stdout()).containsPattern("NoNewPrivs:\\s+1");
      }
      TestDocker.ExecResult writable =
          engine.docker().exec(id, "sh", "-c", "echo '{}' >> /home/claude/.claude.json && echo ok");
      assertThat(writable.stdout()).contains("ok");

      // --- Egress: the proxy answers; nothing else of this machine does.
      String runId = inspected.getConfig().getLabels().get("zerocred.run");
      assertThat(TestDocker.hostInputRules())
          .as("the run's host firewall rules")
          .contains("zerocred-run=" + runId);
      String proxyIp = started.proxyAddress().getAddress().getHostAddress();
      assertThat(canConnect(id, proxyIp, started.proxyAddress().getPort()))
          .as("the proxy")
          .isTrue();
      String docker0 = engine.docker().gatewayOf("bridge");
      onDocker0.bind(new InetSocketAddress(InetAddress.getByName(docker0), 0));
      assertThat(canConnect(id, docker0, onDocker0.getLocalPort()))
          .as("a listener on the default bridge's address " + docker0)
          .isFalse();
      assertThat(canConnect(id, proxyIp, standIn.port()))
          .as("the stand-in's port on the gateway")
          .isFalse();
      assertThat(canConnect(id, "127.0.0.1", standIn.port()))
          .as("the stand-in's port on loopback")
          .isFalse();
      otherNetworkId =
          engine
              .docker()
              .client()
              .createNetworkCmd()
              .withName("zerocred-it-other-" + UUID.randomUUID())
              .withLabels(Map.of("zerocred.it", "true"))
              .exec()
              .getId();
      String otherGateway = engine.docker().gatewayOf(otherNetworkId);
      try (ServerSocket onOther = new ServerSocket()) {
        onOther.bind(new InetSocketAddress(InetAddress.getByName(otherGateway), 0));
        assertThat(canConnect(id, otherGateway, onOther.getLocalPort()))
            .as("a listener on another network's gateway " + otherGateway)
            .isFalse();
      }

      RunResult result = run.get(2, TimeUnit.MINUTES);
      assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
      assertThat(result.resultText()).isEqualTo("Finished waiting.");
      assertThat(fixture.events(RunEvent.ToolUsed.class))
          .extracting(RunEvent.ToolUsed::tool)
          .contains("Bash");
      assertThat(fixture.events(RunEvent.Elapsed.class)).isNotEmpty();
      for (RecordedRequest r : standIn.requests()) {
        assertThat(r.header("authorization")).isEqualTo("Bearer " + fixture.realToken);
        assertThat(r.bodyAsString()).doesNotContain(placeholder);
      }
      assertThat(engine.docker().labelledWithRun(result.runId())).isEmpty();
      assertThat(TestDocker.hostInputRules()).doesNotContain("zerocred-run=" + runId);
    } finally {
      // A failed assertion must not leave the run going: stop it before the leftover check.
      RunFixture.stop(run, engine.docker());
      if (otherNetworkId != null) {
        engine.docker().removeNetworkQuietly(otherNetworkId);
      }
    }
  }

  /** Waits until Claude's Bash tool runs {@code sleep}: the run is then mid-conversation. */
  private void awaitSleepInContainer(String id, CompletableFuture<RunResult> run)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (run.isDone()) {
        throw new AssertionError("the run ended early: " + run.join());
      }
      TestDocker.ExecResult ps;
      try {
        ps =
            engine
                .docker()
                .exec(
                    id,
                    "sh",
                    "-c",
                    "for p in /proc/[0-9]*; do tr '\\000' ' ' < $p/cmdline; echo; done 2>/dev/null");
      } catch (RuntimeException e) {
        throw new AssertionError(
            "the container stopped before Claude ran the scripted sleep: "
                + run.completeOnTimeout(null, 30, TimeUnit.SECONDS).join(),
            e);
      }
      if (ps.stdout().contains("tail -f /dev/null")) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Claude never ran the scripted sleep; events: " + fixture.events);
  }

  /** Tries a TCP connection from inside the container, with bash's /dev/tcp. */
  private boolean canConnect(String containerId, String ip, int port) {
    TestDocker.ExecResult r =
        engine
            .docker()
            .exec(
                containerId,
                "timeout",
                "5",
                "bash",
                "-c",
                "exec 3<>/dev/tcp/" + ip + "/" + port + " && echo connected");
    return r.exitCode() == 0 && r.stdout().contains("connected");
  }

  /**
   * Every file under {@code dir} as the container sees it, read inside it: the copy API would read
   * the image's layer under a tmpfs mount, not the tmpfs.
   */
  private String readTree(String containerId, String dir) {
    return engine
        .docker()
        .exec(containerId, "sh", "-c", "find " + dir + " -type f -exec cat {} + 2>/dev/null; true")
        .stdout();
  }

  private static String valueOf(List<String> env, String name) {
    return env.stream()
        .filter(e -> e.startsWith(name + "="))
        .map(e -> e.substring(name.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not set in " + env));
  }
}
