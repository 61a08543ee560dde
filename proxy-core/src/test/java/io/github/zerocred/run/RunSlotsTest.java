package io.github.zerocred.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunSlotsTest {
  private static final Duration BEAT = Duration.ofMillis(100);
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  /** A wait seen by the listener. */
  record Wait(String who, int ahead, int running, int limit) {}

  @Test
  void manyRuns_neverExceedTheLimit_andAllGetTheirTurn() throws Exception {
    RunSlots slots = RunSlots.withLimit(3);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Future<?>> runs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      runs.add(
          threads.submit(
              () -> {
                try (RunSlots.Slot slot =
                    slots.acquire(Cancellation.create(), BEAT, (a, r, l, w) -> {})) {
                  most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                  Thread.sleep(30);
                  inside.decrementAndGet();
                }
                return null;
              }));
    }
    for (Future<?> run : runs) {
      run.get(30, TimeUnit.SECONDS);
    }
    assertThat(most.get()).isEqualTo(3);
    assertThat(slots.running()).isZero();
    assertThat(slots.waiting()).isZero();
  }

  @Test
  void waitingRuns_goInArrivalOrder_andReportWhereTheyStand() throws Exception {
    RunSlots slots = RunSlots.withLimit(1);
    List<Wait> waits = new CopyOnWriteArrayList<>();
    List<String> order = new CopyOnWriteArrayList<>();
    RunSlots.Slot first = slots.acquire(Cancellation.create(), BEAT, (a, r, l, w) -> {});
    Future<?> second = threads.submit(() -> take(slots, "second", waits, order));
    awaitWaiting(slots, 1);
    Future<?> third = threads.submit(() -> take(slots, "third", waits, order));
    awaitWaiting(slots, 2);
    Thread.sleep(3 * BEAT.toMillis()); // heartbeats while they wait

    first.close();
    second.get(10, TimeUnit.SECONDS);
    third.get(10, TimeUnit.SECONDS);

    assertThat(order).containsExactly("second", "third");
    assertThat(waits).contains(new Wait("second", 0, 1, 1), new Wait("third", 1, 1, 1));
    assertThat(waits.stream().filter(w -> w.who().equals("second")).count())
        .as("a line when the wait starts and at each interval")
        .isGreaterThan(1);
  }

  @Test
  void aCancelledRun_stopsWaitingAtOnce_andLeavesTheQueue() throws Exception {
    RunSlots slots = RunSlots.withLimit(1);
    RunSlots.Slot first = slots.acquire(Cancellation.create(), BEAT, (a, r, l, w) -> {});
    Cancellation cancellation = Cancellation.create();
    CompletableFuture<RunSlots.Slot> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return slots.acquire(cancellation, Duration.ofMinutes(1), (a, r, l, w) -> {});
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            },
            threads);
    awaitWaiting(slots, 1);
    long before = System.nanoTime();
    cancellation.cancel("SIGTERM");
    assertThat(waiting.get(5, TimeUnit.SECONDS)).isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(5));
    assertThat(slots.waiting()).isZero();
    assertThat(slots.running()).isEqualTo(1);

    first.close();
    first.close(); // a second close frees nothing more
    assertThat(slots.running()).isZero();
    RunSlots.Slot again = slots.acquire(Cancellation.create(), BEAT, (a, r, l, w) -> {});
    assertThat(slots.running()).isEqualTo(1);
    again.close();
  }

  @Test
  void aLimitBelowOne_isRefused_andTheDefaultIsFour() {
    assertThatThrownBy(() -> RunSlots.withLimit(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(RunSlots.create().limit()).isEqualTo(RunSlots.DEFAULT_LIMIT).isEqualTo(4);
  }

  private static Void take(RunSlots slots, String who, List<Wait> waits, List<String> order)
      throws InterruptedException {
    try (RunSlots.Slot slot =
        slots.acquire(
            Cancellation.create(),
            BEAT,
            (ahead, running, limit, waited) -> waits.add(new Wait(who, ahead, running, limit)))) {
      order.add(who);
    }
    return null;
  }

  private static void awaitWaiting(RunSlots slots, int n) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (slots.waiting() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never " + n + " waiting: " + slots);
      }
      never.await(10, TimeUnit.MILLISECONDS);
    }
  }
}
