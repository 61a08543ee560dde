package io.github.zerocred.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The load generator's command-line options, as {@code bench/run.sh} passes them.
 *
 * @param only what {@code --only} named: workload numbers or names; empty for all
 * @param zerocredJvmOptions JVM options for every {@code zerocred proxy} process but the one that
 *     measures the default options (workload 7): run.sh passes the launch line the README documents
 * @param compareJdkTls whether a second {@code zerocred proxy} with {@code --tls JDK} runs beside
 *     the first, so that each figure also shows what native TLS bought, side by side
 */
record BenchOptions(
    Path zerocredJar,
    Path mitmdump,
    Path addon,
    Path claude,
    Path work,
    Path results,
    String commit,
    boolean quick,
    boolean inProcess,
    Set<String> only,
    List<String> zerocredJvmOptions,
    boolean compareJdkTls,
    List<String> reviewArgs) {
  static final String USAGE =
      "usage: Bench --zerocred-jar JAR --work DIR [--mitmdump PATH --mitm-addon PY]"
          + " [--claude PATH] [--results FILE] [--commit SHA] [--quick]"
          + " [--only 1,2,... (workload numbers or names)] [--in-process]"
          + " [--zerocred-jvm-option OPTION]... [--compare-jdk-tls]"
          + " [--review-image IMAGE --review-cli 'LABEL=JAR [JVM-OPTION]...'"
          + " --review-action LABEL=IMAGE --review-maven 'LABEL=[MAVEN_OPTS]' --review-mvn MVNW"
          + " --review-repo-root DIR --review-runs N]";

  static BenchOptions parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    boolean quick = false;
    boolean inProcess = false;
    boolean compareJdkTls = false;
    List<String> jvmOptions = new ArrayList<>();
    List<String> reviewArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--quick")) {
        quick = true;
        continue;
      }
      if (args[i].equals("--compare-jdk-tls")) {
        compareJdkTls = true;
        continue;
      }
      if (args[i].equals("--in-process")) {
        inProcess = true;
        continue;
      }
      if (args[i].equals("--zerocred-jvm-option") && i + 1 < args.length) {
        jvmOptions.add(args[++i]); // for profiling, e.g. -XX:StartFlightRecording=...
        continue;
      }
      if (args[i].startsWith("--review-") && i + 1 < args.length) {
        reviewArgs.add("--" + args[i].substring("--review-".length()));
        reviewArgs.add(args[++i]);
        continue;
      }
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("bad argument " + args[i]);
      }
      values.put(args[i], args[++i]);
    }
    Path jar = path(values.remove("--zerocred-jar"));
    Path work = path(values.remove("--work"));
    if (jar == null || work == null) {
      throw new IllegalArgumentException("--zerocred-jar and --work are required");
    }
    Path mitmdump = path(values.remove("--mitmdump"));
    Path addon = path(values.remove("--mitm-addon"));
    if (mitmdump != null && addon == null) {
      throw new IllegalArgumentException("--mitmdump needs --mitm-addon");
    }
    BenchOptions o =
        new BenchOptions(
            jar,
            mitmdump,
            addon,
            path(values.remove("--claude")),
            work,
            path(values.remove("--results")),
            values.getOrDefault("--commit", "unknown"),
            quick,
            inProcess,
            only(values.remove("--only")),
            List.copyOf(jvmOptions),
            compareJdkTls,
            List.copyOf(reviewArgs));
    values.remove("--commit");
    if (!values.isEmpty()) {
      throw new IllegalArgumentException("unknown options " + values.keySet());
    }
    return o;
  }

  private static Set<String> only(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    Set<String> parts = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        parts.add(part.trim());
      }
    }
    return Collections.unmodifiableSet(parts);
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  Duration warmup() {
    return Duration.ofMillis(quick ? 500 : 2000);
  }

  Duration measure() {
    return Duration.ofMillis(quick ? 700 : 2500);
  }

  int rounds() {
    return quick ? 2 : 3;
  }
}
