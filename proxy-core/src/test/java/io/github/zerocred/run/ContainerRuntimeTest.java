package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.RuntimeInfo;
import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.proxy.ZerocredException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRuntimeTest {
  @Test
  void runtimeNames_thatCouldCarryOptionsOrPaths_areRefused_namingTheSetting() {
    for (String bad :
        List.of(
            "--runtime=runc", "../runsc", "/usr/bin/runsc", "run sc", "runsc\n", "x".repeat(65))) {
      assertThatThrownBy(() -> ContainerRuntime.checkName(bad, "--runtime"))
          .as(bad)
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith("--runtime must name a container runtime");
    }
    assertThat(ContainerRuntime.checkName("runsc", "runtime")).isEqualTo("runsc");
    assertThat(ContainerRuntime.checkName("io.containerd.runc.v2", "runtime"))
        .isEqualTo("io.containerd.runc.v2");
  }

  @Test
  void anUnregisteredRuntime_isRefused_sayingHowToRegisterGvisor() {
    Info info = new Info().withRuntimes(Map.of("runc", new RuntimeInfo()));
    assertThatThrownBy(
            () -> ContainerRuntime.requireRegistered(info, "runsc", "unix:///var/run/docker.sock"))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("has no container runtime named 'runsc' (it has: runc)")
        .hasMessageContaining("apt-get install runsc")
        .hasMessageContaining("runsc install --runtime=runsc -- --platform=ptrace")
        .hasMessageContaining("kill -HUP");
    assertThatThrownBy(() -> ContainerRuntime.requireRegistered(new Info(), "kata", "tcp://e:2376"))
        .hasMessageContaining("(it has: none listed)")
        .hasMessageContaining("daemon.json");
    assertThatCode(() -> ContainerRuntime.requireRegistered(info, "runc", "unix:///x"))
        .doesNotThrowAnyException();
  }
}
