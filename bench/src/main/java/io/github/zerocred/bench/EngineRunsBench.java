package io.github.zerocred.bench;

import io.github.zerocred.proxy.Credential;
import io.github.zerocred.run.ClaudeRun;
import io.github.zerocred.run.RunConfig;
import io.github.zerocred.run.RunResult;
import io.github.zerocred.run.RunSlots;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Whole sandboxed runs on the real engine, each a stand-in review (the real Claude Code CLI in the
 * runner image, one answer from the stand-in API): two named workloads.
 *
 * <ul>
 *   <li>{@code concurrency}: one run alone (median of several), then N runs started at once in this
 *       process (one {@link RunSlots} of N), timed until the last is done: the batch's wall time,
 *       each run's wall time, and the overhead per run against one alone.
 *   <li>{@code runtime}: one run under the engine's default runtime (runc) and one under gVisor
 *       ({@code runsc}), rounds interleaved, medians.
 * </ul>
 *
 * <p>Arguments: {@code --image IMAGE [--workload concurrency|runtime|all] [--runs N] [--rounds R]}.
 * Needs the engine, the image, and root for the firewall rules (as the end-to-end tests do).
 */
public final class EngineRunsBench {
  private static final String TOKEN =
      "sk-ant-oat01-benchToken_notASecret_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN-AA";

  private final String image;
  private final Path workspace;
  private final StandInAnthropicApi standIn;

  private EngineRunsBench(String image, Path workspace, StandInAnthropicApi standIn) {
    this.image = image;
    this.workspace = workspace;
    this.standIn = standIn;
  }

  public static void main(String[] args) throws Exception {
    String image = null;
    String workload = "all";
    int runs = 40;
    int rounds = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--image" -> image = args[++i];
        case "--workload" -> workload = args[++i];
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (image == null) {
      throw new IllegalArgumentException("--image is required (the runner image on the engine)");
    }
    Path workspace = Files.createTempDirectory("engine-runs-");
    Files.writeString(workspace.resolve("README.md"), "A small project to review.\n");
    try (StandInAnthropicApi standIn =
        StandInAnthropicApi.builder()
            .expectToken(TOKEN)
            .defaultReply(Reply.text("Reviewed: nothing to report."))
            .start()) {
      EngineRunsBench bench = new EngineRunsBench(image, workspace, standIn);
      bench.run(null); // warm-up: image layers and the CLI's pages in the page cache
      if (workload.equals("all") || workload.equals("concurrency")) {
        bench.concurrency(runs, rounds);
      }
      if (workload.equals("all") || workload.equals("runtime")) {
        bench.runtime(rounds);
      }
    } finally {
      try (Stream<Path> paths = Files.walk(workspace)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void concurrency(int runs, int rounds) throws Exception {
    List<Long> alone = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      alone.add(run(null));
    }
    long aloneMedian = median(alone);
    RunSlots slots = RunSlots.withLimit(runs);
    ExecutorService threads = Executors.newFixedThreadPool(runs);
    List<CompletableFuture<Long>> batch = new ArrayList<>();
    long t0 = System.nanoTime();
    try {
      for (int i = 0; i < runs; i++) {
        batch.add(CompletableFuture.supplyAsync(() -> run(null, slots), threads));
      }
      List<Long> each = new ArrayList<>();
      for (CompletableFuture<Long> f : batch) {
        each.add(f.get());
      }
      long wall = System.nanoTime() - t0;
      System.out.printf(
          Locale.ROOT,
          "concurrency: one run alone %.2f s (median of %d); %d runs at once: all done in %.1f s,"
              + " each %.1f s median / %.1f s max; per run %.2f s of the batch (%.2fx one alone),"
              + " %.2f s more than alone per run%n",
          aloneMedian / 1e9,
          rounds,
          runs,
          wall / 1e9,
          median(each) / 1e9,
          each.stream().mapToLong(Long::longValue).max().orElse(0) / 1e9,
          wall / 1e9 / runs,
          (double) wall / runs / aloneMedian,
          (wall / (double) runs - aloneMedian) / 1e9);
    } finally {
      threads.shutdownNow();
    }
  }

  private void runtime(int rounds) {
    List<Long> runc = new ArrayList<>();
    List<Long> runsc = new ArrayList<>();
    run("runsc"); // warm-up under gVisor too
    for (int r = 0; r < rounds; r++) {
      runc.add(run(null));
      runsc.add(run("runsc"));
    }
    System.out.printf(
        Locale.ROOT,
        "runtime: a stand-in review under runc %.2f s, under runsc (gVisor, ptrace) %.2f s"
            + " (median of %d, interleaved): %.2fx, +%.2f s%n",
        median(runc) / 1e9,
        median(runsc) / 1e9,
        rounds,
        (double) median(runsc) / median(runc),
        (median(runsc) - median(runc)) / 1e9);
  }

  private long run(String runtime) {
    return run(runtime, null);
  }

  /** One whole run, as a front end starts it; its wall time in nanoseconds. */
  private long run(String runtime, RunSlots slots) {
    RunConfig config =
        RunConfig.builder()
            .workspace(workspace)
            .prompt("Review this change.")
            .image(image)
            .credential(Credential.anthropic(TOKEN, "CLAUDE_CODE_OAUTH_TOKEN"))
            .route(StandInAnthropicApi.API_HOST, standIn.address())
            .upstreamTrust(standIn.pki().caCertificate())
            // Forty Claude Code processes on one machine: each uses about 150-250 MB.
            .memoryBytes(512L * 1024 * 1024)
            .cpus(1.0)
            .pidsLimit(128)
            .timeout(Duration.ofMinutes(10))
            .runtime(runtime)
            .runSlots(slots)
            .build();
    long t0 = System.nanoTime();
    RunResult result = ClaudeRun.execute(config);
    long nanos = System.nanoTime() - t0;
    if (!result.isSuccess()) {
      throw new IllegalStateException("a run failed: " + result);
    }
    return nanos;
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
