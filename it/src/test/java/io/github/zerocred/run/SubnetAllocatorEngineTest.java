package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import io.github.zerocred.proxy.ZerocredException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The subnet pool against the real engine: networks zerocred did not create (another process's run,
 * anyone's bridge) are skipped, one created between the check and the create is refused by the
 * engine and the next free subnet is taken, and a pool with no room left fails in words. The pools
 * here lie in the default pool's last /20, away from what concurrent runs pick first.
 */
class SubnetAllocatorEngineTest {
  private DockerEngine engine;
  private DockerClient docker;
  private final List<String> networks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void connect() {
    engine = DockerEngine.connect(Optional.empty());
    docker = engine.client();
  }

  @AfterEach
  void cleanUp() {
    for (String id : networks) {
      try {
        docker.removeNetworkCmd(id).exec();
      } catch (RuntimeException e) {
        // Gone already.
      }
    }
    engine.close();
  }

  @Test
  void aNetworkCreatedBetweenTheCheckAndTheCreate_isRefusedByTheEngine_andTheNextFreeOneTaken() {
    SubnetPool pool = SubnetPool.parse("10.213.240.0/26", "pool");
    List<String> tried = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    String id =
        new SubnetAllocator(docker, pool)
            .create(
                subnet -> {
                  tried.add(subnet.toString());
                  if (calls.getAndIncrement() == 0) {
                    // Another process wins this subnet a moment before we ask for it.
                    foreign(subnet.toString());
                  }
                  return network(subnet.toString());
                });

    assertThat(tried).hasSize(2).doesNotHaveDuplicates();
    assertThat(subnetOf(id)).isEqualTo(tried.get(1));
  }

  @Test
  void subnetsThatOtherNetworksUse_areSkipped_andTheRunNetworksGatewayIsSetExplicitly() {
    SubnetPool pool = SubnetPool.parse("10.213.242.0/27", "pool"); // two /28s
    foreign("10.213.242.0/28");
    RunNetwork network =
        RunNetwork.create(
            docker,
            UUID.randomUUID().toString(),
            Map.of("zerocred.it", "true"),
            null,
            pool,
            warning -> {});
    try {
      networks.add(network.id());
      Network inspected = docker.inspectNetworkCmd().withNetworkId(network.id()).exec();
      assertThat(inspected.getIpam().getConfig().get(0).getSubnet()).isEqualTo("10.213.242.16/28");
      assertThat(inspected.getIpam().getConfig().get(0).getGateway()).isEqualTo("10.213.242.17");
      assertThat(inspected.getInternal()).isTrue();
      assertThat(network.listenAddress().getHostAddress()).isEqualTo("10.213.242.17");
    } finally {
      network.close();
    }
    assertThat(docker.listNetworksCmd().withIdFilter(network.id()).exec()).isEmpty();
  }

  @Test
  void aPoolWithNoRoomLeft_failsInWords_namingTheVariable_andCreatesNothing() {
    SubnetPool pool = SubnetPool.parse("10.213.244.0/27", "pool");
    foreign("10.213.244.0/27");
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                new SubnetAllocator(docker, pool)
                    .create(
                        subnet -> {
                          calls.incrementAndGet();
                          return network(subnet.toString());
                        }))
        .isInstanceOf(ZerocredException.class)
        .hasMessageContaining("no room for another run network")
        .hasMessageContaining("10.213.244.0/27 (2 networks)")
        .hasMessageContaining(SubnetPool.ENVIRONMENT_VARIABLE);
    assertThat(calls).hasValue(0);
  }

  /** A network zerocred did not make, on {@code subnet}. */
  private void foreign(String subnet) {
    networks.add(create("zerocred-it-foreign-", subnet));
  }

  private String network(String subnet) {
    String id = create("zerocred-it-pool-", subnet);
    networks.add(id);
    return id;
  }

  private String create(String prefix, String subnet) {
    return docker
        .createNetworkCmd()
        .withName(prefix + UUID.randomUUID())
        .withInternal(true)
        .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet)))
        .withLabels(Map.of("zerocred.it", "true"))
        .exec()
        .getId();
  }

  private String subnetOf(String id) {
    return docker
        .inspectNetworkCmd()
        .withNetworkId(id)
        .exec()
        .getIpam()
        .getConfig()
        .get(0)
        .getSubnet();
  }
}
