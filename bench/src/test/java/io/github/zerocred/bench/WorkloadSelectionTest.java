package io.github.zerocred.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadSelectionTest {

  @Test
  void workloads_areNumberedOneToTenInTableOrder_withDistinctNames() {
    assertThat(Bench.WORKLOADS)
        .extracting(Workload::number)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(Bench.WORKLOADS.stream().map(Workload::name).distinct()).hasSize(10);
  }

  @Test
  void only_byNumbers_selectsThoseInTableOrder() {
    List<Workload> selected = Bench.select(Bench.WORKLOADS, Set.of("9", "1", "3"));

    assertThat(selected).extracting(Workload::number).containsExactly(1, 3, 9);
  }

  @Test
  void only_byNameInAnyCase_selectsThatWorkload() {
    List<Workload> selected =
        Bench.select(Bench.WORKLOADS, Set.of("messagesbodycheck", "LargeDownloadAndUpload"));

    assertThat(selected).extracting(Workload::number).containsExactly(3, 9);
  }

  @Test
  void only_empty_selectsAll() {
    assertThat(Bench.select(Bench.WORKLOADS, Set.of())).isEqualTo(Bench.WORKLOADS);
  }

  @Test
  void only_unknownNumberOrName_isRefusedListingTheWorkloads() {
    assertThatThrownBy(() -> Bench.select(Bench.WORKLOADS, Set.of("1", "12")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--only: no workload 12")
        .hasMessageContaining("1 SmallRequestsOneTunnel")
        .hasMessageContaining("9 MessagesBodyCheck");
  }

  @Test
  void options_only_keepsNumbersAndNamesAsGiven() {
    BenchOptions options =
        BenchOptions.parse(
            new String[] {"--zerocred-jar", "z.jar", "--work", "w", "--only", "1, 3,NewTunnels"});

    assertThat(options.only()).containsExactly("1", "3", "NewTunnels");
    assertThat(Bench.select(Bench.WORKLOADS, options.only()))
        .extracting(Workload::number)
        .containsExactly(1, 3, 5);
  }
}
