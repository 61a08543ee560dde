package io.github.zerocred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code zerocred.jar} running as a child process, with an environment of the test's
 * choosing (nothing inherited but {@code PATH}) and its own temporary folder, so a test can see
 * exactly which files it leaves behind.
 */
final class ZerocredProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ZerocredProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The jar that {@code package} built; failsafe passes its path. */
  static Path jar() {
    String path = System.getProperty("zerocred.jar");
    assertThat(path)
        .as("system property zerocred.jar (set by the build) names the shaded jar")
        .isNotBlank();
    Path jar = Path.of(path);
    assertThat(jar).as("the shaded jar; run `mvnw verify`, which packages it first").exists();
    return jar;
  }

  /**
   * Starts {@code java -jar zerocred.jar ARGS}.
   *
   * @param env the child's whole environment besides {@code PATH}
   * @param tmpDir the child's {@code java.io.tmpdir}; also holds its captured output
   */
  static ZerocredProcess start(Map<String, String> env, Path tmpDir, String... args) {
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.add("-Djava.io.tmpdir=" + tmpDir);
    java.add("-jar");
    java.add(jar().toString());
    return start(java, env, args);
  }

  /** The launcher script beside the jar ({@code target/zerocred}); failsafe passes its path. */
  static Path launcher() {
    String path = System.getProperty("zerocred.launcher");
    assertThat(path).as("system property zerocred.launcher (set by the build)").isNotBlank();
    Path launcher = Path.of(path);
    assertThat(launcher).as("the launcher; `mvnw package` copies it beside the jar").exists();
    return launcher;
  }

  /**
   * Starts {@code target/zerocred ARGS}, the launcher, with this JVM's Java as {@code JAVA_HOME}.
   *
   * @param env the child's whole environment besides {@code PATH} and {@code JAVA_HOME}
   */
  static ZerocredProcess launch(Map<String, String> env, String... args) {
    Map<String, String> withJava = new java.util.HashMap<>(env);
    withJava.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
    return start(List.of(launcher().toString()), withJava, args);
  }

  private static ZerocredProcess start(
      List<String> program, Map<String, String> env, String... args) {
    // A build started in the background by a non-interactive shell runs with SIGINT ignored, and
    // an ignored SIGINT stays ignored in every child (the JVM then cannot catch it): give the
    // child the default handling, as a terminal or the runner would. `env` execs, the pid stays.
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT,TERM"));
    command.addAll(program);
    command.addAll(List.of(args));
    try {
      Path logs = Files.createTempDirectory("zerocred-process-output-");
      Path out = logs.resolve("stdout.txt");
      Path err = logs.resolve("stderr.txt");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      // A clean slate: CI runners carry GITHUB_TOKEN and the like, which must not leak in.
      Map<String, String> childEnv = builder.environment();
      String path = childEnv.get("PATH");
      childEnv.clear();
      if (path != null) {
        childEnv.put("PATH", path);
      }
      childEnv.putAll(env);
      return new ZerocredProcess(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** Runs to completion and returns the exit code. */
  static ZerocredProcess run(Map<String, String> env, Path tmpDir, String... args) {
    ZerocredProcess process = start(env, tmpDir, args);
    process.awaitExit(Duration.ofSeconds(60));
    return process;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until the ready file exists and returns its JSON; fails early if the process dies. */
  JsonNode awaitReadyFile(Path readyFile, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(readyFile)) {
        try {
          return JSON.readTree(Files.readString(readyFile));
        } catch (IOException e) {
          throw new AssertionError("the ready file is not complete JSON (not atomic?)", e);
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            "zerocred exited with " + process.exitValue() + " before it was ready: " + stderr());
      }
      sleep(20);
    }
    throw new AssertionError("no ready file after " + timeout + "; stderr: " + stderr());
  }

  /** Waits until stderr has a line containing {@code text} and returns that line. */
  String awaitStderrLine(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String line = stderr().lines().filter(l -> l.contains(text)).findFirst().orElse(null);
      if (line != null) {
        return line;
      }
      if (!process.isAlive()) {
        throw new AssertionError("zerocred exited with " + process.exitValue() + ": " + stderr());
      }
      sleep(20);
    }
    throw new AssertionError("no line with '" + text + "' on stderr: " + stderr());
  }

  /** Sends SIGTERM ({@link Process#destroy()} does that on Linux). */
  void terminate() {
    process.destroy();
  }

  /** Sends a signal by name, e.g. {@code INT}, with {@code kill}. */
  void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).as("kill -%s", name).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits for the process to end and returns its exit code. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("zerocred still runs after " + timeout + "; stderr: " + stderr());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  int exitCode() {
    return process.exitValue();
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
