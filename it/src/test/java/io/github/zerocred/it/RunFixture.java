package io.github.zerocred.it;

import com.github.dockerjava.api.model.Container;
import io.github.zerocred.proxy.Credential;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunEvent;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A fresh real token, the events a run reported, and a run configuration aimed at a stand-in. */
final class RunFixture {
  private static final SecureRandom RANDOM = new SecureRandom();

  final String realToken = newOauthToken();
  final List<RunEvent> events = new CopyOnWriteArrayList<>();
  // The container runtime the runs use (runsc for the gVisor variants), or null for the engine's.
  private final String runtime;

  RunFixture() {
    this(null);
  }

  RunFixture(String runtime) {
    this.runtime = runtime;
  }

  /** An OAuth-shaped token no test run has seen before. */
  static String newOauthToken() {
    StringBuilder sb = new StringBuilder("sk-ant-oat01-");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 80; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.append("-realAA").toString();
  }

  /**
   * A run against {@code standIn}: the proxy (in this JVM) routes api.anthropic.com to it and
   * trusts its test CA, exactly as a company would point it at an internal gateway.
   */
  RunConfig.Builder config(StandInAnthropicApi standIn, Path workspace) {
    return RunConfig.builder()
        .workspace(workspace)
        .prompt("Please follow the scripted conversation.")
        .image(TestDocker.image())
        .credential(Credential.anthropic(realToken, "CLAUDE_CODE_OAUTH_TOKEN"))
        .route(StandInAnthropicApi.API_HOST, standIn.address())
        .upstreamTrust(standIn.pki().caCertificate())
        .memoryBytes(1024L * 1024 * 1024)
        .cpus(1.0)
        .pidsLimit(256)
        .timeout(Duration.ofMinutes(3))
        .progressInterval(Duration.ofSeconds(2))
        .listener(events::add)
        .runtime(runtime);
  }

  /**
   * Ends a run a test started in the background, so that a failed assertion never leaves it running
   * into the next test: kills this JVM's run containers (the run then sees its container exit and
   * tears everything down) and waits for the run to return.
   */
  static void stop(CompletableFuture<RunResult> run, TestDocker docker) {
    if (run == null || run.isDone()) {
      return;
    }
    Map<String, String> mine =
        Map.of(
            "zerocred.managed",
            "true",
            "zerocred.owner.pid",
            Long.toString(ProcessHandle.current().pid()));
    for (Container c : docker.client().listContainersCmd().withLabelFilter(mine).exec()) {
      try {
        docker.client().killContainerCmd(c.getId()).exec();
      } catch (RuntimeException e) {
        // It exited meanwhile.
      }
    }
    try {
      run.get(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // The test has failed already; the leftover check reports what is left.
    }
  }

  /**
   * The run's Started event, once the container runs; fails if the run ends first or takes 60 s.
   */
  RunEvent.Started awaitStarted(CompletableFuture<RunResult> run) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      List<RunEvent.Started> started = events(RunEvent.Started.class);
      if (!started.isEmpty()) {
        return started.get(0);
      }
      if (run.isDone()) {
        throw new AssertionError("the run ended before it started: " + run.join());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the run did not start within 60 s; events: " + events);
  }

  <T extends RunEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
