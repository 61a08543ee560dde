package io.github.zerocred.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who made a container or network: host, process id and process start time, written into labels so
 * a later run can tell whether the owner is gone (a reused pid has another start time).
 */
record Owner(String host, long pid, long startMillis) {
  static final String MANAGED = "zerocred.managed";
  static final String RUN = "zerocred.run";
  static final String HOST = "zerocred.owner.host";
  static final String PID = "zerocred.owner.pid";
  static final String START = "zerocred.owner.start";

  /**
   * Start times are computed from clock ticks since boot; two readings of the same process can
   * differ by rounding, a reused pid differs by far more.
   */
  private static final long START_TOLERANCE_MILLIS = 1_000;

  /** This JVM. */
  static Owner current() {
    ProcessHandle self = ProcessHandle.current();
    return new Owner(
        hostName(), self.pid(), self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
  }

  /** The labels every container and network of run {@code runId} carries. */
  Map<String, String> labels(String runId) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(MANAGED, "true");
    labels.put(RUN, runId);
    labels.put(HOST, host);
    labels.put(PID, Long.toString(pid));
    labels.put(START, Long.toString(startMillis));
    return labels;
  }

  /** The owner recorded in {@code labels}, if they hold one. */
  static Optional<Owner> fromLabels(Map<String, String> labels) {
    if (labels == null || !"true".equals(labels.get(MANAGED))) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Owner(
              labels.get(HOST),
              Long.parseLong(labels.get(PID)),
              Long.parseLong(labels.get(START))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether this owner is certainly gone: it lived on this host and its process is no longer there,
   * or the pid now belongs to a process started at another time. Owners on other hosts (a shared
   * remote engine) are never judged.
   */
  boolean isGoneSeenFrom(Owner self) {
    if (host == null || !host.equals(self.host)) {
      return false;
    }
    if (pid == self.pid) {
      return Math.abs(startMillis - self.startMillis) > START_TOLERANCE_MILLIS;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    Optional<Instant> started = process.get().info().startInstant();
    return started.isPresent()
        && Math.abs(started.get().toEpochMilli() - startMillis) > START_TOLERANCE_MILLIS;
  }

  private static String hostName() {
    try {
      String name =
          Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: fall through.
    }
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }
}
