package io.github.zerocred.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What interleaved rounds kept: latencies over all rounds, each round's rate, proxy CPU.
 *
 * @param stats each way's latencies over all rounds
 * @param rates each way's requests per second, one per round
 * @param cpu the proxies' CPU over the measured rounds
 */
record Rounds(Map<Way, Stats> stats, Map<Way, List<Double>> rates, ProxyCpu cpu) {

  /** One way's measurement, for {@link #interleaved}. */
  @FunctionalInterface
  interface Measure {
    Traffic.Sample of(Way way) throws Exception;
  }

  /**
   * Warms every way up, then measures the ways in turn, round after round, so that the machine's
   * noise falls on all of them alike.
   */
  static Rounds interleaved(BenchContext bench, Measure warmUp, Measure measure) throws Exception {
    Map<Way, LongList> latencies = new LinkedHashMap<>();
    Map<Way, List<Double>> rates = new LinkedHashMap<>();
    for (Way way : bench.ways()) {
      warmUp.of(way);
      latencies.put(way, new LongList());
      rates.put(way, new ArrayList<>());
    }
    ProxyCpu cpu = new ProxyCpu(bench); // after the warm-up: JIT compilation is not per request
    for (int round = 0; round < bench.options().rounds(); round++) {
      for (Way way : bench.ways()) {
        Traffic.Sample s = measure.of(way);
        cpu.count(way, s);
        latencies.get(way).addAll(s.latencies());
        rates.get(way).add(s.perSecond());
      }
    }
    return new Rounds(BenchContext.stats(latencies), rates, cpu);
  }
}
