package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The firewall sweep while other runs start: a run that locks its network between the sweep's look
 * at the rules and its look at the live runs keeps its rules. Real iptables rules (on bridge names
 * no interface has, so no traffic is affected), removed again at the end.
 */
class HostFirewallSweepTest {
  private static final InetAddress PROXY = InetAddress.getLoopbackAddress();

  @Test
  void aRunThatLocksItsNetworkDuringASweep_keepsItsRules_whileADeadRunsRulesGo() throws Exception {
    HostFirewall firewall =
        HostFirewall.find().orElseThrow(() -> new AssertionError("needs root and iptables"));
    String dead = UUID.randomUUID().toString();
    String starting = UUID.randomUUID().toString();
    firewall.lock(dead, HostFirewall.bridgeName(dead), PROXY, 1);
    try {
      firewall.sweep(
          () -> {
            // The engine's live runs are read; right after, another run creates its network and
            // locks it. Read before the rules, its rules would be taken for a dead run's.
            Set<String> liveNow = Set.of();
            try {
              firewall.lock(starting, HostFirewall.bridgeName(starting), PROXY, 2);
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
            return liveNow;
          });

      String rules = inputRules();
      assertThat(rules).doesNotContain("zerocred-run=" + dead);
      assertThat(rules).contains("zerocred-run=" + starting);
    } finally {
      firewall.unlockQuietly(dead, HostFirewall.bridgeName(dead), PROXY, 1);
      firewall.unlockQuietly(starting, HostFirewall.bridgeName(starting), PROXY, 2);
    }
    assertThat(inputRules()).doesNotContain(dead).doesNotContain(starting);
  }

  private static String inputRules() throws Exception {
    Process p =
        new ProcessBuilder("iptables", "-w", "-S", "INPUT").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      fail("iptables -S INPUT failed: " + out);
    }
    return out;
  }
}
