package io.github.zerocred.run;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.util.List;
import java.util.Map;
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
    List<Container> list =
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(Owner.MANAGED, "true"))
            .exec();
    for (Container c : list) {
      if (isAbandoned(c.getLabels(), self)) {
        if (removeContainer(c.getId())) {
          containers++;
        }
      }
    }
    for (Network n : managedNetworks(Map.of(Owner.MANAGED, "true"))) {
      if (isAbandoned(n.getLabels(), self)) {
        if (removeNetwork(n.getId())) {
          networks++;
        }
      }
    }
    return new Swept(containers, networks);
  }

  private boolean isAbandoned(Map<String, String> labels, Owner self) {
    String container = labels == null ? null : labels.get(OWNER_CONTAINER);
    if (container != null && !container.isBlank()) {
      try {
        InspectContainerResponse owner = docker.inspectContainerCmd(container).exec();
        return owner.getState() == null || !Boolean.TRUE.equals(owner.getState().getRunning());
      } catch (NotFoundException e) {
        return true;
      }
    }
    return Owner.fromLabels(labels).map(o -> o.isGoneSeenFrom(self)).orElse(false);
  }

  /** Removes every container and network labelled with {@code runId}. */
  Swept sweepRun(String runId) {
    Map<String, String> filter = Map.of(Owner.MANAGED, "true", Owner.RUN, runId);
    int containers = 0;
    int networks = 0;
    for (Container c :
        docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec()) {
      if (removeContainer(c.getId())) {
        containers++;
      }
    }
    for (Network n : managedNetworks(filter)) {
      if (removeNetwork(n.getId())) {
        networks++;
      }
    }
    return new Swept(containers, networks);
  }

  /** The run ids of every zerocred network still on the engine. */
  java.util.Set<String> liveRuns() {
    java.util.Set<String> runs = new java.util.HashSet<>();
    for (Network n : managedNetworks(Map.of(Owner.MANAGED, "true"))) {
      if (n.getLabels() != null && n.getLabels().get(Owner.RUN) != null) {
        runs.add(n.getLabels().get(Owner.RUN));
      }
    }
    return runs;
  }

  private List<Network> managedNetworks(Map<String, String> labels) {
    List<String> filters =
        labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    return docker.listNetworksCmd().withFilter("label", filters).exec();
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
      Network network = docker.inspectNetworkCmd().withNetworkId(id).exec();
      if (network.getContainers() != null) {
        for (String container : network.getContainers().keySet()) {
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
