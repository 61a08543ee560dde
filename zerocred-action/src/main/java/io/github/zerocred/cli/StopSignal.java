package io.github.zerocred.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** What a long-running command waits for before it stops: SIGTERM or SIGINT in the real program. */
@FunctionalInterface
interface StopSignal {

  /** Blocks until it is time to stop. */
  void await() throws InterruptedException;

  /**
   * Catches SIGTERM and SIGINT from now on. Without this the JVM would end on them with status 143
   * or 130; caught, the command stops the proxy itself, removes its files and exits 0. Installed
   * before anything starts, so a signal during startup is not lost.
   *
   * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the only way the JDK offers to handle a
   * signal without exiting; javac warns about it and the warning cannot be suppressed.
   */
  static StopSignal onTermOrInt() {
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> stop.countDown());
      } catch (IllegalArgumentException e) {
        // The signal is reserved (java -Xrs) or unknown here: the shutdown hook still cleans up.
      }
    }
    return stop::await;
  }
}
