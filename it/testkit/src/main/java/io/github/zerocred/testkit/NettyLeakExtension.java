package io.github.zerocred.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty reports a leaked buffer (or other tracked resource) by the end of it.
 *
 * <p>The testkit registers it for every test class of a module that has the testkit on its test
 * class path: the jar lists it in {@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} and ships a {@code
 * junit-platform.properties} turning {@code junit.jupiter.extensions.autodetection.enabled} on.
 * JUnit reads only the first {@code junit-platform.properties} on the class path, so a module with
 * its own (in {@code src/test/resources}) must add that line to it. It works best with {@code
 * -Dio.netty.leakDetection.level=paranoid}, which the build sets for every module: every buffer is
 * tracked and the report says where it was last touched.
 *
 * <p>After each test (and after each class, for leaks in class-level teardown) it collects garbage
 * and allocates a few buffers, which makes Netty poll its queue of collected, unreleased buffers.
 * Leaks surface when the buffer is collected, so a leak from a background thread may be blamed on a
 * later test; with parallel test execution the blame is only a hint.
 */
public final class NettyLeakExtension implements AfterEachCallback, AfterAllCallback {

  // Rounds of collect-then-poll: one usually suffices, the next catch objects that a finalizer or
  // the reference handler thread had not yet queued.
  private static final int ROUNDS = 3;
  private static final int ALLOCATIONS_PER_ROUND = 256;

  static {
    // As early as possible: Netty's buffer classes create their detector once, when first used.
    LeakRecorder.INSTANCE.install();
  }

  /** Created by JUnit, by autodetection or {@code @ExtendWith}. */
  public NettyLeakExtension() {}

  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    check("this test");
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    check("this class's tests or their class-level teardown");
  }

  private static void check(String culprit) throws InterruptedException {
    List<String> leaks = collect();
    if (!LeakRecorder.INSTANCE.recordsBufferLeaks()) {
      throw new AssertionError(
          "Netty's buffer leak detector was created before NettyLeakExtension could install its"
              + " recording factory, so leaks would only be logged. Something used Netty buffers"
              + " before JUnit loaded extensions (a static initializer in a test class?).");
    }
    if (!leaks.isEmpty()) {
      StringBuilder message =
          new StringBuilder("Netty reported ")
              .append(leaks.size())
              .append(" leak(s) by the end of ")
              .append(culprit)
              .append(" (detected when the object was garbage-collected, so it may come from")
              .append(" earlier work in this JVM). Every path must forward or release:");
      for (String leak : leaks) {
        message.append("\n\n").append(leak);
      }
      throw new AssertionError(message.toString());
    }
  }

  /** Makes Netty report what is collectable now, and returns the reports. */
  static List<String> collect() throws InterruptedException {
    for (int round = 0; round < ROUNDS; round++) {
      System.gc();
      // Collected buffers reach the detector's reference queue via the reference handler thread.
      Thread.sleep(10);
      // Each tracked allocation makes the detector drain its queue and report what it finds.
      for (int i = 0; i < ALLOCATIONS_PER_ROUND; i++) {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(8);
        pooled.release();
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
        unpooled.release();
      }
    }
    return LeakRecorder.INSTANCE.drain();
  }
}
