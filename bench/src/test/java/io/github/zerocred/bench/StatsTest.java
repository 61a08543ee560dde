package io.github.zerocred.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void percentile_isNearestRank_neverInterpolated() {
    Stats stats = Stats.of(50, 10, 40, 20, 30);

    assertThat(stats.median()).isEqualTo(30);
    assertThat(stats.percentile(0)).isEqualTo(10);
    assertThat(stats.percentile(20)).isEqualTo(10);
    assertThat(stats.percentile(21)).isEqualTo(20);
    assertThat(stats.percentile(99)).isEqualTo(50);
    assertThat(stats.max()).isEqualTo(50);
    assertThat(stats.mean()).isEqualTo(30.0);
  }

  @Test
  void p99_ofAHundredValues_isTheNinetyNinthSmallest() {
    long[] values = new long[100];
    for (int i = 0; i < values.length; i++) {
      values[i] = 100 - i; // reversed: the sample must sort
    }

    assertThat(Stats.of(values).percentile(99)).isEqualTo(99);
  }

  @Test
  void of_copiesItsInput() {
    long[] values = {3, 1, 2};
    Stats stats = Stats.of(values);
    values[0] = 1000;

    assertThat(stats.max()).isEqualTo(3);
  }

  @Test
  void emptySample_orPercentileOutOfRange_isRefused() {
    assertThatThrownBy(() -> Stats.of().median()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Stats.of(1).percentile(101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void longList_growsPastItsInitialCapacity() {
    LongList list = new LongList();
    for (int i = 0; i < 5000; i++) {
      list.add(i);
    }
    LongList more = new LongList();
    more.add(-1);
    list.addAll(more);

    assertThat(list.size()).isEqualTo(5001);
    assertThat(list.stats().percentile(0)).isEqualTo(-1);
  }
}
