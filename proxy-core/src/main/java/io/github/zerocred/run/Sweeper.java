package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Removes what zerocred left on an engine: the containers and networks of one run, or of every run
 * whose owning process is gone. Works by label, never by remembered ids, so it also cleans up after
 * a JVM that was killed.
 */
final class Sweeper {
  /**
   * Set when zerocred ran in a container on the same engine (the GitHub Action): its owner is gone
   * when that container is, whatever host name or pid the next run sees.
   */
  static final String OWNER_CONTAINER = "zerocred.owner.container";

  private final DockerClient docker;
  private final Consumer<String> warnings;

  Sweeper(DockerClient docker, Consumer<String> warnings) {
    this.docker = docker;
    this.warnings = warnings;
  }

  /** Counts of what was removed. */
  record Swept(int containers, int networks) {}

  /** Removes every labelled container and network whose owner is gone; returns the counts. */
  Swept sweepAbandoned(Owner self) {
    int containers = 0;
    int networks = 0;
    Map<String, String> managed = Map.of(Owner.MANAGED, "true");
    for (JsonNode c : EngineJson.containers(docker, managed)) {
      if (isAbandoned(EngineJson.labels(c), self)) {
        if (removeContainer(c.path("Id").asText())) {
          containers++;
        }
      }
    }
    for (JsonNode n : EngineJson.networks(docker, managed)) {
      if (isAbandoned(EngineJson.labels(n), self)) {
        if (removeNetwork(n.path("Id").asText())) {
          networks++;
        }
      }
    }
    return new Swept(containers, networks);
  }

  private boolean isAbandoned(Map<String, String> labels, Owner self) {
    String container = labels.get(OWNER_CONTAINER);
    if (container != null && !container.isBlank()) {
      return EngineJson.container(docker, container)
          .map(c -> !EngineJson.isRunning(c))
          .orElse(true);
    }
    return Owner.fromLabels(labels).map(o -> o.isGoneSeenFrom(self)).orElse(false);
  }

  /** Removes every container and network labelled with {@code runId}. */
  Swept sweepRun(String runId) {
    Map<String, String> filter = Map.of(Owner.MANAGED, "true", Owner.RUN, runId);
    int containers = 0;
    int networks = 0;
    for (JsonNode c : EngineJson.containers(docker, filter)) {
      if (removeContainer(c.path("Id").asText())) {
        containers++;
      }
    }
    for (JsonNode n : EngineJson.networks(docker, filter)) {
      if (removeNetwork(n.path("Id").asText())) {
        networks++;
      }
    }
    return new Swept(containers, networks);
  }

  /** The run ids of every zerocred network still on the engine. */
  Set<String> liveRuns() {
    Set<String> runs = new HashSet<>();
    for (JsonNode n : EngineJson.networks(docker, Map.of(Owner.MANAGED, "true"))) {
      String run = EngineJson.labels(n).get(Owner.RUN);
      if (run != null) {
        runs.add(run);
      }
    }
    return runs;
  }

  /** Force-removes a container; true if it was there. */
  boolean removeContainer(String id) {
    try {
      docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      // "removal already in progress" also lands here; the container goes away all the same.
      warnings.accept(
          "Could not remove container " + shortId(id) + ": " + DockerEngine.rootMessage(e));
      return false;
    }
  }

  /**
   * Removes a network after disconnecting whatever is still attached (a zerocred process running in
   * a container attaches itself); true if it was there.
   */
  boolean removeNetwork(String id) {
    try {
      Optional<JsonNode> network = EngineJson.network(docker, id);
      if (network.isEmpty()) {
        return false;
      }
      for (Iterator<String> attached = network.get().path("Containers").fieldNames();
          attached.hasNext(); ) {
        String container = attached.next();
        try {
          docker
              .disconnectFromNetworkCmd()
              .withNetworkId(id)
              .withContainerId(container)
              .withForce(true)
              .exec();
        } catch (NotFoundException e) {
          // Gone meanwhile.
        }
      }
      docker.removeNetworkCmd(id).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    } catch (RuntimeException e) {
      warnings.accept(
          "Could not remove network " + shortId(id) + ": " + DockerEngine.rootMessage(e));
      return false;
    }
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
