package io.github.zerocred.bench;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Workload 10: time to a first review with {@code zerocred review} and no image named, against the
 * stand-in Messages API — cold (the engine has no runner image for the base: zerocred builds it;
 * once with an empty binary cache, once with the verified binary cached) and warm (the image is
 * there). Each run's stderr lines are timed to split the wall time into JVM start and engine check,
 * fetch, image build, sandbox set-up up to the container's start, and Claude (up to the exit,
 * teardown included).
 *
 * <p>The base image stands in for {@code debian:bookworm-slim} (no image registry here): the
 * offline Debian base the test runner image was built on ({@code it/testbed/claude-image.sh}),
 * given a label of its own per cold run so that no runner image exists for it yet.
 */
final class TimeToFirstReview extends Workload {
  private static final String TEST_IMAGE = "zerocred-runner-test:latest";

  TimeToFirstReview() {
    super(10);
  }

  /** {@code ZEROCRED_TEST_IMAGE} as the tests use it, else the test image's moving tag. */
  private static String testImage() {
    String configured = System.getenv("ZEROCRED_TEST_IMAGE");
    return configured == null || configured.isBlank() ? TEST_IMAGE : configured.strip();
  }

  @Override
  void run(BenchContext bench) throws Exception {
    BenchOptions options = bench.options();
    String offlineBase =
        Processes.firstLine(
            List.of(
                "docker",
                "image",
                "inspect",
                "--format",
                "{{ index .Config.Labels \"zerocred.runner.base-id\" }}",
                testImage()));
    if (offlineBase == null || !offlineBase.startsWith("sha256:")) {
      bench.note(
          "Workload 10 was skipped: no "
              + testImage()
              + " built by zerocred (run bash it/testbed/claude-image.sh).");
      return;
    }
    bench.say("workload 10: time to first review, cold and warm");
    Path work = Files.createDirectories(options.work().resolve("first-review"));
    String token = bench.realToken();
    List<String> bases = new ArrayList<>();
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder()
            .pki(bench.pki())
            .expectToken(token)
            .defaultReply(Reply.text("Stand-in review."))
            .start()) {
      double jvm = jvmStart(options.zerocredJar());
      Path emptyCache = Files.createDirectories(work.resolve("cache-cold"));
      String coldBase = freshBase(offlineBase, bases);
      Timed cold = review(options, api, bench, coldBase, emptyCache, work, token);
      String cachedBase = freshBase(offlineBase, bases);
      Timed cachedCold = review(options, api, bench, cachedBase, emptyCache, work, token);
      LongList warm = new LongList();
      Timed lastWarm = null;
      int runs = options.quick() ? 2 : 3;
      for (int i = 0; i < runs; i++) {
        lastWarm = review(options, api, bench, cachedBase, emptyCache, work, token);
        warm.add((long) (lastWarm.total() * 1_000_000));
      }
      add(bench, "cold, empty binary cache: wall time (ms)", cold.total());
      add(bench, "  of which fetch + verify of the Claude Code binary (ms)", cold.fetch());
      add(bench, "  of which image build (docker build) (ms)", cold.build() - cold.fetch());
      add(bench, "cold, binary cached: wall time (ms)", cachedCold.total());
      add(bench, "  of which image build (ms)", cachedCold.build());
      add(
          bench,
          "warm (image present): wall time p50 of " + runs + " (ms)",
          BenchContext.ms(warm.stats().median()));
      add(bench, "  JVM start (zerocred --version) (ms)", jvm);
      add(bench, "  JVM start + engine check, to the first line (ms)", lastWarm.firstLine());
      add(bench, "  sandbox set-up to the container's start (ms)", lastWarm.containerStart());
      add(bench, "  Claude Code to exit, teardown included (ms)", lastWarm.claude());
      bench.note(
          String.format(
              Locale.ROOT,
              "Workload 10 (ms): cold %s; cold, binary cached %s; last warm %s; JVM start %.0f.",
              cold,
              cachedCold,
              lastWarm,
              jvm));
    } finally {
      for (String base : bases) {
        removeRunnerImagesAndBase(base);
      }
    }
  }

  private void add(BenchContext bench, String figure, double ms) {
    bench.add(new Row(number(), figure, null, ms, null, null));
  }

  /** What one review's stderr lines said, in milliseconds from its start. */
  record Timed(
      double firstLine,
      double buildStart,
      double fetchEnd,
      double buildEnd,
      double started,
      double total) {
    double fetch() {
      return fetchEnd < 0 ? 0 : fetchEnd - buildStart;
    }

    double build() {
      return buildEnd < 0 ? 0 : buildEnd - buildStart;
    }

    double containerStart() {
      return started - Math.max(firstLine, buildEnd);
    }

    double claude() {
      return total - started;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "total %.0f = first line %.0f + fetch %.0f + build %.0f + container start %.0f + Claude %.0f",
          total,
          firstLine,
          fetch(),
          build() - fetch(),
          containerStart(),
          claude());
    }
  }

  private Timed review(
      BenchOptions options,
      StandInAnthropicApi api,
      BenchContext bench,
      String base,
      Path cache,
      Path work,
      String token)
      throws IOException, InterruptedException {
    Path run = Files.createTempDirectory(work, "run");
    Path ws = Files.createDirectories(run.resolve("ws"));
    Files.writeString(ws.resolve("A.java"), "class A {}\n");
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            options.zerocredJar().toString(),
            "review",
            "--workspace",
            ws.toString(),
            "--prompt",
            "Review it.",
            "--base-image",
            base,
            "--route",
            StandInAnthropicApi.API_HOST + "=127.0.0.1:" + api.port(),
            "--upstream-ca",
            bench.upstreamCa().toString(),
            "--output-dir",
            run.resolve("out").toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put(Credentials.OAUTH_VARIABLE, token);
    env.put("ZEROCRED_CACHE_DIR", cache.toString());
    long start = System.nanoTime();
    Process p = pb.start();
    List<double[]> marks = new CopyOnWriteArrayList<>();
    List<String> lines = new CopyOnWriteArrayList<>();
    try (BufferedReader err =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null) {
        lines.add(line);
        marks.add(new double[] {(System.nanoTime() - start) / 1e6});
      }
    }
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(
          "zerocred review failed: "
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
    }
    double total = (System.nanoTime() - start) / 1e6;
    return new Timed(
        at(lines, marks, "[zerocred] "),
        at(lines, marks, "[zerocred] Building the runner image"),
        at(lines, marks, "[zerocred] Verified "),
        at(lines, marks, "[zerocred] Built "),
        at(lines, marks, "[zerocred] run "),
        total);
  }

  private static double at(List<String> lines, List<double[]> marks, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return marks.get(i)[0];
      }
    }
    return -1;
  }

  private static double jvmStart(Path jar) throws IOException, InterruptedException {
    LongList times = new LongList();
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "--version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.waitFor(1, TimeUnit.MINUTES);
      times.add(System.nanoTime() - start);
    }
    return BenchContext.ms(times.stats().median());
  }

  /** A base no runner image was built from: the offline base with a label of its own. */
  private static String freshBase(String offlineBase, List<String> bases)
      throws IOException, InterruptedException {
    String name = "zerocred-bench-base:" + UUID.randomUUID().toString().substring(0, 8);
    Process p =
        new ProcessBuilder("docker", "build", "-q", "-t", name, "-")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream()
        .write(
            ("FROM " + offlineBase + "\nLABEL zerocred.bench.base=\"" + name + "\"\n")
                .getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("docker build of a fresh base failed: " + out);
    }
    bases.add(name);
    return name;
  }

  private static void removeRunnerImagesAndBase(String base) {
    String id =
        Processes.firstLine(List.of("docker", "image", "inspect", "--format", "{{.Id}}", base));
    if (id != null && id.startsWith("sha256:")) {
      try {
        Process list =
            new ProcessBuilder(
                    "docker",
                    "image",
                    "ls",
                    "-q",
                    "--filter",
                    "label=zerocred.runner.base-id=" + id)
                .start();
        String ids = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        list.waitFor(1, TimeUnit.MINUTES);
        for (String image : ids.strip().split("\\s+")) {
          if (!image.isBlank()) {
            new ProcessBuilder("docker", "rmi", "-f", image).start().waitFor(1, TimeUnit.MINUTES);
          }
        }
      } catch (IOException e) {
        // what is left is tagged zerocred-runner and labelled with its base: easy to find
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      new ProcessBuilder("docker", "rmi", "-f", base).start().waitFor(1, TimeUnit.MINUTES);
    } catch (IOException e) {
      // see above
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
