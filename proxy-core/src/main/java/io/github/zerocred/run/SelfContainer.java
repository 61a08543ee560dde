package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the container this JVM runs in, if any, on the engine it talks to. A GitHub container
 * action runs zerocred in a container: the run network's gateway is then not one of its addresses,
 * so it joins the run network and listens on its own address there instead.
 */
final class SelfContainer {
  private static final Pattern CONTAINER_ID = Pattern.compile("/containers/([0-9a-f]{64})/");
  private static final Pattern CGROUP_ID = Pattern.compile("([0-9a-f]{64})");

  private SelfContainer() {}

  /** This JVM's container id, when it runs in a container that {@code docker} knows. */
  static Optional<String> find(DockerClient docker) {
    if (!looksContainerised()) {
      return Optional.empty();
    }
    String hostname = read("/proc/sys/kernel/hostname").strip();
    for (String candidate : candidates(hostname)) {
      try {
        Optional<JsonNode> c = EngineJson.container(docker, candidate);
        // Only a running container with our own host name is us, not a namesake.
        if (c.isPresent()
            && EngineJson.isRunning(c.get())
            && hostname.equals(c.get().path("Config").path("Hostname").asText(null))
            && c.get().path("Id").isTextual()) {
          return Optional.of(c.get().path("Id").asText());
        }
      } catch (RuntimeException e) {
        // Not this one (or another engine's container): try the next candidate.
      }
    }
    return Optional.empty();
  }

  private static boolean looksContainerised() {
    if (Files.exists(Path.of("/.dockerenv")) || Files.exists(Path.of("/run/.containerenv"))) {
      return true;
    }
    String cgroup = read("/proc/1/cgroup");
    return cgroup.contains("docker")
        || cgroup.contains("kubepods")
        || cgroup.contains("containerd");
  }

  private static Set<String> candidates(String hostname) {
    Set<String> ids = new LinkedHashSet<>();
    // Docker bind-mounts /etc/hostname from /var/lib/docker/containers/<id>/: cgroup v1 and v2.
    Matcher m = CONTAINER_ID.matcher(read("/proc/self/mountinfo"));
    while (m.find()) {
      ids.add(m.group(1));
    }
    Matcher c = CGROUP_ID.matcher(read("/proc/self/cgroup"));
    while (c.find()) {
      ids.add(c.group(1));
    }
    // A container's default host name is its short id.
    if (!hostname.isEmpty()) {
      ids.add(hostname);
    }
    return ids;
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
