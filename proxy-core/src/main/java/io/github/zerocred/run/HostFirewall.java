package io.github.zerocred.run;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Closes the hole an {@code --internal} network leaves: the container has no route out of the
 * machine, but its default route points at the gateway, which is this host, so every address of the
 * host answers it (the default bridge's, other networks' gateways, the LAN address): any service
 * listening there is reachable. Two {@code INPUT} rules on the run's bridge interface let through
 * only TCP to the proxy's address and port.
 *
 * <p>It needs {@code iptables} and root in the host's network namespace. Where it cannot apply the
 * rules, the run goes on and reports a warning: the proxy remains the only way off the machine.
 * Rules carry a comment naming the run, so a later sweep removes those of killed runs.
 */
final class HostFirewall {
  private static final String COMMENT_PREFIX = "zerocred-run=";
  private static final Pattern RULE_COMMENT =
      Pattern.compile("--comment \"?" + Pattern.quote(COMMENT_PREFIX) + "([0-9a-f-]+)\"?");
  private static final long TIMEOUT_SECONDS = 20;

  private final String iptables;

  private HostFirewall(String iptables) {
    this.iptables = iptables;
  }

  /** The firewall, when iptables is installed and we are root; else empty. */
  static Optional<HostFirewall> find() {
    if (!isRoot()) {
      return Optional.empty();
    }
    for (String candidate : List.of("/usr/sbin/iptables", "/sbin/iptables", "/usr/bin/iptables")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return Optional.of(new HostFirewall(candidate));
      }
    }
    return Optional.empty();
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // the effective uid
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return false;
  }

  /** The interface name the run's bridge gets; at most 15 characters, as Linux allows. */
  static String bridgeName(String runId) {
    return "zc" + runId.replace("-", "").substring(0, 12);
  }

  /**
   * Lets {@code bridge} reach only {@code proxy}:{@code port} on this host.
   *
   * @throws IOException when iptables refused; whatever was added is removed again
   */
  void lock(String runId, String bridge, InetAddress proxy, int port) throws IOException {
    // Inserted at the top, DROP first, so that ACCEPT ends up above it.
    run(dropRule("-I", runId, bridge));
    try {
      run(acceptRule("-I", runId, bridge, proxy, port));
    } catch (IOException e) {
      unlockQuietly(runId, bridge, proxy, port);
      throw e;
    }
  }

  /** Removes the run's rules; returns problems, if any, as text. */
  Optional<String> unlockQuietly(String runId, String bridge, InetAddress proxy, int port) {
    List<String> problems = new ArrayList<>();
    for (List<String> rule :
        List.of(acceptRule("-D", runId, bridge, proxy, port), dropRule("-D", runId, bridge))) {
      try {
        run(rule);
      } catch (IOException e) {
        if (!e.getMessage().contains("does a matching rule exist")
            && !e.getMessage().contains("No chain/target/match")
            && !e.getMessage().contains("Bad rule")) {
          problems.add(e.getMessage());
        }
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /**
   * Deletes the rules of every run not in {@code liveRuns}; returns how many were deleted.
   *
   * <p>The live runs are asked for after the rules were read: a run locks its network only after
   * creating it, so a rule read here belongs to a run that is either live by then or gone. Asked
   * the other way round, a run that started in between (many run at once on one engine) would lose
   * its rules to this sweep, silently, and its container would reach the host's services.
   */
  int sweep(Supplier<Set<String>> liveRuns) throws IOException {
    String[] rules = run(List.of(iptables, "-w", "-S", "INPUT")).split("\n");
    Set<String> live = null;
    int removed = 0;
    for (String line : rules) {
      Matcher m = RULE_COMMENT.matcher(line);
      if (!line.startsWith("-A INPUT ") || !m.find()) {
        continue;
      }
      if (live == null) {
        live = liveRuns.get();
      }
      if (!live.contains(m.group(1))) {
        List<String> delete = new ArrayList<>();
        delete.add(iptables);
        delete.add("-w");
        delete.add("-D");
        for (String word : line.substring(3).split(" ")) {
          delete.add(word.replace("\"", ""));
        }
        run(delete);
        removed++;
      }
    }
    return removed;
  }

  private List<String> dropRule(String op, String runId, String bridge) {
    return List.of(
        iptables,
        "-w",
        op,
        "INPUT",
        "-i",
        bridge,
        "-m",
        "comment",
        "--comment",
        COMMENT_PREFIX + runId,
        "-j",
        "DROP");
  }

  private List<String> acceptRule(
      String op, String runId, String bridge, InetAddress proxy, int port) {
    return List.of(
        iptables,
        "-w",
        op,
        "INPUT",
        "-i",
        bridge,
        "-p",
        "tcp",
        "-d",
        proxy.getHostAddress(),
        "--dport",
        Integer.toString(port),
        "-m",
        "comment",
        "--comment",
        COMMENT_PREFIX + runId,
        "-j",
        "ACCEPT");
  }

  /**
   * {@code setsid --wait}, where installed: iptables then runs in a session of its own. Ctrl-C in a
   * terminal signals the whole foreground process group, and iptables would be in the JVM's: an
   * impatient second Ctrl-C during the teardown killed {@code iptables -D} and left the run's rules
   * behind (the JVM itself catches the signal and finishes the teardown; see the CLI's StopSignal).
   * Fixed paths only, like iptables itself: never looked up on the {@code PATH}.
   */
  private static final List<String> OWN_SESSION =
      Stream.of("/usr/bin/setsid", "/bin/setsid")
          .filter(candidate -> Files.isExecutable(Path.of(candidate)))
          .findFirst()
          .map(setsid -> List.of(setsid, "--wait"))
          .orElse(List.of());

  /** {@code command} as it is started: in a session of its own where {@code setsid} exists. */
  static List<String> inOwnSession(List<String> command) {
    List<String> full = new ArrayList<>(OWN_SESSION);
    full.addAll(command);
    return full;
  }

  private static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(inOwnSession(command)).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish");
      }
      String text = new String(out, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running iptables", e);
    }
  }
}
