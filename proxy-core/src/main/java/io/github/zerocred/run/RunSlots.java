package io.github.zerocred.run;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many runs may work at once in the code that owns this object, with a first-come-first-served
 * queue for the rest: a review bot handling many pull requests degrades by waiting, not by failing
 * on an engine that is out of memory or networks. The embedding code creates one and gives it to
 * every run ({@link RunConfig.Builder#runSlots}); a run without one does not queue. A queued run
 * reports {@link RunEvent.Queued} when it starts waiting and at each progress interval, and a
 * cancellation ends its wait at once (it then creates nothing).
 *
 * <pre>{@code
 * RunSlots slots = RunSlots.create();          // one per bot, shared by all its reviews
 * RunConfig config = RunConfig.builder()....runSlots(slots).build();
 * }</pre>
 */
public final class RunSlots {
  /**
   * The default limit: four runs at the default memory limit of 4 GiB fill a 16 GiB machine, and a
   * run mostly waits on the model, so a few at once keep two cores busy enough.
   */
  public static final int DEFAULT_LIMIT = 4;

  private final int limit;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock: the waiting runs in arrival order, and how many hold a slot.
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private int running;

  private RunSlots(int limit) {
    this.limit = limit;
  }

  /** Slots for {@link #DEFAULT_LIMIT} runs at once. */
  public static RunSlots create() {
    return withLimit(DEFAULT_LIMIT);
  }

  /**
   * Slots for {@code limit} runs at once.
   *
   * @throws IllegalArgumentException when {@code limit} is below 1
   */
  public static RunSlots withLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the run limit must be at least 1, got " + limit);
    }
    return new RunSlots(limit);
  }

  public int limit() {
    return limit;
  }

  /** How many runs hold a slot now. */
  public int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /** How many runs wait for one now. */
  public int waiting() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Hears a queued run's progress: how many wait ahead of it, and for how long it has waited. */
  @FunctionalInterface
  interface WaitListener {
    void waiting(int ahead, int running, int limit, Duration waited);
  }

  /**
   * Waits for a slot, in arrival order, telling {@code listener} when the wait starts and every
   * {@code interval}.
   *
   * @return the slot, to be closed when the run is over; null when {@code cancellation} ended the
   *     wait first
   */
  Slot acquire(Cancellation cancellation, Duration interval, WaitListener listener)
      throws InterruptedException {
    Object ticket = new Object();
    long start = System.nanoTime();
    long beat = interval.toNanos();
    try (Cancellation.Registration wake = cancellation.onCancel(this::wakeAll)) {
      lock.lockInterruptibly();
      try {
        queue.addLast(ticket);
        try {
          long nextBeat = 0; // report at once when the run has to wait at all
          while (queue.peekFirst() != ticket || running >= limit) {
            if (cancellation.isCancelled()) {
              return null;
            }
            long waited = System.nanoTime() - start;
            if (waited >= nextBeat) {
              listener.waiting(ahead(ticket), running, limit, Duration.ofNanos(waited));
              nextBeat = waited + beat;
            }
            changed.awaitNanos(Math.max(1, nextBeat - waited));
          }
          running++;
        } finally {
          queue.remove(ticket);
          changed.signalAll(); // the next in line may go now, or moves up
        }
      } finally {
        lock.unlock();
      }
    }
    return new Slot();
  }

  private int ahead(Object ticket) {
    int ahead = 0;
    for (Object t : queue) {
      if (t == ticket) {
        break;
      }
      ahead++;
    }
    return ahead;
  }

  private void wakeAll() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "RunSlots[limit=" + limit + ", running=" + running() + ", waiting=" + waiting() + "]";
  }

  /** One run's slot; closing it (once, from whichever thread comes first) lets the next run go. */
  final class Slot implements AutoCloseable {
    private final AtomicBoolean closed = new AtomicBoolean();

    private Slot() {}

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      lock.lock();
      try {
        running--;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }
}
