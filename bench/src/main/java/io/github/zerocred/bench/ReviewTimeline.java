package io.github.zerocred.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One review's timeline as a front end printed it: when (from process start) the "Claude Code
 * started" line came, the run's own step times from its progress lines (the core's {@code
 * RunEvent.Timed}, which {@code ProgressLines} prints), and when the process ended.
 */
final class ReviewTimeline {
  private static final Pattern SET_UP = Pattern.compile("set-up steps \\(ms[^)]*\\):(.*)$");
  private static final Pattern STEP = Pattern.compile("\\s*([A-Za-z][A-Za-z -]*?) (\\d+)\\s*");
  private static final Pattern CLAUDE = Pattern.compile("Claude Code ran for (\\d+) ms");
  private static final Pattern TEARDOWN = Pattern.compile("teardown took (\\d+) ms");
  // Maven's line as the goal begins; the CLI's and the action's own lines.
  private static final Pattern FRONT_END =
      Pattern.compile("--- (zerocred|zerocred-maven-plugin):[^ ]*:?review|\\[zerocred\\] ");

  /** Milliseconds from process start to the front end's first line of its own; -1 if none. */
  double frontEndMs = -1;

  /** Milliseconds from process start to the "Claude Code started" line; -1 if none came. */
  double startedMs = -1;

  /** CPU time (user + system) the process had used when it printed "started"; -1 if unknown. */
  double startedCpuMs = -1;

  /** Milliseconds from process start to its exit. */
  double endMs = -1;

  /** Milliseconds from process start until the review reached the GitHub API; -1 if not seen. */
  double postedMs = -1;

  /** The run's steps, by the label the progress line uses, in milliseconds. */
  final Map<String, Double> steps = new LinkedHashMap<>();

  /** Takes one line the front end printed, {@code atMs} after the process started. */
  void line(String line, double atMs) {
    if (frontEndMs < 0 && FRONT_END.matcher(line).find()) {
      frontEndMs = atMs;
    }
    if (startedMs < 0 && line.contains("Claude Code started")) {
      startedMs = atMs;
    }
    Matcher setUp = SET_UP.matcher(line);
    if (setUp.find()) {
      for (String part : setUp.group(1).split(",")) {
        Matcher step = STEP.matcher(part);
        if (step.matches()) {
          steps.put(step.group(1).trim(), Double.parseDouble(step.group(2)));
        }
      }
    }
    Matcher claude = CLAUDE.matcher(line);
    if (claude.find()) {
      steps.put("Claude Code", Double.parseDouble(claude.group(1)));
    }
    Matcher teardown = TEARDOWN.matcher(line);
    if (teardown.find()) {
      steps.put("teardown", Double.parseDouble(teardown.group(1)));
    }
  }

  /**
   * What came before the run began: JVM start, the front end (options, credentials, review files),
   * for Maven also Maven's own start. The "started" line's time less the run's set-up.
   */
  double beforeRunMs() {
    Double setUp = steps.get("set-up");
    return setUp == null || startedMs < 0 ? Double.NaN : startedMs - setUp;
  }

  /** The review posted, less Claude Code's own time: what the action adds to a review. */
  double postedOverheadMs() {
    Double claude = steps.get("Claude Code");
    return claude == null || postedMs < 0 ? Double.NaN : postedMs - claude;
  }

  /** Process end less Claude Code's own time: what zerocred adds to a review. */
  double overheadMs() {
    Double claude = steps.get("Claude Code");
    return claude == null || endMs < 0 ? Double.NaN : endMs - claude;
  }
}
