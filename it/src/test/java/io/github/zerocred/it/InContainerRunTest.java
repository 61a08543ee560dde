package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zerocred itself in a container, as in the GitHub Action: it finds its own container, joins the
 * run network and binds the proxy to its own address there. The harness container gets this JVM's
 * JDK and class path mounted read-only, and the engine's socket.
 */
class InContainerRunTest {
  @TempDir Path workspace;

  private TestDocker docker;
  private String harness;

  @BeforeEach
  void connect() throws IOException {
    docker = TestDocker.connect();
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
  }

  @AfterEach
  void cleanUp() throws IOException {
    try {
      if (harness != null) {
        docker.client().removeContainerCmd(harness).withForce(true).exec();
      }
    } finally {
      docker.close();
    }
  }

  /** Starts {@code mainClass} with this JVM's JDK and class path in a container of the image. */
  private String startHarness(Class<?> mainClass) throws IOException {
    Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
    List<String> classPath = classPath();
    Set<Path> mounts = new LinkedHashSet<>();
    mounts.add(javaHome);
    mounts.addAll(linkTargetsOutside(javaHome));
    mounts.add(workspace.toRealPath());
    for (String entry : classPath) {
      mounts.add(Path.of(entry));
    }
    List<Bind> binds = new ArrayList<>();
    for (Path p : mounts) {
      binds.add(new Bind(p.toString(), new Volume(p.toString()), AccessMode.ro));
    }
    binds.add(new Bind("/var/run/docker.sock", new Volume("/var/run/docker.sock")));
    String id =
        docker
            .client()
            .createContainerCmd(TestDocker.image())
            .withUser("0:0")
            .withLabels(Map.of("zerocred.it", "true"))
            .withEnv("CHILD_RUN_TOKEN=" + RunFixture.newOauthToken())
            .withEntrypoint(
                javaHome.resolve("bin/java").toString(),
                "-cp",
                String.join(File.pathSeparator, classPath),
                mainClass.getName(),
                TestDocker.image(),
                workspace.toRealPath().toString())
            .withHostConfig(HostConfig.newHostConfig().withBinds(binds))
            .exec()
            .getId();
    docker.client().startContainerCmd(id).exec();
    return id;
  }

  @Test
  void runFromInsideAContainer_joinsTheRunNetwork_andSucceeds() throws Exception {
    harness = startHarness(InContainerRun.class);
    Integer exit =
        docker.client().waitContainerCmd(harness).start().awaitStatusCode(3, TimeUnit.MINUTES);
    String log = logs(harness);

    assertThat(exit).as(log).isZero();
    assertThat(log).contains("OUTCOME SUCCESS Hello from inside.");
    assertThat(log).contains("WARNING zerocred runs in a container");
    Matcher run = Pattern.compile("RUN (\\S+) PROXY /(\\S+):\\d+").matcher(log);
    assertThat(run.find()).as(log).isTrue();
    assertThat(docker.labelledWithRun(run.group(1))).as("left by the run").isEmpty();
    assertThat(
            docker.client().inspectContainerCmd(harness).exec().getNetworkSettings().getNetworks())
        .as("the harness left the run network again")
        .hasSize(1);
    Matcher own = Pattern.compile("OWN ADDRESSES \\[(.*)]").matcher(log);
    assertThat(own.find()).as(log).isTrue();
    assertThat(List.of(own.group(1).split(",\\s*")))
        .as("the proxy listens on the harness's own address on the run network")
        .contains(run.group(2));
  }

  @Test
  void killedHarnessContainer_leavesDebris_thatARunOnTheHostSweeps() throws Exception {
    harness = startHarness(ChildRun.class);
    String runId = awaitLine(harness, Pattern.compile("RUNNING (\\S+)"));
    assertThat(docker.labelledWithRun(runId)).hasSize(2);

    docker.client().killContainerCmd(harness).exec(); // SIGKILL: no teardown at all
    assertThat(docker.labelledWithRun(runId)).as("what the killed harness left").hasSize(2);

    RunFixture fixture = new RunFixture();
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .script(Reply.text("Nothing to do."))
            .start()) {
      RunResult next = ClaudeRun.execute(fixture.config(standIn, workspace).build());
      assertThat(next.outcome()).as(next.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
    }
    assertThat(docker.labelledWithRun(runId))
        .as("another host name and pid, but the owning container is gone")
        .isEmpty();
  }

  private String awaitLine(String id, Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String log = "";
    while (System.nanoTime() < deadline) {
      log = logs(id);
      Matcher m = pattern.matcher(log);
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the harness never printed " + pattern + ":\n" + log);
  }

  private String logs(String id) throws InterruptedException {
    return docker.logs(id);
  }

  /** This JVM's class path, with a manifest-only jar (as surefire uses) expanded. */
  private static List<String> classPath() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!Files.exists(Path.of(entry))) {
        continue;
      }
      entries.add(Path.of(entry).toRealPath().toString());
      if (entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(entry)) {
          Manifest manifest = jar.getManifest();
          String cp = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (cp != null) {
            for (String url : cp.trim().split("\\s+")) {
              Path p = Path.of(URI.create(url));
              if (Files.exists(p)) {
                entries.add(p.toRealPath().toString());
              }
            }
          }
        }
      }
    }
    return entries;
  }

  /** Directories outside the JDK that its symbolic links point into (Debian keeps conf in /etc). */
  private static Set<Path> linkTargetsOutside(Path javaHome) throws IOException {
    Set<Path> targets = new LinkedHashSet<>();
    try (Stream<Path> paths = Files.walk(javaHome)) {
      for (Path p : paths.filter(Files::isSymbolicLink).toList()) {
        if (Files.exists(p)) {
          Path real = p.toRealPath();
          if (!real.startsWith(javaHome)) {
            targets.add(real.getParent());
          }
        }
      }
    }
    return targets;
  }
}
