package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
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
 * A child process (the {@code zerocred} jar, Maven) that a test stops with a real signal, as a
 * terminal or a CI runner would.
 *
 * <p>Why the wrapper: a process inherits ignored signals, and a background job of a non-interactive
 * shell (how a CI script often starts a build) runs with SIGINT ignored; a JVM then never sees it.
 * A child of such a test JVM would ignore SIGINT too and the test would prove nothing, and {@code
 * trap - INT} cannot help (a shell cannot reset a signal ignored on entry). So the child starts as
 * {@code setsid env --default-signal=INT,TERM COMMAND}: the default disposition restored before
 * {@code exec}, and a process group of its own, so that {@link #ctrlC()} reaches the whole group as
 * a terminal's Ctrl-C does. {@link #assertSignalsReachTheProgram()} checks the outcome in {@code
 * /proc}.
 */
final class SignalledProcess implements AutoCloseable {
  static final long SIGINT_BIT = 1L << (2 - 1);
  private static final long SIGTERM_BIT = 1L << (15 - 1);

  private final Process process;
  private final String label;
  private final Path stdout;
  private final Path stderr;
  private long signalledAt;
  private long exitedAt;

  private SignalledProcess(Process process, String label, Path stdout, Path stderr) {
    this.process = process;
    this.label = label;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code command} with exactly {@code env} (plus {@code PATH}), in {@code directory}.
   * Output goes to files in {@code logs}; {@code label} names it in the test's output.
   */
  static SignalledProcess start(
      String label, List<String> command, Map<String, String> env, Path directory, Path logs) {
    List<String> wrapped = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT,TERM"));
    wrapped.addAll(command);
    try {
      Path out = Files.createTempFile(logs, "stdout-", ".log");
      Path err = Files.createTempFile(logs, "stderr-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(wrapped)
              .directory(directory.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      String path = builder.environment().get("PATH");
      builder.environment().clear();
      builder.environment().put("PATH", path);
      builder.environment().putAll(env);
      return new SignalledProcess(builder.start(), label, out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + wrapped, e);
    }
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Fails unless the process, as it runs now, would act on SIGINT and SIGTERM: neither ignored, and
   * both caught by a handler (the JVM's, or the program's own). Call once the program is running.
   */
  void assertSignalsReachTheProgram() {
    long ignored = signalMask(pid(), "SigIgn:");
    long caught = signalMask(pid(), "SigCgt:");
    assertThat(ignored & (SIGINT_BIT | SIGTERM_BIT))
        .as(
            "SIGINT/SIGTERM ignored by the child (SigIgn %x): the test would prove nothing",
            ignored)
        .isZero();
    assertThat(caught & (SIGINT_BIT | SIGTERM_BIT))
        .as("SIGINT and SIGTERM caught by the child (SigCgt %x)", caught)
        .isEqualTo(SIGINT_BIT | SIGTERM_BIT);
  }

  /** A signal mask of a running process from {@code /proc/PID/status}, e.g. {@code SigIgn:}. */
  static long signalMask(long pid, String field) {
    String status;
    try {
      status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
    } catch (IOException e) {
      throw new AssertionError("cannot read the status of " + pid + ": " + e);
    }
    return status
        .lines()
        .filter(l -> l.startsWith(field))
        .map(l -> Long.parseUnsignedLong(l.substring(field.length()).strip(), 16))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + field + " in /proc status"));
  }

  /** Waits until stdout or stderr has a line containing {@code text}; fails if the process ends. */
  void awaitLine(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().lines().anyMatch(l -> l.contains(text))) {
        return;
      }
      if (!process.isAlive()) {
        fail(
            "the process exited with "
                + process.exitValue()
                + " before '"
                + text
                + "':\n"
                + output());
      }
      sleep(50);
    }
    fail("no line with '" + text + "' within " + timeout + ":\n" + output());
  }

  /** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
  void ctrlC() {
    kill("INT", "-" + pid());
  }

  /** {@code kill -TERM PID}, as a CI system stops a job's process. */
  void sigterm() {
    kill("TERM", Long.toString(pid()));
  }

  /** {@code kill -INT PID}: what the GitHub runner sends first when a job is cancelled. */
  void sigint() {
    kill("INT", Long.toString(pid()));
  }

  private void kill(String signal, String target) {
    if (signalledAt == 0) {
      signalledAt = System.nanoTime();
    }
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, "--", target).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).as("kill -s %s -- %s", signal, target).isZero();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits for the exit and returns its code; fails with the output if it takes longer. */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("still running " + timeout + " after the signal:\n" + output());
      }
      exitedAt = System.nanoTime();
      if (signalledAt != 0) {
        // The measurement the report quotes; the test asserts the bound.
        System.out.printf(
            "[signals] %s exited %d after %d ms%n",
            label, process.exitValue(), (exitedAt - signalledAt) / 1_000_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  /** From the first signal to the exit, as {@link #awaitExit} saw it. */
  Duration stopTime() {
    assertThat(signalledAt).as("signalled").isNotZero();
    assertThat(exitedAt).as("exited").isNotZero();
    return Duration.ofNanos(exitedAt - signalledAt);
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  String output() {
    return read(stdout) + read(stderr);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  /** Thread.sleep that turns an interrupt into a test failure. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
