package io.github.zerocred.bench;

import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.testkit.PluginRepository;
import io.github.zerocred.testkit.Reply;
import io.github.zerocred.testkit.RunnerJob;
import io.github.zerocred.testkit.StandInAnthropicApi;
import io.github.zerocred.testkit.StandInGitHubApi;
import io.github.zerocred.testkit.TestPki;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The whole review timed from process start, on the real engine with the runner image and the real
 * Claude Code CLI, against the testkit's stand-in Messages API (which answers at once): (a) {@code
 * zerocred review}, (b) the action as a runner starts it ({@code docker run} of the action image on
 * a job network, the runner's mounts and {@code GITHUB_*} variables, the engine's socket) up to the
 * review posted to the stand-in GitHub API, (c) {@code mvn zerocred:review} on a sample project.
 * Every line the front end prints is timestamped: "Claude Code started", and the run's own step
 * times ({@code RunEvent.Timed}, printed by {@code ProgressLines}). Variants (a jar with JVM
 * options, an action image, Maven options) run in turn, rounds interleaved, after two warm-ups each
 * (the launcher's first run trains its class-data archive, its second checks and promotes it).
 *
 * <p>Run by {@code bench/run.sh} as workloads 11–13 of the table, or alone: {@code java -cp
 * zerocred-bench.jar io.github.zerocred.bench.ReviewBench --image IMAGE --work DIR [--runs N]
 * [--cli "LABEL=JAR [JVM-OPTION]..."]... [--action "LABEL=ACTION-IMAGE"]... [--maven
 * "LABEL=[MAVEN_OPTS]" --repo-root DIR --mvn MVNW]...}, which prints the rows as a table.
 */
public final class ReviewBench {
  static final String PROMPT = "Review the change.";
  static final double STARTED_TARGET_MS = 1500;
  static final double OVERHEAD_TARGET_MS = 2000;

  /** One way to run a review, as the table's rows name it. */
  record Variant(Kind kind, String label, List<String> spec) {}

  /** The three front ends. */
  enum Kind {
    CLI(11, "zerocred review", "JVM start, picocli"),
    ACTION(12, "action (docker run)", "docker run, the action's JVM start"),
    MAVEN(13, "mvn zerocred:review", "Maven's start, the plugin resolved and loaded");

    final int workload;
    final String title;
    final String start;

    Kind(int workload, String title, String start) {
      this.workload = workload;
      this.title = title;
      this.start = start;
    }
  }

  private final String image;
  private final Path work;

  /**
   * Unmeasured rounds first: the launcher's archive is trained by the first, promoted by the
   * second.
   */
  private static final int WARM_UPS = 2;

  private final int runs;
  private final Path repoRoot;
  private final Path mvn;
  private final List<Variant> variants;
  private final Consumer<String> say;
  private final String token = "sk-ant-oat01-" + random(86) + "AA";
  private final String githubToken = "ghs_" + random(36);

  private ReviewBench(
      String image,
      Path work,
      int runs,
      Path repoRoot,
      Path mvn,
      List<Variant> variants,
      Consumer<String> say) {
    this.variants = List.copyOf(variants);
    this.image = image;
    this.work = work;
    this.runs = runs;
    this.repoRoot = repoRoot;
    this.mvn = mvn;
    this.say = say;
  }

  public static void main(String[] args) throws Exception {
    ReviewBench bench = parse(List.of(args), s -> System.err.println("[review] " + s), 5);
    Table table = new Table();
    for (Kind kind : Kind.values()) {
      bench.measure(kind, table::add);
    }
    System.out.println("Load average after: " + Machine.loadAverage());
    System.out.println(table.markdown());
    System.exit(0);
  }

  /**
   * The arguments as {@link ReviewBench} takes them (see the class comment); {@code runs} unless
   * {@code --runs} says otherwise.
   */
  static ReviewBench parse(List<String> args, Consumer<String> say, int runs) {
    String image = null;
    Path work = null;
    Path repoRoot = Path.of(".");
    Path mvn = null;
    List<Variant> variants = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 2) {
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("no value for " + args.get(i));
      }
      String value = args.get(i + 1);
      switch (args.get(i)) {
        case "--image" -> image = value;
        case "--work" -> work = Path.of(value);
        case "--runs" -> runs = Integer.parseInt(value);
        case "--repo-root" -> repoRoot = Path.of(value);
        case "--mvn" -> mvn = Path.of(value);
        case "--cli" -> variants.add(variant(Kind.CLI, value));
        case "--action" -> variants.add(variant(Kind.ACTION, value));
        case "--maven" -> variants.add(variant(Kind.MAVEN, value));
        default -> throw new IllegalArgumentException("unknown argument " + args.get(i));
      }
    }
    if (image == null || work == null) {
      throw new IllegalArgumentException("--image and --work are required");
    }
    return new ReviewBench(image, work, runs, repoRoot, mvn, variants, say);
  }

  /** The variants of one front end, in the order given. */
  List<Variant> variants(Kind kind) {
    return variants.stream().filter(v -> v.kind() == kind).toList();
  }

  /** Runs the variants of {@code kind}, rounds interleaved, and adds their rows; none: nothing. */
  void measure(Kind kind, Consumer<Row> rows) throws Exception {
    List<Variant> of = variants(kind);
    if (!of.isEmpty()) {
      measure(of, rows);
    }
  }

  /** {@code LABEL=REST}: REST split on white space. */
  static Variant variant(Kind kind, String value) {
    int eq = value.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("a variant is LABEL=..., not " + value);
    }
    String rest = value.substring(eq + 1).trim();
    List<String> spec = rest.isEmpty() ? List.of() : Arrays.asList(rest.split("\\s+"));
    return new Variant(kind, value.substring(0, eq).trim(), spec);
  }

  private void measure(List<Variant> variants, Consumer<Row> rows) throws Exception {
    Kind kind = variants.get(0).kind();
    Files.createDirectories(work);
    Job job = kind == Kind.ACTION ? Job.create(work.resolve("job")) : null;
    try (StandInAnthropicApi api =
            StandInAnthropicApi.builder()
                .pki(TestPki.create())
                .bind(new InetSocketAddress(job == null ? "127.0.0.1" : job.gateway, 0))
                .expectToken(token)
                .defaultReply(Reply.text("No findings."))
                .start();
        StandInGitHubApi github =
            job == null
                ? null
                : new StandInGitHubApi(new InetSocketAddress(job.gateway, 0), githubToken)) {
      Path ca = api.writeCaPem(work.resolve("stand-in-ca.pem"));
      Map<String, List<ReviewTimeline>> results = new LinkedHashMap<>();
      String load = Machine.loadAverage();
      for (int round = -WARM_UPS; round < runs; round++) {
        for (Variant v : variants) {
          Path out = work.resolve("out-" + kind + "-" + v.label() + "-" + (round + WARM_UPS));
          ReviewTimeline t =
              switch (kind) {
                case CLI -> cli(v, api, ca, out);
                case MAVEN -> maven(v, api, ca, out);
                case ACTION -> action(v, job, api, github);
              };
          say.accept(
              String.format(
                  Locale.ROOT,
                  "%s [%s] run %d: started %.0f ms (CPU %.0f ms), posted %.0f ms, end %.0f ms,"
                      + " steps %s",
                  kind.title,
                  v.label(),
                  round + WARM_UPS,
                  t.startedMs,
                  t.startedCpuMs,
                  t.postedMs,
                  t.endMs,
                  t.steps));
          if (round >= 0) {
            results.computeIfAbsent(v.label(), k -> new ArrayList<>()).add(t);
          }
        }
      }
      rows(kind, results, load + "; " + Machine.loadAverage(), rows);
    } finally {
      if (job != null) {
        job.close();
      }
    }
  }

  private void rows(
      Kind kind, Map<String, List<ReviewTimeline>> results, String load, Consumer<Row> rows) {
    String p50 = ", p50 of " + runs + " (ms)";
    for (Map.Entry<String, List<ReviewTimeline>> e : results.entrySet()) {
      List<ReviewTimeline> list = e.getValue();
      String tag = " [" + e.getKey() + "]";
      Row.Target started = Row.Target.atMost(STARTED_TARGET_MS, "ms");
      Row.Target overhead = Row.Target.atMost(OVERHEAD_TARGET_MS, "ms");
      add(
          rows,
          kind,
          "start → \"Claude Code started\"" + p50 + tag,
          list,
          t -> t.startedMs,
          kind == Kind.CLI ? started : null);
      add(rows, kind, "start → end" + p50 + tag, list, t -> t.endMs, null);
      if (kind == Kind.ACTION) {
        add(rows, kind, "start → review posted" + p50 + tag, list, t -> t.postedMs, null);
        add(
            rows,
            kind,
            "review posted less Claude Code's own time" + p50 + tag,
            list,
            ReviewTimeline::postedOverheadMs,
            overhead);
      } else {
        add(
            rows,
            kind,
            "end less Claude Code's own time" + p50 + tag,
            list,
            ReviewTimeline::overheadMs,
            null);
      }
      add(
          rows,
          kind,
          "CPU of the process to \"started\"" + p50 + tag,
          list,
          t -> t.startedCpuMs,
          null);
      if (kind != Kind.CLI) { // the CLI prints nothing of its own before "started"
        add(
            rows,
            kind,
            "  to the front end's first line of its own (" + kind.start + ")" + tag,
            list,
            t -> t.frontEndMs,
            null);
      }
      add(
          rows,
          kind,
          "  before the run (process start, front end)" + tag,
          list,
          ReviewTimeline::beforeRunMs,
          null);
      // The steps of the first variant only (this build as launched by default): every run's
      // steps are in its line on stderr, and all variants' would make the table long.
      Set<String> steps = new LinkedHashSet<>();
      if (e.getKey().equals(results.keySet().iterator().next())) {
        list.forEach(t -> steps.addAll(t.steps.keySet()));
      }
      for (String step : steps) {
        add(
            rows,
            kind,
            "  step: " + step + tag,
            list,
            t -> t.steps.getOrDefault(step, Double.NaN),
            null);
      }
    }
    say.accept(kind.title + ": load average before, after: " + load);
  }

  private interface Figure {
    double of(ReviewTimeline t);
  }

  private static void add(
      Consumer<Row> rows,
      Kind kind,
      String figure,
      List<ReviewTimeline> list,
      Figure f,
      Row.Target target) {
    double[] values =
        list.stream().mapToDouble(f::of).filter(v -> !Double.isNaN(v) && v >= 0).sorted().toArray();
    if (values.length == 0) {
      return;
    }
    rows.accept(
        new Row(
            kind.workload,
            kind.title + ": " + figure,
            null,
            values[(values.length - 1) / 2],
            null,
            target));
  }

  // ---------------------------------------------------------------- (a) zerocred review

  private ReviewTimeline cli(Variant v, StandInAnthropicApi api, Path ca, Path out)
      throws IOException, InterruptedException {
    Path workspace = workspace(work.resolve("cli-workspace"));
    List<String> cmd = new ArrayList<>();
    if (v.spec().isEmpty()) {
      throw new IllegalArgumentException("--cli LABEL=JAR [JVM-OPTION]... or LABEL=launcher:CMD");
    }
    if (v.spec().get(0).startsWith("launcher:")) {
      // A launcher script (such as bin/zerocred) with its own JVM options.
      cmd.add(v.spec().get(0).substring("launcher:".length()));
      cmd.addAll(v.spec().subList(1, v.spec().size()));
    } else {
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(v.spec().subList(1, v.spec().size()));
      cmd.addAll(List.of("-jar", Path.of(v.spec().get(0)).toAbsolutePath().toString()));
    }
    cmd.addAll(
        List.of(
            "review",
            "--workspace",
            workspace.toString(),
            "--prompt",
            PROMPT,
            "--image",
            image,
            "--timeout",
            "3m",
            "--route",
            StandInAnthropicApi.API_HOST + "=127.0.0.1:" + api.port(),
            "--upstream-ca",
            ca.toString(),
            "--output-dir",
            out.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().remove("ANTHROPIC_API_KEY");
    pb.environment().put(Credentials.OAUTH_VARIABLE, token);
    if (v.spec().get(0).startsWith("launcher:")) {
      // The launcher keeps its class-data archive under the cache home: one of the bench's own,
      // so that the warm-up trains it and the measured runs map it, whatever the user's cache
      // holds.
      pb.environment()
          .put(
              "XDG_CACHE_HOME", Files.createDirectories(work.resolve("launcher-cache")).toString());
    }
    return timed(pb, null);
  }

  /** One source file: what a small pull request's review copies in. */
  private static Path workspace(Path root) throws IOException {
    Files.createDirectories(root);
    Files.writeString(root.resolve("A.java"), "class A {\n  int answer() { return 42; }\n}\n");
    return root;
  }

  // ---------------------------------------------------------------- (c) mvn zerocred:review

  private ReviewTimeline maven(Variant v, StandInAnthropicApi api, Path ca, Path out)
      throws IOException, InterruptedException {
    if (mvn == null) {
      throw new IllegalArgumentException("--maven needs --mvn (the Maven wrapper) and --repo-root");
    }
    String version = PluginRepository.version(repoRoot);
    Path repository = PluginRepository.create(repoRoot, work.resolve("m2"), version);
    // The demo's sample project (a POM that names the plugin, one source file), copied so that
    // the review's files land in the work directory.
    Path sample = Files.createDirectories(work.resolve("maven-sample"));
    Path demo = repoRoot.resolve("it/demo/sample-project");
    Files.copy(
        demo.resolve("pom.xml"), sample.resolve("pom.xml"), StandardCopyOption.REPLACE_EXISTING);
    Files.createDirectories(sample.resolve("src"));
    Files.copy(
        demo.resolve("src/Discount.java"),
        sample.resolve("src/Discount.java"),
        StandardCopyOption.REPLACE_EXISTING);
    Path settings = Files.writeString(work.resolve("settings.xml"), "<settings/>\n");
    List<String> cmd =
        List.of(
            mvn.toAbsolutePath().toString(),
            "-B",
            "-o",
            "-s",
            settings.toString(),
            "-f",
            sample.resolve("pom.xml").toString(),
            "-Dmaven.repo.local=" + repository,
            "-Dmaven.repo.local.tail=" + PluginRepository.userRepository(),
            "io.github.zerocred:zerocred-maven-plugin:" + version + ":review",
            "-Dzerocred.version=" + version,
            "-Dzerocred.image=" + image,
            "-Dzerocred.prompt=" + PROMPT,
            "-Dzerocred.routes=" + StandInAnthropicApi.API_HOST + "=127.0.0.1:" + api.port(),
            "-Dzerocred.upstreamCa=" + ca,
            "-Dzerocred.outputDirectory=" + out,
            "-Dzerocred.timeout=3m");
    // From the repository's root, as it/demo/review.sh runs it: the wrapper finds its .mvn there.
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repoRoot.toFile());
    pb.environment().remove("ANTHROPIC_API_KEY");
    pb.environment().put(Credentials.OAUTH_VARIABLE, token);
    pb.environment().put("MAVEN_OPTS", String.join(" ", v.spec()));
    return timed(pb, null);
  }

  // ---------------------------------------------------------------- (b) the action

  /**
   * {@code docker run} of the action image in the runner's shape ({@link RunnerJob#step}, as {@code
   * it/}'s {@code ActionJob}) on the job's bridge network; a pull request event.
   */
  private ReviewTimeline action(
      Variant v, Job job, StandInAnthropicApi api, StandInGitHubApi github)
      throws IOException, InterruptedException {
    if (v.spec().size() != 1) {
      throw new IllegalArgumentException("--action LABEL=ACTION-IMAGE");
    }
    api.writeCaPem(job.runner.home().resolve("stand-in-ca.pem"));
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("claude_code_oauth_token", token);
    inputs.put("github_token", githubToken);
    inputs.put("image", image);
    inputs.put("timeout_minutes", "3");
    inputs.put("comment_mode", "sticky");
    RunnerJob.Step step =
        job.runner.step(
            v.spec().get(0),
            "zerocred-bench-action-",
            "zerocred.bench=action",
            github.url(),
            inputs,
            actionEnvironment(job, api));
    ProcessBuilder pb = new ProcessBuilder(step.command()).directory(job.root.toFile());
    // The docker CLI reads the -e NAME values from its environment.
    pb.environment().putAll(step.environment());
    // Writes only: the action reads (the pull request, its files, comments) before it posts.
    ReviewTimeline t =
        timed(
            pb,
            () ->
                (int)
                    github.requests().stream()
                        .filter(r -> !r.method().equals("GET") && !r.path().endsWith("graphql"))
                        .count());
    t.startedCpuMs = -1; // the docker CLI's, not the action's: its JVM runs in the container
    return t;
  }

  /**
   * The action's own environment: the route to the stand-in API; with {@code
   * BENCH_ACTION_JAVA_TOOL_OPTIONS} set, also {@code JAVA_TOOL_OPTIONS} for the action's JVM (a
   * diagnostic, such as a flight recording into {@code /github/home}, the runner's home mount).
   */
  private static Map<String, String> actionEnvironment(Job job, StandInAnthropicApi api) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ZEROCRED_ROUTES", StandInAnthropicApi.API_HOST + "=" + job.gateway + ":" + api.port());
    env.put("ZEROCRED_UPSTREAM_CA", RunnerJob.HOME + "/stand-in-ca.pem");
    String tool = System.getenv("BENCH_ACTION_JAVA_TOOL_OPTIONS");
    if (tool != null && !tool.isBlank()) {
      env.put("JAVA_TOOL_OPTIONS", tool);
    }
    return env;
  }

  /** The runner's job: a bridge network of its own, its directories, a git checkout, an event. */
  private static final class Job implements AutoCloseable {
    final Path root;
    final String network;
    final String gateway;
    final RunnerJob runner;

    private Job(Path root, String network, String gateway) throws IOException {
      this.root = root;
      this.network = network;
      this.gateway = gateway;
      runner = new RunnerJob(root, network);
    }

    static Job create(Path root) throws IOException, InterruptedException {
      String network = "zerocred-bench-job-" + UUID.randomUUID().toString().substring(0, 8);
      shell("docker network create --driver bridge --label zerocred.bench=job " + network);
      String gateway =
          shell(
                  "docker network inspect --format"
                      + " '{{range .IPAM.Config}}{{.Gateway}} {{end}}' "
                      + network)
              .strip()
              .split("\\s+")[0];
      Job job = new Job(Files.createDirectories(root), network, gateway);
      String base = job.runner.commit("A.java", "class A {}\n", "base");
      String head =
          job.runner.commit("A.java", "class A {\n  int answer() { return 42; }\n}\n", "change");
      job.runner.event(RunnerJob.pullRequestEvent(base, head, "acme/widgets"));
      return job;
    }

    @Override
    public void close() throws IOException {
      try {
        shell("docker network rm " + network);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- timing

  /** Something to poll while the process runs: how many writes the GitHub API has received. */
  private interface Writes {
    int count();
  }

  /**
   * Runs one review and timestamps every line it prints (both streams, merged); with {@code
   * writes}, also polls (every 5 ms) the stand-in GitHub API and keeps the time of the last write
   * before the process ended: the review (or the sticky comment's final update) landing.
   */
  private static ReviewTimeline timed(ProcessBuilder pb, Writes writes)
      throws IOException, InterruptedException {
    pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    ReviewTimeline t = new ReviewTimeline();
    StringBuilder output = new StringBuilder();
    long start = System.nanoTime();
    Process p = pb.start();
    Thread poller = null;
    if (writes != null) {
      int before = writes.count();
      poller =
          new Thread(
              () -> {
                int seen = before;
                while (p.isAlive()) {
                  int now = writes.count();
                  if (now != seen) {
                    seen = now;
                    t.postedMs = (System.nanoTime() - start) / 1e6;
                  }
                  Processes.sleep(5);
                }
                if (writes.count() != seen) {
                  t.postedMs = (System.nanoTime() - start) / 1e6;
                }
              },
              "review-posted");
      poller.setDaemon(true);
      poller.start();
    }
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        boolean started = t.startedMs >= 0;
        t.line(line, (System.nanoTime() - start) / 1e6);
        if (!started && t.startedMs >= 0) {
          try {
            t.startedCpuMs = Processes.cpuNanos(p.pid()) / 1e6;
          } catch (IOException | RuntimeException e) {
            // Gone already, not Linux, or the docker CLI (the action's JVM is in a container).
          }
        }
        output.append(line).append('\n');
      }
    }
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("the review did not end: " + output);
    }
    t.endMs = (System.nanoTime() - start) / 1e6;
    if (poller != null) {
      poller.join(5000);
    }
    if (p.exitValue() != 0 || t.startedMs < 0) {
      throw new IOException("the review failed (exit " + p.exitValue() + "): " + output);
    }
    return t;
  }

  private static String shell(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("bash", "-c", "set -o pipefail; " + command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(command + " failed: " + out);
    }
    return out;
  }

  private static String random(int length) {
    SecureRandom random = new SecureRandom();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
