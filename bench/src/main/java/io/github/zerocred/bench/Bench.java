package io.github.zerocred.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the {@link #WORKLOADS} three ways — direct, through {@code zerocred proxy}, through
 * mitmproxy — and prints the Markdown table (also written to RESULTS.md). Started by {@code
 * bench/run.sh}; see {@link BenchOptions} for the arguments.
 */
public final class Bench {

  /** The workloads in the table's order; each one's number is its {@code #} and {@code --only}. */
  static final List<Workload> WORKLOADS =
      List.of(
          new SmallRequestsOneTunnel(),
          new SmallRequestsManyTunnels(),
          new LargeDownloadAndUpload(),
          new ServerSentEvents(),
          new NewTunnels(),
          new IdleTunnelMemory(),
          new StartToReady(),
          new ClaudePrintWallTime(),
          new MessagesBodyCheck(),
          new TimeToFirstReview(),
          new ReviewTime.ZerocredReviewTime(),
          new ReviewTime.ActionReviewTime(),
          new ReviewTime.MavenReviewTime());

  static final String KEPT_MARKER =
      "<!-- Everything below this line is kept when run.sh rewrites the file. -->";

  private final BenchOptions options;
  private final List<Workload> selected;

  private Bench(BenchOptions options, List<Workload> selected) {
    this.options = options;
    this.selected = selected;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    List<Workload> selected;
    try {
      options = BenchOptions.parse(args);
      selected = select(WORKLOADS, options.only());
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    new Bench(options, selected).run();
    // Stand-in and client threads are daemons, but a stuck child stream must not keep us alive.
    System.exit(0);
  }

  /**
   * The workloads {@code only} names, by number or (case-insensitively) by name, in table order;
   * all of them when it is empty.
   *
   * @throws IllegalArgumentException naming what matches no workload, and listing them
   */
  static List<Workload> select(List<Workload> workloads, Set<String> only) {
    if (only.isEmpty()) {
      return workloads;
    }
    List<Workload> selected = new ArrayList<>();
    for (Workload w : workloads) {
      if (only.stream().anyMatch(token -> names(w, token))) {
        selected.add(w);
      }
    }
    List<String> unknown =
        only.stream().filter(token -> workloads.stream().noneMatch(w -> names(w, token))).toList();
    if (!unknown.isEmpty()) {
      List<String> known = new ArrayList<>();
      for (Workload w : workloads) {
        known.add(w.number() + " " + w.name());
      }
      throw new IllegalArgumentException(
          "--only: no workload " + String.join(", ", unknown) + "; the workloads are " + known);
    }
    return selected;
  }

  private static boolean names(Workload workload, String token) {
    return token.equals(String.valueOf(workload.number()))
        || token.toLowerCase(Locale.ROOT).equals(workload.name().toLowerCase(Locale.ROOT));
  }

  private void run() throws Exception {
    String loadBefore = Machine.loadAverage();
    ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
    long t0 = System.nanoTime();
    BenchContext bench = BenchContext.start(options);
    try {
      guarded(bench, new WarmUp());
      for (Workload workload : selected) {
        guarded(bench, workload);
      }
      bench.note(
          "The upstream received "
              + bench.upstream().authorized.get()
              + " requests for api.anthropic.com with the real token and "
              + bench.upstream().unauthorized.get()
              + " without it (each proxy must have injected it into every request).");
    } finally {
      bench.close();
    }
    String report =
        report(
            bench,
            started,
            Duration.ofNanos(System.nanoTime() - t0),
            loadBefore,
            Machine.loadAverage());
    System.out.println(report);
    if (options.results() != null) {
      writeResults(options.results(), report);
      bench.say("wrote " + options.results());
    }
  }

  /** Runs one workload; a failure is reported in the notes and does not stop the others. */
  private static void guarded(BenchContext bench, Workload workload) {
    int number = workload.number();
    long start = System.nanoTime();
    try {
      workload.run(bench);
    } catch (Exception e) {
      bench.say("workload " + number + " failed: " + e);
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        bench.say("  caused by " + cause);
      }
      bench.note("Workload " + number + " failed: " + e.getMessage());
    }
    bench.say(
        "workload " + number + " took " + Table.number((System.nanoTime() - start) / 1e9) + " s");
  }

  // ---------------------------------------------------------------- report

  private String report(
      BenchContext bench,
      ZonedDateTime started,
      Duration took,
      String loadBefore,
      String loadAfter) {
    StringBuilder out = new StringBuilder();
    out.append("Measured ")
        .append(started.format(DateTimeFormatter.ISO_LOCAL_DATE))
        .append(" at commit `")
        .append(options.commit())
        .append("` with `bench/run.sh`")
        .append(options.quick() ? " (quick mode: shorter runs, smaller transfers)" : "")
        .append("; the workloads took ")
        .append(Math.round(took.toSeconds()))
        .append(" s.\n\n");
    out.append("| Machine | |\n|---|---|\n");
    out.append("| CPU | ")
        .append(Machine.cpuModel())
        .append(", ")
        .append(Machine.cores())
        .append(" cores |\n");
    out.append("| Memory | ").append(Machine.memory()).append(" |\n");
    out.append("| JDK | ").append(Machine.jdk()).append(" |\n");
    out.append("| OS | ").append(Machine.os()).append(" |\n");
    out.append("| mitmproxy | ")
        .append(
            options.mitmdump() == null ? "not available" : MitmProcess.version(options.mitmdump()))
        .append(" |\n");
    out.append("| Claude Code CLI | ")
        .append(
            options.claude() == null
                ? "not available"
                : ClaudePrintWallTime.version(options.claude()))
        .append(" |\n");
    out.append("| Load average (1/5/15 min) before, after | ")
        .append(loadBefore)
        .append("; ")
        .append(loadAfter)
        .append(" |\n\n");
    out.append(bench.table().markdown());
    if (!bench.notes().isEmpty()) {
      out.append('\n');
      for (String note : bench.notes()) {
        out.append("- ").append(note).append('\n');
      }
    }
    return out.toString();
  }

  /** Replaces the generated part of RESULTS.md and keeps the hand-written analysis below it. */
  private static void writeResults(Path file, String report) throws IOException {
    String kept = "";
    if (Files.exists(file)) {
      String old = Files.readString(file, StandardCharsets.UTF_8);
      int at = old.indexOf(KEPT_MARKER);
      if (at >= 0) {
        kept = old.substring(at);
      }
    }
    if (kept.isEmpty()) {
      kept = KEPT_MARKER + "\n";
    }
    String content =
        "# Benchmarks: direct, zerocred and mitmproxy side by side\n\n"
            + "Generated by `bench/run.sh`; how each figure is measured and what limits it is"
            + " below the table.\n\n"
            + report
            + "\n"
            + kept;
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
