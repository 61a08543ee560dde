package io.github.zerocred.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import io.github.zerocred.proxy.ZerocredException;
import io.github.zerocred.run.SubnetPool.Subnet;
import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Creates a run's network on a free subnet of the {@link SubnetPool}. The engine is the source of
 * truth: the subnets of every network it holds (zerocred's own, other processes', anyone's) are
 * read before each attempt, and a subnet the engine still refuses as overlapping (another process
 * took it in between) is skipped for the next free one. Nothing is remembered between runs, so any
 * number of zerocred processes share one engine without talking to each other; each starts its
 * search at a random place in the pool, so they rarely even try the same subnet.
 *
 * <p>Subnets that overlap an address of this host's own interfaces are skipped too: a bridge there
 * would hide that part of the host's network from it.
 */
final class SubnetAllocator {
  /** Refusals for overlap in a row before giving up: only a very busy engine gets near this. */
  static final int MAX_COLLISIONS = 64;

  private final DockerClient docker;
  private final SubnetPool pool;

  SubnetAllocator(DockerClient docker, SubnetPool pool) {
    this.docker = docker;
    this.pool = pool;
  }

  /**
   * Calls {@code create} with free subnets until the engine accepts one, and returns what it
   * returned (the network's id).
   *
   * @throws ZerocredException when the pool has no free subnet left, saying so and naming {@link
   *     SubnetPool#ENVIRONMENT_VARIABLE}
   */
  String create(Function<Subnet, String> create) {
    Set<Subnet> refused = new HashSet<>();
    int start = ThreadLocalRandom.current().nextInt(pool.size());
    for (int attempt = 0; attempt <= MAX_COLLISIONS; attempt++) {
      List<Subnet> taken = taken();
      Subnet free = firstFree(pool, start, taken, refused);
      if (free == null) {
        throw exhausted(taken);
      }
      try {
        return create.apply(free);
      } catch (RuntimeException e) {
        if (!isOverlap(e)) {
          throw e;
        }
        refused.add(free); // another process won this one a moment ago: try the next
        start = index(pool, free) + 1;
      }
    }
    throw new ZerocredException(
        "The Docker engine refused "
            + MAX_COLLISIONS
            + " free-looking subnets of zerocred's subnet pool "
            + pool
            + " in a row as overlapping: too many networks are being created at once on this"
            + " engine. Run fewer reviews at once, or give this machine a pool of its own with "
            + SubnetPool.ENVIRONMENT_VARIABLE);
  }

  /** The first subnet from {@code start} on (wrapping around) that overlaps nothing taken. */
  static Subnet firstFree(SubnetPool pool, int start, List<Subnet> taken, Set<Subnet> refused) {
    int size = pool.size();
    for (int i = 0; i < size; i++) {
      Subnet candidate = pool.subnet(Math.floorMod(start + i, size));
      if (refused.contains(candidate)) {
        continue;
      }
      boolean clear = true;
      for (Subnet t : taken) {
        if (t.overlaps(candidate)) {
          clear = false;
          break;
        }
      }
      if (clear) {
        return candidate;
      }
    }
    return null;
  }

  private static int index(SubnetPool pool, Subnet subnet) {
    return (subnet.network() - pool.network()) >>> (32 - SubnetPool.RUN_PREFIX);
  }

  /** Every IPv4 subnet the engine's networks and this host's interfaces use. */
  private List<Subnet> taken() {
    List<Subnet> taken = new ArrayList<>();
    for (JsonNode n : EngineJson.networks(docker, Map.of())) {
      for (JsonNode c : n.path("IPAM").path("Config")) {
        Subnet.parse(c.path("Subnet").asText(null)).ifPresent(taken::add);
      }
    }
    taken.addAll(hostSubnets());
    return taken;
  }

  private static List<Subnet> hostSubnets() {
    List<Subnet> subnets = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InterfaceAddress a : nic.getInterfaceAddresses()) {
          if (a.getAddress() instanceof Inet4Address && !a.getAddress().isLoopbackAddress()) {
            Subnet.parse(a.getAddress().getHostAddress() + "/" + a.getNetworkPrefixLength())
                .ifPresent(subnets::add);
          }
        }
      }
    } catch (SocketException | RuntimeException e) {
      // No interfaces to read: the engine's own check is what remains.
    }
    return subnets;
  }

  /** The engine's refusal of a subnet another network holds ("Pool overlaps with other one…"). */
  static boolean isOverlap(RuntimeException e) {
    return DockerEngine.rootMessage(e).toLowerCase(Locale.ROOT).contains("overlap");
  }

  private ZerocredException exhausted(List<Subnet> taken) {
    long inPool =
        taken.stream().filter(t -> t.overlaps(new Subnet(pool.network(), pool.prefix()))).count();
    return new ZerocredException(
        "The Docker engine has no room for another run network: every /"
            + SubnetPool.RUN_PREFIX
            + " of zerocred's subnet pool "
            + pool
            + " ("
            + pool.size()
            + " networks) overlaps a network or host address in use ("
            + inPool
            + " of them). Give zerocred a larger or another free range with the environment"
            + " variable "
            + SubnetPool.ENVIRONMENT_VARIABLE
            + " (such as 10.214.0.0/16), remove networks the engine no longer needs (`docker"
            + " network ls`), or run fewer reviews at once");
  }
}
