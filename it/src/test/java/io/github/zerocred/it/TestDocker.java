package io.github.zerocred.it;

import static org.assertj.core.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tests' own view of the Docker engine and the runner image. Docker being absent fails the test
 * with a message saying what to start; it never skips.
 */
final class TestDocker implements AutoCloseable {
  static final String IMAGE_VARIABLE = "ZEROCRED_TEST_IMAGE";

  private static String image;

  private final DockerClient client;

  private TestDocker(DockerClient client) {
    this.client = client;
  }

  /** Connects the way the product does ({@code DOCKER_HOST}, else the local socket), or fails. */
  static TestDocker connect() {
    DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    DockerClient client =
        DockerClientImpl.getInstance(
            config,
            new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(10))
                .build());
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      fail(
          "These end-to-end tests need a Docker engine at "
              + config.getDockerHost()
              + " and none answered ("
              + e
              + "). Start one with `bash .ci/lib/docker-engine.sh` (or `sudo dockerd &`), or set"
              + " DOCKER_HOST.");
    }
    return new TestDocker(client);
  }

  DockerClient client() {
    return client;
  }

  /**
   * The runner image: {@code ZEROCRED_TEST_IMAGE} (environment or system property), else what
   * {@code it/testbed/claude-image.sh} builds (it reuses an unchanged image in about a second).
   */
  static synchronized String image() {
    if (image != null) {
      return image;
    }
    image = imageFrom(IMAGE_VARIABLE, repositoryRoot().resolve("it/testbed/claude-image.sh"));
    return image;
  }

  /**
   * An image tag: {@code variable} (system property or environment) if set, else the last line
   * {@code script} prints on stdout when run with {@code args} (a build that reuses what exists).
   */
  static String imageFrom(String variable, Path script, String... args) {
    String configured = System.getProperty(variable, System.getenv(variable));
    if (configured != null && !configured.isBlank()) {
      return configured.strip();
    }
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    try {
      Path log = Files.createTempFile("image-build", ".log");
      Process p =
          new ProcessBuilder(command)
              .redirectError(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
        String err = Files.readString(log);
        fail(
            "Could not build the image with "
                + script
                + " (set "
                + variable
                + " to use an existing one):\n"
                + err.substring(Math.max(0, err.length() - 3000)));
      }
      Files.deleteIfExists(log);
      String[] lines = out.split("\n");
      return lines[lines.length - 1].strip();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Path repositoryRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("it/testbed/claude-image.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("it/testbed/claude-image.sh not found above " + dir);
  }

  /** Names of the containers and networks carrying all of {@code labels}. */
  List<String> labelled(Map<String, String> labels) {
    List<String> found = new ArrayList<>();
    for (Container c :
        client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec()) {
      found.add("container " + String.join(",", c.getNames()) + " (" + c.getState() + ")");
    }
    List<String> filters =
        labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    for (Network n : client.listNetworksCmd().withFilter("label", filters).exec()) {
      found.add("network " + n.getName());
    }
    return found;
  }

  List<String> labelledWithRun(String runId) {
    return labelled(Map.of("zerocred.managed", "true", "zerocred.run", runId));
  }

  /** What this JVM's runs left, by owner labels. */
  List<String> labelledByThisJvm() {
    return labelled(
        Map.of(
            "zerocred.managed",
            "true",
            "zerocred.owner.pid",
            Long.toString(ProcessHandle.current().pid())));
  }

  /** The host's INPUT rules ({@code iptables -S INPUT}), where runs lock their bridge down. */
  static String hostInputRules() {
    try {
      Process p =
          new ProcessBuilder("iptables", "-w", "-S", "INPUT").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail("iptables -S INPUT failed (these tests need root and iptables): " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run iptables", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Output of a command run in a container, and its exit code. */
  record ExecResult(int exitCode, String stdout, String stderr) {}

  /** Everything a container printed so far, both streams. */
  String logs(String containerId) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    client
        .logContainerCmd(containerId)
        .withStdOut(true)
        .withStdErr(true)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                out.writeBytes(frame.getPayload());
              }
            })
        .awaitCompletion(30, TimeUnit.SECONDS);
    return out.toString(StandardCharsets.UTF_8);
  }

  ExecResult exec(String containerId, String... command) {
    String execId =
        client
            .execCreateCmd(containerId)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .withCmd(command)
            .exec()
            .getId();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ResultCallback.Adapter<Frame> callback =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            switch (frame.getStreamType()) {
              case STDERR -> err.writeBytes(frame.getPayload());
              default -> out.writeBytes(frame.getPayload());
            }
          }
        };
    try {
      client.execStartCmd(execId).exec(callback).awaitCompletion(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    Long code = client.inspectExecCmd(execId).exec().getExitCodeLong();
    return new ExecResult(
        code == null ? -1 : code.intValue(),
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /**
   * The host's IPv4 address on a bridge network, e.g. the default bridge's (docker0's address).
   * IPAM's gateway when the engine reports one; an engine started for the first time reports none
   * for the default bridge (only its subnet), so then the address of the bridge's interface here.
   */
  String gatewayOf(String network) {
    Network n = client.inspectNetworkCmd().withNetworkId(network).exec();
    if (n.getIpam() != null && n.getIpam().getConfig() != null) {
      for (Network.Ipam.Config c : n.getIpam().getConfig()) {
        if (c.getGateway() != null && !c.getGateway().isBlank() && !c.getGateway().contains(":")) {
          return c.getGateway();
        }
      }
    }
    String bridge =
        n.getOptions() == null ? null : n.getOptions().get("com.docker.network.bridge.name");
    if (bridge == null) {
      bridge = "br-" + n.getId().substring(0, 12); // the engine's name for a network's bridge
    }
    try {
      NetworkInterface nic = NetworkInterface.getByName(bridge);
      if (nic != null) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot read the interface " + bridge, e);
    }
    throw new IllegalStateException(
        "network " + network + " has no IPv4 gateway, and its bridge " + bridge + " no address");
  }

  void removeNetworkQuietly(String id) {
    try {
      client.removeNetworkCmd(id).exec();
    } catch (NotFoundException e) {
      // gone already
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
  }
}
