package io.github.zerocred.bench;

import static io.github.zerocred.bench.BenchContext.median;
import static io.github.zerocred.bench.BenchContext.ms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Workload 4: server-sent events, 2,000 events of ~200 bytes, one every 0.5 ms — what a streamed
 * model answer sees: time to the first event and each event's latency from upstream to client.
 */
final class ServerSentEvents extends Workload {
  private static final int EVENTS = 2000;
  private static final int SIZE = 200;
  private static final long GAP_MICROS = 500;

  ServerSentEvents() {
    super(4);
  }

  @Override
  void run(BenchContext bench) throws Exception {
    bench.say(
        "workload 4: SSE, "
            + EVENTS
            + " events of ~"
            + SIZE
            + " bytes, one every "
            + GAP_MICROS
            + " µs");
    Map<Way, List<Double>> firsts = new LinkedHashMap<>();
    Map<Way, List<Double>> totals = new LinkedHashMap<>();
    Map<Way, LongList> perEvent = new LinkedHashMap<>();
    for (Way way : bench.ways()) {
      Traffic.sse(way, 200, SIZE, 0); // warm-up
      firsts.put(way, new ArrayList<>());
      totals.put(way, new ArrayList<>());
      perEvent.put(way, new LongList());
    }
    for (int round = 0; round < bench.options().rounds(); round++) {
      for (Way way : bench.ways()) {
        Traffic.SseResult r = Traffic.sse(way, EVENTS, SIZE, GAP_MICROS);
        firsts.get(way).add(ms(r.firstEventNanos()));
        totals.get(way).add(ms(r.totalNanos()));
        perEvent.get(way).addAll(r.sink().latencies);
      }
    }
    Map<Way, Stats> stats = BenchContext.stats(perEvent);
    bench.row(
        number(),
        "SSE: time to first event (ms)",
        w -> median(firsts.get(w)),
        Row.Target.withinOfDirect(2, "ms"));
    bench.row(number(), "SSE: per-event latency p50 (ms)", w -> ms(stats.get(w).median()), null);
    bench.row(
        number(), "SSE: per-event latency p99 (ms)", w -> ms(stats.get(w).percentile(99)), null);
    bench.row(number(), "SSE: all " + EVENTS + " events (ms)", w -> median(totals.get(w)), null);
  }
}
