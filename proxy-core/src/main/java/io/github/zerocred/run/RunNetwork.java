package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Network;
import io.github.zerocred.proxy.ZerocredException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A run's {@code --internal} network with its host firewall rules, as a handle: {@link #close()}
 * removes the rules and the network (after disconnecting whatever is still attached), once, from
 * whichever thread comes first. The network carries the run's labels, so a sweep finds it even when
 * nobody closes it.
 */
final class RunNetwork implements AutoCloseable {
  /** The bridge option that leaves the engine's host without an address on the network. */
  static final String INHIBIT_IPV4 = "com.docker.network.bridge.inhibit_ipv4";

  private final DockerClient docker;
  private final String runId;
  private final String id;
  private final String name;
  private final String selfContainerId;
  private final Consumer<String> warnings;
  private final AtomicBoolean closed = new AtomicBoolean();
  private InetAddress listenAddress;
  private volatile HostFirewall firewall;
  private volatile InetSocketAddress lockedProxy;

  private RunNetwork(
      DockerClient docker,
      String runId,
      String id,
      String name,
      String selfContainerId,
      Consumer<String> warnings) {
    this.docker = docker;
    this.runId = runId;
    this.id = id;
    this.name = name;
    this.selfContainerId = selfContainerId;
    this.warnings = warnings;
  }

  /**
   * Creates the run's network and finds the address the proxy must listen on there; a network that
   * was made but is unusable is removed again before this throws.
   *
   * @param selfContainerId this process's own container, which joins the network, or null
   * @param pool where the network's subnet comes from
   */
  static RunNetwork create(
      DockerClient docker,
      String runId,
      Map<String, String> labels,
      String selfContainerId,
      SubnetPool pool,
      Consumer<String> warnings) {
    return create(docker, runId, labels, selfContainerId, pool, warnings, true);
  }

  /**
   * Creates the run's network for a proxy that runs in a container on it: the bridge gets no
   * address on the engine's host ({@code inhibit_ipv4}), so the network's members reach each other
   * and nothing else, not even a service on that host; nothing here listens on it.
   */
  static RunNetwork createWithoutHost(
      DockerClient docker,
      String runId,
      Map<String, String> labels,
      SubnetPool pool,
      Consumer<String> warnings) {
    return create(docker, runId, labels, null, pool, warnings, false);
  }

  private static RunNetwork create(
      DockerClient docker,
      String runId,
      Map<String, String> labels,
      String selfContainerId,
      SubnetPool pool,
      Consumer<String> warnings,
      boolean hostSide) {
    String name = "zerocred-" + runId;
    Map<String, String> options = new java.util.HashMap<>();
    options.put("com.docker.network.bridge.name", HostFirewall.bridgeName(runId));
    if (!hostSide) {
      options.put(INHIBIT_IPV4, "true");
    }
    // A /28 of zerocred's own pool, not one of Docker's default pools (about 30 networks): the
    // gateway is given explicitly, so IPAM always reports it (see findListenAddress).
    // The gateway given to the engine: the proxy's address, without asking for it again.
    String[] gateway = new String[1];
    String id =
        new SubnetAllocator(docker, pool)
            .create(
                subnet -> {
                  String created =
                      docker
                          .createNetworkCmd()
                          .withName(name)
                          .withDriver("bridge")
                          .withInternal(true)
                          .withCheckDuplicate(true)
                          .withIpam(
                              new Network.Ipam()
                                  .withConfig(
                                      new Network.Ipam.Config()
                                          .withSubnet(subnet.toString())
                                          .withGateway(subnet.gateway())))
                          .withOptions(options)
                          .withLabels(labels)
                          .exec()
                          .getId();
                  gateway[0] = subnet.gateway(); // IPAM has exactly this one now
                  return created;
                });
    RunNetwork network = new RunNetwork(docker, runId, id, name, selfContainerId, warnings);
    if (!hostSide) {
      return network;
    }
    try {
      network.listenAddress =
          selfContainerId == null && gateway[0] != null
              ? ip(gateway[0])
              : network.findListenAddress();
      return network;
    } catch (RuntimeException e) {
      network.close();
      throw e;
    }
  }

  String id() {
    return id;
  }

  String name() {
    return name;
  }

  /** Where the proxy listens so that the container reaches it: the gateway, or our own address. */
  InetAddress listenAddress() {
    return listenAddress;
  }

  private InetAddress findListenAddress() {
    if (selfContainerId != null) {
      // In a container the gateway is the engine host's address, not ours: join the network.
      docker.connectToNetworkCmd().withNetworkId(id).withContainerId(selfContainerId).exec();
      String mine =
          EngineJson.container(docker, selfContainerId)
              .map(me -> me.path("NetworkSettings").path("Networks").path(name).path("IPAddress"))
              .map(a -> a.asText(""))
              .orElse("");
      if (mine.isBlank()) {
        throw new ZerocredException("Joined the run network " + name + " but got no address on it");
      }
      return ip(mine);
    }
    String gateway = null;
    for (JsonNode config :
        EngineJson.network(docker, id)
            .map(n -> n.path("IPAM").path("Config"))
            .orElse(MissingNode.getInstance())) {
      String g = config.path("Gateway").asText("");
      if (!g.isBlank() && !g.contains(":")) {
        gateway = g;
        break;
      }
    }
    if (gateway == null) {
      // IPAM may leave the gateway out (an engine started for the first time does so for its
      // default bridge): the bridge's interface on this host holds the address then.
      return bridgeAddress(HostFirewall.bridgeName(runId))
          .orElseThrow(
              () ->
                  new ZerocredException(
                      "The Docker engine gave the run network "
                          + name
                          + " no IPv4 gateway address, and its bridge has none on this host"));
    }
    return ip(gateway);
  }

  /**
   * The network's default route leads to this host, so every host address answers the container:
   * allow only the proxy (see {@link HostFirewall}). Where that cannot be done, says so and goes
   * on: the proxy is still the only way off the machine.
   */
  void lockTo(InetSocketAddress proxy) {
    if (selfContainerId != null) {
      warnings.accept(
          "zerocred runs in a container: the run's container can reach services listening on the"
              + " Docker host's addresses; only the proxy leads off the machine");
      return;
    }
    Optional<HostFirewall> found = HostFirewall.find();
    if (found.isEmpty()) {
      warnings.accept(
          "Without root and iptables the run's container can reach services listening on this"
              + " host's addresses; only the proxy leads off the machine");
      return;
    }
    try {
      found.get().lock(runId, HostFirewall.bridgeName(runId), proxy.getAddress(), proxy.getPort());
      lockedProxy = proxy;
      firewall = found.get();
    } catch (IOException e) {
      warnings.accept(
          "Could not restrict the run network to the proxy with iptables ("
              + e.getMessage()
              + "); the container can reach services listening on this host's addresses");
    }
  }

  /** Removes the network and its firewall rules; once, never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    new Sweeper(docker, warnings).removeNetwork(id);
    HostFirewall f = firewall;
    if (f != null) {
      InetSocketAddress proxy = lockedProxy;
      f.unlockQuietly(runId, HostFirewall.bridgeName(runId), proxy.getAddress(), proxy.getPort())
          .ifPresent(
              problem -> warnings.accept("Could not remove the run's firewall rules: " + problem));
    }
  }

  /** The IPv4 address of a network interface of this host, such as a run network's bridge. */
  static Optional<InetAddress> bridgeAddress(String interfaceName) {
    try {
      NetworkInterface nic = NetworkInterface.getByName(interfaceName);
      if (nic == null) {
        return Optional.empty();
      }
      return Collections.list(nic.getInetAddresses()).stream()
          .filter(a -> a instanceof Inet4Address)
          .findFirst();
    } catch (SocketException e) {
      return Optional.empty();
    }
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: no lookup
    } catch (UnknownHostException e) {
      throw new ZerocredException("The Docker engine reported a bad address: " + literal, e);
    }
  }
}
