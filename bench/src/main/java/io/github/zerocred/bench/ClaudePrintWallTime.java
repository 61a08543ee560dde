package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.ms;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.zerocred.proxy.Credentials;
import io.github.zerocred.testkit.ClaudePrint;
import io.github.zerocred.testkit.StandInAnthropicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Workload 8: the real Claude Code CLI in print mode against the testkit's stand-in Messages API,
 * each way — the wall time a user sees added, for a warm proxy and for the first run through a
 * proxy that has served nothing yet (as every review's is).
 */
final class ClaudePrintWallTime extends Workload {
  private static final String PROMPT = "Say hello in one word.";

  ClaudePrintWallTime() {
    super(8);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    BenchOptions options = bench.options();
    if (options.claude() == null) {
      bench.note("Workload 8 was skipped: no Claude Code CLI (run.sh installs it with npm).");
      bench.add(
          new Row(
              number(),
              "claude --print, wall time p50 (ms)",
              null,
              null,
              null,
              Row.Target.withinOfDirect(300, "ms")));
      return;
    }
    int runs = options.quick() ? 2 : 5;
    bench.say("workload 8: claude --print through each way, 1 + " + runs + " runs each");
    String realToken = bench.realToken();
    Path upstreamCa = bench.upstreamCa();
    try (StandInAnthropicApi api =
        StandInAnthropicApi.builder().pki(bench.pki()).expectToken(realToken).start()) {
      Map<String, String> credentials = Map.of(Credentials.OAUTH_VARIABLE, realToken);
      try (ZerocredProcess z =
              ZerocredProcess.start(
                  options.zerocredJar(),
                  options.work().resolve("zerocred-cli"),
                  api.address(),
                  upstreamCa,
                  credentials,
                  List.of());
          MitmProcess m =
              options.mitmdump() == null
                  ? null
                  : MitmProcess.start(
                      options.mitmdump(),
                      options.addon(),
                      options.work().resolve("mitmproxy-cli"),
                      api.address(),
                      upstreamCa,
                      realToken,
                      bench.randomToken(24))) {
        Runs cli = new Runs(options.claude(), options.work().resolve("claude"));
        List<ClaudeWay> ways = new ArrayList<>();
        ways.add(ClaudeWay.direct("https://localhost:" + api.port(), upstreamCa, realToken));
        ways.add(ClaudeWay.proxied("zerocred", z.proxyUrl(), z.caCertFile, z.placeholder));
        if (m != null) {
          ways.add(ClaudeWay.proxied("mitmproxy", m.proxyUrl(), m.caCertFile, z.placeholder));
        }
        Map<String, LongList> walls = new LinkedHashMap<>();
        Map<String, Double> firsts = new LinkedHashMap<>();
        for (ClaudeWay way : ways) {
          // The first run meets a proxy that has served nothing yet, as every review does.
          firsts.put(way.name(), ms(cli.wallTime(way)));
          walls.put(way.name(), new LongList());
        }
        for (int i = 0; i < runs; i++) {
          for (ClaudeWay way : ways) {
            walls.get(way.name()).add(cli.wallTime(way));
          }
        }
        StringBuilder each = new StringBuilder("Workload 8, each run in order (ms):");
        walls.forEach(
            (name, list) -> {
              each.append(' ').append(name).append(' ');
              List<String> values = new ArrayList<>();
              for (long v : list.values()) {
                values.add(Table.number(ms(v)));
              }
              each.append(String.join(", ", values)).append(';');
            });
        bench.note(each.toString());
        Function<String, Double> p50 =
            name -> walls.containsKey(name) ? ms(walls.get(name).stats().median()) : null;
        bench.add(
            new Row(
                number(),
                "claude --print against the stand-in: wall time p50 of " + runs + " (ms)",
                p50.apply("direct"),
                p50.apply("zerocred"),
                p50.apply("mitmproxy"),
                Row.Target.withinOfDirect(300, "ms")));
        bench.add(
            new Row(
                number(),
                "claude --print, first run through a proxy that has served nothing yet (ms)",
                firsts.get("direct"),
                firsts.get("zerocred"),
                firsts.get("mitmproxy"),
                null));
      }
    }
  }

  /** The CLI's version line for the machine table, or {@code unknown}. */
  static String version(Path claude) {
    String line = Processes.firstLine(List.of(claude.toString(), "--version"));
    return line == null ? "unknown" : line;
  }

  /** Numbered runs of the CLI, each in a fresh folder with a fresh home and workspace. */
  private static final class Runs {
    private final Path claude;
    private final Path dir;
    private int runs;

    Runs(Path claude, Path dir) {
      this.claude = claude;
      this.dir = dir;
    }

    /** Nanoseconds from starting the CLI to its exit; fails unless it printed a success. */
    long wallTime(ClaudeWay way) throws IOException, InterruptedException {
      Path runDir = Files.createDirectories(dir.resolve(way.name() + "-" + runs++));
      Path workspace = Files.createDirectories(runDir.resolve("workspace"));
      ClaudePrint.Outcome outcome;
      try {
        outcome = ClaudePrint.run(claude, runDir, workspace, way.env(), List.of(), PROMPT);
      } catch (IOException e) {
        throw new IOException(way.name() + ": " + e.getMessage(), e);
      }
      JsonNode result;
      try {
        result = outcome.result();
      } catch (IOException e) {
        result = null;
      }
      if (result == null || result.path("is_error").asBoolean(true)) {
        throw new IOException(
            way.name()
                + ": claude exited "
                + outcome.exitCode()
                + " without a successful result: "
                + outcome.stdout()
                + " "
                + outcome.stderr());
      }
      return outcome.elapsedNanos();
    }
  }
}
