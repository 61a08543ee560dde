package io.github.zerocred.cli;

import io.github.zerocred.run.Cancellation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as {@code zerocred} sees them: they stop the standalone proxy (which waits in
 * {@link #await()}) and cancel a running review (which runs with {@link #cancellation()}); a
 * cancelled review exits with {@link #exitCode()}, 130 or 143 as a shell expects.
 *
 * <p>Where they come from: Ctrl-C in a terminal; a CI system stopping a job; and a cancelled GitHub
 * job, whose runner sends SIGINT to the action's {@code docker run} (which forwards it to this JVM,
 * PID 1 of the action container), SIGTERM 7.5 s later and kills the process tree 2.5 s after that
 * (actions/runner, {@code src/Runner.Sdk/ProcessInvoker.cs}). A review must be torn down and
 * reported inside those first 7.5 s; the end-to-end tests measure about one second.
 */
final class StopSignal {
  static final int SIGINT = 2;
  static final int SIGTERM = 15;

  private final CountDownLatch arrived = new CountDownLatch(1);
  private final AtomicInteger first = new AtomicInteger();
  private final Cancellation cancellation = Cancellation.create();

  private StopSignal() {}

  /**
   * Catches SIGTERM and SIGINT from now on. Without this the JVM would end on them with status 143
   * or 130 after running its shutdown hooks, which cannot wait for a review to write its partial
   * output; caught, the proxy stops itself and a review is cancelled, tears down and reports.
   * Installed before anything starts, so a signal during startup is not lost: a review that starts
   * after it is cancelled before it creates anything.
   *
   * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the only way the JDK offers to handle a
   * signal without exiting; javac warns about it and the warning cannot be suppressed.
   */
  static StopSignal onTermOrInt() {
    StopSignal stop = new StopSignal();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> stop.receive(signal.getNumber()));
      } catch (IllegalArgumentException e) {
        // The signal is reserved (java -Xrs) or unknown here: the shutdown hooks still clean up.
      }
    }
    return stop;
  }

  /** A stop signal that only {@link #receive(int)} delivers: for tests, and never by itself. */
  static StopSignal manual() {
    return new StopSignal();
  }

  /**
   * A signal arrived, by number. The first one decides the exit code and the reason; later ones (a
   * second Ctrl-C) change nothing, so the teardown under way finishes. Runs on the JVM's signal
   * thread: it only counts down and asks the run to stop, it never blocks.
   */
  void receive(int number) {
    if (!first.compareAndSet(0, number)) {
      return;
    }
    arrived.countDown();
    cancellation.cancel(name(number));
  }

  /** Blocks until a signal arrives. */
  void await() throws InterruptedException {
    arrived.await();
  }

  /** What a review runs with, so that a signal cancels it. */
  Cancellation cancellation() {
    return cancellation;
  }

  /** 128 + the first signal's number: 130 after SIGINT, 143 after SIGTERM; 1 before any signal. */
  int exitCode() {
    int number = first.get();
    return number == 0 ? ExitCodes.RUNTIME_FAILURE : 128 + number;
  }

  private static String name(int number) {
    return switch (number) {
      case SIGINT -> "SIGINT";
      case SIGTERM -> "SIGTERM";
      default -> "signal " + number;
    };
  }
}
