package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sweep against the real engine, which it reads as JSON trees: what a gone owner left is
 * removed, what a running owner's run made is kept, and an owner label that is no container name
 * (anyone with the engine's socket can label a container) is taken for gone, never put in a path.
 */
class SweeperEngineTest {
  private DockerEngine engine;
  private DockerClient docker;
  private final List<String> containers = new CopyOnWriteArrayList<>();
  private final List<String> networks = new CopyOnWriteArrayList<>();
  private final String run = UUID.randomUUID().toString();

  @BeforeEach
  void connect() {
    engine = DockerEngine.connect(Optional.empty());
    docker = engine.client();
  }

  @AfterEach
  void cleanUp() {
    containers.forEach(id -> quietly(() -> docker.removeContainerCmd(id).withForce(true).exec()));
    networks.forEach(id -> quietly(() -> docker.removeNetworkCmd(id).exec()));
    engine.close();
  }

  @Test
  void whatAGoneOrBogusOwnerLeft_isSwept_andWhatARunningOwnersRunMade_isKept() {
    String owner = container(Map.of("zerocred.test", "sweeper-owner"), true);
    String ofLiveOwner = container(labels(owner), false);
    String ofGoneOwner = container(labels("0123456789ab".repeat(5) + "0123"), false);
    String ofBogusOwner = container(labels("../../info"), false);
    String networkOfBogusOwner = network(labels("../info"));
    String networkOfLiveOwner = network(labels(owner));
    List<String> warnings = new CopyOnWriteArrayList<>();

    Sweeper.Swept swept = new Sweeper(docker, warnings::add).sweepAbandoned(Owner.current());

    assertThat(exists(ofLiveOwner)).isTrue();
    assertThat(exists(ofGoneOwner)).isFalse();
    assertThat(exists(ofBogusOwner)).isFalse();
    assertThat(networkExists(networkOfLiveOwner)).isTrue();
    assertThat(networkExists(networkOfBogusOwner)).isFalse();
    // Other runs on a shared engine may be swept too: at least ours.
    assertThat(swept.containers()).isGreaterThanOrEqualTo(2);
    assertThat(swept.networks()).isGreaterThanOrEqualTo(1);
    assertThat(warnings).noneMatch(w -> w.contains(Sweeper.shortId(ofLiveOwner)));

    // The run's own sweep finds the rest by its label.
    Sweeper.Swept rest = new Sweeper(docker, warnings::add).sweepRun(run);
    assertThat(rest.containers()).isEqualTo(1);
    assertThat(rest.networks()).isEqualTo(1);
    assertThat(exists(ofLiveOwner)).isFalse();
    assertThat(networkExists(networkOfLiveOwner)).isFalse();
  }

  private Map<String, String> labels(String ownerContainer) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Owner.MANAGED, "true");
    labels.put(Owner.RUN, run);
    labels.put(Sweeper.OWNER_CONTAINER, ownerContainer);
    return labels;
  }

  private String container(Map<String, String> labels, boolean running) {
    String image = System.getProperty("ZEROCRED_TEST_IMAGE", System.getenv("ZEROCRED_TEST_IMAGE"));
    assertThat(image).as("ZEROCRED_TEST_IMAGE (it/run-tests.sh sets it)").isNotBlank();
    String id =
        docker
            .createContainerCmd(image)
            .withLabels(labels)
            .withEntrypoint("/bin/sleep", "120")
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
            .exec()
            .getId();
    containers.add(id);
    if (running) {
      docker.startContainerCmd(id).exec();
    }
    return id;
  }

  private String network(Map<String, String> labels) {
    String id =
        new SubnetAllocator(docker, SubnetPool.parse("10.213.244.0/26", "pool"))
            .create(
                subnet ->
                    docker
                        .createNetworkCmd()
                        .withName("zerocred-sweeper-test-" + UUID.randomUUID())
                        .withInternal(true)
                        .withIpam(
                            new Network.Ipam()
                                .withConfig(
                                    new Network.Ipam.Config().withSubnet(subnet.toString())))
                        .withLabels(labels)
                        .exec()
                        .getId());
    networks.add(id);
    return id;
  }

  private boolean exists(String container) {
    try {
      docker.inspectContainerCmd(container).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private boolean networkExists(String network) {
    try {
      docker.inspectNetworkCmd().withNetworkId(network).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      // Gone already.
    }
  }
}
