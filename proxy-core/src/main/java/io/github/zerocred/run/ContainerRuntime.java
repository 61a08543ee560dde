package io.github.zerocred.run;

import com.github.dockerjava.api.model.Info;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ZerocredException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The OCI runtime Claude's container runs under, such as gVisor's {@code runsc}: a user-space
 * kernel between the agent's system calls and the host's, so that a kernel exploit in the container
 * meets gVisor instead of Linux. The name must be one the engine has registered ({@code docker
 * info} lists them); the check happens before anything is created, and its message says how to
 * register gVisor.
 */
public final class ContainerRuntime {
  /** The runtime this project documents and tests: gVisor. */
  static final String GVISOR = "runsc";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

  private ContainerRuntime() {}

  /**
   * Checks a runtime name as the user wrote it.
   *
   * @throws InvalidConfigurationException naming {@code setting}
   */
  public static String checkName(String name, String setting) {
    if (!NAME.matcher(name).matches()) {
      String shown = name.length() > 64 ? name.substring(0, 64) + "…" : name;
      throw new InvalidConfigurationException(
          setting
              + " must name a container runtime registered with the Docker engine, such as "
              + GVISOR
              + ", got '"
              + shown
              + "'");
    }
    return name;
  }

  /**
   * Checks that the engine has {@code runtime} registered.
   *
   * @throws ZerocredException when it has not, listing what it has and how to register gVisor
   */
  static void requireRegistered(Info info, String runtime, String engineHost) {
    Map<String, ?> runtimes =
        Optional.<Map<String, ?>>ofNullable(info.getRuntimes()).orElse(Map.of());
    if (runtimes.containsKey(runtime)) {
      return;
    }
    throw new ZerocredException(
        "The Docker engine at "
            + engineHost
            + " has no container runtime named '"
            + runtime
            + "' (it has: "
            + (runtimes.isEmpty()
                ? "none listed"
                : String.join(", ", new TreeSet<>(runtimes.keySet())))
            + "). "
            + howToRegister(runtime));
  }

  private static String howToRegister(String runtime) {
    if (!runtime.equals(GVISOR)) {
      return "Register it in the engine's daemon.json under \"runtimes\" and reload the engine"
          + " (`sudo kill -HUP $(pidof dockerd)`), or choose a runtime the engine lists";
    }
    return "To use gVisor: install it (Debian and Ubuntu: `sudo apt-get install runsc`), register"
        + " it with `sudo runsc install --runtime=runsc -- --platform=ptrace` (this adds it to"
        + " /etc/docker/daemon.json) and make the engine reload its configuration with `sudo kill"
        + " -HUP $(pidof dockerd)`; see the README's section on gVisor";
  }
}
