package io.github.zerocred.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadSelectionTest {

  @Test
  void workloads_areNumberedOneToThirteenInTableOrder_withDistinctNames() {
    assertThat(Bench.WORKLOADS)
        .extracting(Workload::number)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    assertThat(Bench.WORKLOADS.stream().map(Workload::name).distinct()).hasSize(13);
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
    assertThatThrownBy(() -> Bench.select(Bench.WORKLOADS, Set.of("1", "14")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--only: no workload 14")
        .hasMessageContaining("1 SmallRequestsOneTunnel")
        .hasMessageContaining("9 MessagesBodyCheck")
        .hasMessageContaining("13 MavenReviewTime");
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

  @Test
  void only_byName_selectsTheReviewWorkloads() {
    assertThat(Bench.select(Bench.WORKLOADS, Set.of("MavenReviewTime", "zerocredreviewtime")))
        .extracting(Workload::number)
        .containsExactly(11, 13);
  }

  @Test
  void options_reviewPrefix_isPassedToTheReviewBenchWithoutIt() {
    BenchOptions options =
        BenchOptions.parse(
            new String[] {
              "--zerocred-jar",
              "z.jar",
              "--work",
              "w",
              "--review-image",
              "img:1",
              "--review-cli",
              "now=z.jar -XX:TieredStopAtLevel=1",
              "--review-runs",
              "2"
            });

    assertThat(options.reviewArgs())
        .containsExactly(
            "--image", "img:1", "--cli", "now=z.jar -XX:TieredStopAtLevel=1", "--runs", "2");
    List<String> args = new ArrayList<>(options.reviewArgs());
    args.addAll(List.of("--work", "w"));
    ReviewBench review = ReviewBench.parse(args, s -> {}, 5);
    assertThat(review.variants(ReviewBench.Kind.CLI))
        .containsExactly(
            new ReviewBench.Variant(
                ReviewBench.Kind.CLI, "now", List.of("z.jar", "-XX:TieredStopAtLevel=1")));
    assertThat(review.variants(ReviewBench.Kind.ACTION)).isEmpty();
  }
}
