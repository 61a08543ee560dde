package io.github.zerocred.run;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Receives a container's multiplexed log stream and splits it into stdout and stderr lines.
 *
 * <p>Completion has its own latch because docker-java's {@code awaitCompletion(timeout)} closes the
 * stream when it returns, even on a timeout: waiting in slices (for heartbeats) would cut the
 * stream after the first slice.
 *
 * <p>Hostile input: every byte the container prints. Lines are capped ({@link LineSplitter}), and
 * anything thrown while handling them — an {@link Error} such as {@link OutOfMemoryError} included
 * — ends the stream at once and is kept as {@link #fatal()}, so the run fails fast instead of
 * waiting for a stream that a dead callback no longer reads.
 */
final class LogFollower extends ResultCallback.Adapter<Frame> {
  private final LineSplitter stdout;
  private final LineSplitter stderr;
  private final CountDownLatch done = new CountDownLatch(1);
  // Counted down at the end of the stream too, and by wake(): one latch the follow loop waits on.
  private final CountDownLatch endOrWake = new CountDownLatch(1);
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private final AtomicReference<Throwable> fatal = new AtomicReference<>();

  LogFollower(StreamJsonCollector collector, int maxLineBytes) {
    this.stdout = new LineSplitter(maxLineBytes, collector::stdoutLine);
    this.stderr = new LineSplitter(64 * 1024, collector::stderrLine);
  }

  @Override
  public void onNext(Frame frame) {
    if (fatal.get() != null) {
      return;
    }
    try {
      if (frame.getStreamType() == StreamType.STDERR) {
        stderr.accept(frame.getPayload());
      } else {
        stdout.accept(frame.getPayload());
      }
    } catch (RuntimeException | Error e) {
      // Never throw into docker-java (its thread would die and the stream hang): stop reading, and
      // let the run see it at once.
      fail(e);
    }
  }

  /** Records a failure of our own handling, ends the wait, and closes the stream. */
  void fail(Throwable t) {
    if (!fatal.compareAndSet(null, t)) {
      return;
    }
    error.compareAndSet(null, t);
    done.countDown();
    try {
      close();
    } catch (Exception | Error e) {
      // The stream is going away anyway.
    }
  }

  /** What went wrong while handling the output, if anything: the run must fail. */
  Throwable fatal() {
    return fatal.get();
  }

  @Override
  public void onError(Throwable throwable) {
    error.compareAndSet(null, throwable);
    try {
      super.onError(throwable);
    } catch (RuntimeException e) {
      // The template rethrows; the error is recorded.
    } finally {
      done.countDown();
      endOrWake.countDown();
    }
  }

  @Override
  public void onComplete() {
    try {
      super.onComplete();
    } finally {
      done.countDown();
      endOrWake.countDown();
    }
  }

  /** Ends {@link #awaitEndOrWake} early, from any thread (a cancellation); the stream goes on. */
  void wake() {
    endOrWake.countDown();
  }

  /** Waits for the end of the stream or for {@link #wake()}, without closing the stream. */
  boolean awaitEndOrWake(long millis) throws InterruptedException {
    return endOrWake.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Waits for the end of the stream, without closing it on a timeout. */
  boolean await(long millis) throws InterruptedException {
    return done.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Emits the last lines, if the stream ended without a newline. Call after the stream ended. */
  void flush() {
    if (fatal.get() != null) {
      return;
    }
    try {
      stdout.flush();
      stderr.flush();
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /** The first error of the stream, if it broke off. */
  Throwable error() {
    return error.get();
  }
}
