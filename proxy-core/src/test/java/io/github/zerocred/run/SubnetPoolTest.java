package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.zerocred.proxy.InvalidConfigurationException;
import io.github.zerocred.run.SubnetPool.Subnet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubnetPoolTest {
  private static Subnet subnet(String cidr) {
    return Subnet.parse(cidr).orElseThrow();
  }

  @Test
  void defaultPool_avoidsDockersDefaultPools_andCommonLanRanges() {
    Subnet pool = subnet(SubnetPool.DEFAULT);
    for (String busy :
        List.of(
            "172.16.0.0/12", // Docker's 172.17-31 pools, and LANs in 172.16
            "192.168.0.0/16", // Docker's second default pool, and most home routers
            "10.0.0.0/16",
            "10.1.0.0/16",
            "10.10.0.0/16",
            "100.64.0.0/10")) { // carrier-grade NAT, mesh VPNs
      assertThat(pool.overlaps(subnet(busy))).as(busy).isFalse();
    }
    assertThat(SubnetPool.defaults().size()).isEqualTo(4096);
  }

  @Test
  void environmentVariable_choosesThePool_andBlankMeansTheDefault() {
    assertThat(
            SubnetPool.fromEnvironment(Map.of(SubnetPool.ENVIRONMENT_VARIABLE, " 10.99.0.0/24 ")))
        .hasToString("10.99.0.0/24");
    assertThat(SubnetPool.fromEnvironment(Map.of(SubnetPool.ENVIRONMENT_VARIABLE, " ")))
        .isEqualTo(SubnetPool.defaults());
    assertThat(SubnetPool.fromEnvironment(Map.of())).isEqualTo(SubnetPool.defaults());
  }

  @Test
  void badPools_areRefused_namingTheVariable() {
    for (String bad :
        List.of(
            "10.213.0.0",
            "10.213.0.0/29",
            "10.213.0.0/7",
            "10.213.0.1/16",
            "300.1.0.0/16",
            "fd00::/64",
            "10.213.0.0/16; rm -rf /",
            "x".repeat(500))) {
      assertThatThrownBy(() -> SubnetPool.parse(bad, SubnetPool.ENVIRONMENT_VARIABLE))
          .as(bad)
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageStartingWith(SubnetPool.ENVIRONMENT_VARIABLE + " '")
          .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    }
    assertThatThrownBy(() -> SubnetPool.parse("10.213.0.1/16", "pool"))
        .hasMessageContaining("did you mean 10.213.0.0/16?");
  }

  @Test
  void subnets_areDisjointSlash28sInsideThePool_withTheFirstHostAsGateway() {
    SubnetPool pool = SubnetPool.parse("10.213.4.0/24", "pool");
    assertThat(pool.size()).isEqualTo(16);
    Set<Subnet> seen = new HashSet<>();
    List<Subnet> all = new ArrayList<>();
    for (int i = 0; i < pool.size(); i++) {
      Subnet s = pool.subnet(i);
      assertThat(s.prefix()).isEqualTo(28);
      assertThat(s.overlaps(subnet("10.213.4.0/24"))).isTrue();
      for (Subnet other : all) {
        assertThat(s.overlaps(other)).isFalse();
      }
      all.add(s);
      seen.add(s);
    }
    assertThat(seen).hasSize(16);
    assertThat(pool.subnet(0)).hasToString("10.213.4.0/28");
    assertThat(pool.subnet(0).gateway()).isEqualTo("10.213.4.1");
    assertThat(pool.subnet(15)).hasToString("10.213.4.240/28");
    assertThatThrownBy(() -> pool.subnet(16)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void engineSubnets_parseOnlyIpv4_andNormaliseHostBits() {
    assertThat(Subnet.parse("172.17.0.1/16")).contains(subnet("172.17.0.0/16"));
    assertThat(Subnet.parse("fd00:1::/64")).isEmpty();
    assertThat(Subnet.parse("")).isEmpty();
    assertThat(Subnet.parse(null)).isEmpty();
    assertThat(Subnet.parse("1.2.3.4/33")).isEmpty();
    assertThat(subnet("10.0.0.0/8").overlaps(subnet("10.213.7.16/28"))).isTrue();
    assertThat(subnet("10.213.7.0/28").overlaps(subnet("10.213.7.16/28"))).isFalse();
  }

  @Test
  void firstFree_skipsTakenAndRefusedSubnets_wrapsAround_andSaysWhenNoneIsLeft() {
    SubnetPool pool = SubnetPool.parse("10.213.8.0/26", "pool"); // four /28s
    List<Subnet> taken = List.of(subnet("10.213.8.32/27")); // the last two
    assertThat(SubnetAllocator.firstFree(pool, 2, taken, Set.of())).isEqualTo(pool.subnet(0));
    assertThat(SubnetAllocator.firstFree(pool, 0, taken, Set.of(pool.subnet(0))))
        .isEqualTo(pool.subnet(1));
    assertThat(SubnetAllocator.firstFree(pool, 1, taken, Set.of(pool.subnet(0), pool.subnet(1))))
        .isNull();
    assertThat(SubnetAllocator.firstFree(pool, 0, List.of(subnet("10.0.0.0/8")), Set.of()))
        .isNull();
  }
}
