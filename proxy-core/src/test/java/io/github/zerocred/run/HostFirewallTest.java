package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How iptables is started. Ctrl-C in a terminal signals the JVM's whole process group; a helper
 * process in that group dies with it, and an impatient second Ctrl-C during a teardown killed
 * {@code iptables -D} and left the run's firewall rules behind (CancelledReviewTest caught it).
 */
class HostFirewallTest {

  @Test
  void helperProcesses_runOutsideTheJvmsProcessGroup_soATerminalsCtrlCDoesNotReachThem()
      throws Exception {
    List<String> command =
        HostFirewall.inOwnSession(List.of("/bin/sh", "-c", "cat /proc/self/stat"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String stat = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(stat).isZero();

    assertThat(processGroup(stat)).isNotEqualTo(processGroup(ownStat()));
  }

  @Test
  void theExitStatusIsTheCommandsOwn() throws Exception {
    Process p =
        new ProcessBuilder(HostFirewall.inOwnSession(List.of("/bin/sh", "-c", "exit 3"))).start();
    assertThat(p.waitFor()).isEqualTo(3);
  }

  private static String ownStat() throws IOException {
    return Files.readString(Path.of("/proc/self/stat"));
  }

  /** Field 5 of /proc/PID/stat; the name in field 2 is in parentheses and may hold blanks. */
  private static long processGroup(String stat) {
    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(after[2]);
  }
}
