package io.github.zerocred.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers for the child processes the benchmark starts and measures. */
final class Processes {
  private Processes() {}

  /** Resident set size of a process, in bytes, from {@code /proc/PID/status}. */
  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        String[] parts = line.substring(6).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    throw new IOException("no VmRSS for process " + pid);
  }

  /** CPU time (user + system) a process has used so far, in nanoseconds. */
  static long cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /**
   * Asks a JVM to collect garbage (and G1 to give unused heap back), so that its resident memory
   * shows what it keeps rather than what it has not collected yet.
   */
  static void collectGarbage(long pid) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    firstLine(List.of(jcmd.toString(), String.valueOf(pid), "GC.run"));
    sleep(500);
  }

  /** A port that was free a moment ago, for programs that cannot report the one they chose. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Waits until {@code file} exists (and is not empty); returns the nanoTime it was seen. */
  static long awaitFile(Path file, Process process, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.size(file) > 0) {
        return System.nanoTime();
      }
      if (!process.isAlive()) {
        throw new IOException("process exited with " + process.exitValue() + " before " + file);
      }
      sleep(2);
    }
    throw new IOException("no " + file + " within " + timeout);
  }

  /** Waits until something accepts TCP connections on {@code address}; returns when it did. */
  static long awaitListening(InetSocketAddress address, Process process, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(address, 200);
        return System.nanoTime();
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IOException("process exited with " + process.exitValue() + " before listening");
        }
        sleep(2);
      }
    }
    throw new IOException("nothing listening on " + address + " within " + timeout);
  }

  /** SIGTERM, then SIGKILL if it has not ended within five seconds. */
  static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Runs a short command and returns its first line of output, or {@code null}. */
  static String firstLine(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor(30, TimeUnit.SECONDS);
      return out.isEmpty() ? null : out.lines().findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
