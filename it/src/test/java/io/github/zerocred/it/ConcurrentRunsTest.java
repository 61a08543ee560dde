package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Network;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.RunSlots;
import io.github.zerocred.run.SubnetPool;
import io.github.zerocred.testkit.RecordedRequest;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forty runs at once on one engine, more than Docker's default address pools hold (about 30 bridge
 * networks): each takes a /28 of zerocred's subnet pool. The stand-in holds every run's first
 * answer until all forty are alive together, so they really overlap.
 */
class ConcurrentRunsTest {
  static final int RUNS = 40;

  @TempDir Path workspace;

  @RegisterExtension final NothingLeftBehind engine = new NothingLeftBehind();
  private final RunFixture fixture = new RunFixture();

  @Test
  void fortyRunsAtOnce_onOneEngine_allSucceed_onDisjointSubnetsOfThePool_andLeaveNothingBehind()
      throws Exception {
    Files.writeString(workspace.resolve("README.md"), "A small project.\n");
    CompletableFuture<Void> release = new CompletableFuture<>();
    RunSlots slots = RunSlots.withLimit(RUNS);
    ExecutorService threads = Executors.newFixedThreadPool(RUNS);
    List<CompletableFuture<RunResult>> runs = new ArrayList<>();
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(fixture.realToken)
            .defaultReply(Reply.text("Reviewed."))
            .holdReplies(release)
            .start()) {
      for (int i = 0; i < RUNS; i++) {
        runs.add(
            CompletableFuture.supplyAsync(
                () ->
                    ClaudeRun.execute(
                        fixture
                            .config(standIn, workspace)
                            // 40 Claude Code processes on one machine: each uses ~150-250 MB.
                            .memoryBytes(512L * 1024 * 1024)
                            .cpus(0.5)
                            .pidsLimit(128)
                            .timeout(Duration.ofMinutes(10))
                            .progressInterval(Duration.ofSeconds(30))
                            .runSlots(slots)
                            .build()),
                threads));
      }

      awaitAllAlive(standIn, runs);
      // A /28 reads as a pool of one network: its first address and prefix.
      List<SubnetPool> subnets = new ArrayList<>();
      for (Network n : ownNetworks()) {
        subnets.add(SubnetPool.parse(n.getIpam().getConfig().get(0).getSubnet(), "subnet"));
      }
      assertThat(subnets).as("one network per run, all alive together").hasSize(RUNS);
      assertThat(new HashSet<>(subnets)).as("no two runs share a subnet").hasSize(RUNS);
      SubnetPool pool = SubnetPool.defaults();
      int poolMask = -1 << (32 - pool.prefix());
      for (SubnetPool s : subnets) {
        assertThat(s.prefix()).isEqualTo(SubnetPool.RUN_PREFIX);
        assertThat(s.network() & poolMask).as(s + " in " + pool).isEqualTo(pool.network());
      }
      assertThat(slots.running()).isEqualTo(RUNS);

      release.complete(null);
      Set<String> runIds = new HashSet<>();
      for (CompletableFuture<RunResult> run : runs) {
        RunResult result = run.get(10, TimeUnit.MINUTES);
        assertThat(result.outcome()).as(result.toString()).isEqualTo(RunResult.Outcome.SUCCESS);
        assertThat(result.resultText()).isEqualTo("Reviewed.");
        runIds.add(result.runId());
      }
      assertThat(runIds).hasSize(RUNS);
      for (RecordedRequest r : standIn.requests()) {
        assertThat(r.header("authorization")).isEqualTo("Bearer " + fixture.realToken);
      }
      String rules = TestDocker.hostInputRules();
      for (String runId : runIds) {
        assertThat(rules).doesNotContain("zerocred-run=" + runId);
      }
      assertThat(slots.running()).isZero();
    } finally {
      release.complete(null);
      for (CompletableFuture<RunResult> run : runs) {
        RunFixture.stop(run, engine.docker());
      }
      threads.shutdownNow();
    }
  }

  /** Waits until every run holds an answer in the stand-in: forty containers alive at once. */
  private void awaitAllAlive(StandInAnthropicApi standIn, List<CompletableFuture<RunResult>> runs)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (standIn.heldReplies() < RUNS) {
      for (CompletableFuture<RunResult> run : runs) {
        if (run.isDone()) {
          throw new AssertionError("a run ended while the others started: " + run.join());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "only " + standIn.heldReplies() + " of " + RUNS + " runs reached the stand-in");
      }
      Thread.sleep(500);
    }
  }

  private List<Network> ownNetworks() {
    return engine
        .docker()
        .client()
        .listNetworksCmd()
        .withFilter("label", List.of("zerocred.owner.pid=" + ProcessHandle.current().pid()))
        .exec();
  }
}
